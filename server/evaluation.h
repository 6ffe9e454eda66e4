// activation.v1 onto the one evaluation path (wire/evaluation.h): every RPC
// (Evaluate, Gradient and their streams) goes through Serve().
#pragma once

#include <cstddef>
#include <string_view>

#include <grpcpp/support/status.h>

#include "activation/v1/activation.pb.h"
#include "compute/dtype.h"

namespace activation::server {

// What a served request amounted to, for logs and metrics.
struct ServeSummary {
  std::string_view activation;  // as requested
  std::size_t elements = 0;
  DataType dtype = DataType::kFloat32;
};

// Validates `request`, checks that the answer fits in `max_response_bytes`
// (the send limit) before computing it, and computes into `response` (same
// encoding and shape as the input). A non-OK status names the offending field
// (INVALID_ARGUMENT) or both sizes and the flag to raise (RESOURCE_EXHAUSTED);
// `response` is then unspecified.
grpc::Status Serve(const v1::EvaluateRequest& request, v1::EvaluateResponse* response,
                   std::size_t max_response_bytes, ServeSummary* summary);
grpc::Status Serve(const v1::GradientRequest& request, v1::GradientResponse* response,
                   std::size_t max_response_bytes, ServeSummary* summary);

// The same, consuming the request: for elementwise activations the input's
// storage moves into the response and the last output is computed in place,
// so a call allocates and fills no output buffer. `request->input()` is
// unspecified afterwards. What the server's handlers use.
grpc::Status Serve(v1::EvaluateRequest* request, v1::EvaluateResponse* response, std::size_t max_response_bytes,
                   ServeSummary* summary);
grpc::Status Serve(v1::GradientRequest* request, v1::GradientResponse* response, std::size_t max_response_bytes,
                   ServeSummary* summary);

}  // namespace activation::server
