// The Open Inference Protocol's HTTP/REST bodies, apart from any HTTP
// server: an inference request read from JSON (simdjson) and the binary
// tensor data extension, and every answer written as JSON (nlohmann-json).
// The front end (server/oip_http.h) routes and observes calls and sends
// these; tests and the fuzz target call them directly.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <absl/status/status.h>

#include "compute/dtype.h"

namespace activation::server {

inline constexpr const char* kInferenceHeaderLength = "Inference-Header-Content-Length";

// What to send: a status, a body and how to label it.
struct HttpAnswer {
  int status = 200;
  std::string body;  // JSON, then binary outputs when header_length is set
  std::string content_type = "application/json";
  std::string header_length;  // the answer's Inference-Header-Content-Length; empty: none
  std::size_t elements = 0;   // of each output (inference)
  DataType dtype = DataType::kFloat32;  // of the inference's tensors
};

// The HTTP status that stands for `code` (404, 400, 429, 503, ...) and back.
int HttpStatusOf(absl::StatusCode code);
absl::StatusCode StatusCodeOf(int http_status);

// `status` as the protocol's error: its HTTP status and {"error": message}.
HttpAnswer ErrorAnswer(const absl::Status& status);

// POST /v2/models/{model}[/versions/{version}]/infer: the body and its
// Inference-Header-Content-Length header (null when absent).
HttpAnswer ServeInfer(std::string_view body, const std::string* header_length, std::string_view model,
                      std::string_view version, std::size_t max_response_bytes);

// GET /v2/health/live and /v2/health/ready (answered once admitted), GET /v2.
HttpAnswer LiveAnswer();
HttpAnswer ReadyAnswer();
HttpAnswer ServerMetadataAnswer();
// GET /v2/models/{model}[/versions/{version}] and .../ready; 404 when unknown.
HttpAnswer ModelMetadataAnswer(std::string_view model, std::string_view version);
HttpAnswer ModelReadyAnswer(std::string_view model, std::string_view version);

}  // namespace activation::server
