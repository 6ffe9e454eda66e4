// Arbitrary bytes parsed as a request message and served exactly as the
// server serves a call (validation + compute). A crash, a sanitizer report
// or a broken invariant (trap) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "server/evaluation.h"

namespace activation::reliability {

inline std::size_t ElementCount(const v1::Tensor& t) {
  return t.raw().empty() ? static_cast<std::size_t>(t.values_size()) : t.raw().size() / 4;
}

// An answer has the input's encoding, shape and element count.
inline bool LooksLike(const v1::Tensor& answer, const v1::Tensor& input) {
  return ElementCount(answer) == ElementCount(input) && answer.raw().empty() == input.raw().empty() &&
         std::vector<std::int64_t>(answer.shape().begin(), answer.shape().end()) ==
             std::vector<std::int64_t>(input.shape().begin(), input.shape().end());
}

inline bool AnswerIsConsistent(const v1::EvaluateRequest& request, const v1::EvaluateResponse& response) {
  return LooksLike(response.output(), request.input());
}

inline bool AnswerIsConsistent(const v1::GradientRequest& request, const v1::GradientResponse& response) {
  return LooksLike(response.grad_input(), request.input()) &&
         (!request.include_output() || LooksLike(response.output(), request.input()));
}

template <typename Request, typename Response>
void FuzzServe(const std::uint8_t* data, std::size_t size) {
  // Parsing invalid UTF-8 in a string field is an expected rejection; its
  // log line on every such input would slow the fuzzer down.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  Response response;
  server::ServeSummary summary;
  const grpc::Status status = server::Serve(request, &response, &summary);
  if (status.ok()) {
    if (!AnswerIsConsistent(request, response)) __builtin_trap();
  } else if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT || status.error_message().empty()) {
    __builtin_trap();  // bad input must be INVALID_ARGUMENT with a message
  }
}

}  // namespace activation::reliability
