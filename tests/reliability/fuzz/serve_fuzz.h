// Arbitrary bytes parsed as a request message and served exactly as the
// server serves a call: the consuming (in-place) Serve overload, validation,
// the send-limit check and compute. A crash, a sanitizer report or a broken
// invariant (trap) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "server/evaluation.h"
#include "wire/tensor_codec.h"

namespace activation::reliability {

// Small enough that fuzzed inputs reach the refusal, large enough for most.
inline constexpr std::size_t kFuzzSendLimit = 16 << 10;

// What an answer must look like: the input's encoding, shape and element
// count, noted before the request is consumed.
struct Expected {
  explicit Expected(const v1::Tensor& input)
      : elements(wire::ElementCount(input)),
        raw(!input.raw().empty()),
        shape(input.shape().begin(), input.shape().end()) {}
  bool Matches(const v1::Tensor& answer) const {
    return wire::ElementCount(answer) == elements && answer.raw().empty() == !raw &&
           std::vector<std::int64_t>(answer.shape().begin(), answer.shape().end()) == shape;
  }
  std::size_t elements;
  bool raw;
  std::vector<std::int64_t> shape;
};

inline int OutputsOf(const v1::EvaluateRequest&) { return 1; }
inline int OutputsOf(const v1::GradientRequest& request) { return request.include_output() ? 2 : 1; }

inline bool AnswerIsConsistent(const Expected& expected, const v1::EvaluateRequest&,
                               const v1::EvaluateResponse& response) {
  return expected.Matches(response.output());
}

inline bool AnswerIsConsistent(const Expected& expected, const v1::GradientRequest& request,
                               const v1::GradientResponse& response) {
  return expected.Matches(response.grad_input()) &&
         (request.include_output() ? expected.Matches(response.output()) : !response.has_output());
}

template <typename Request, typename Response>
void FuzzServe(const std::uint8_t* data, std::size_t size) {
  // Parsing invalid UTF-8 in a string field is an expected rejection; its
  // log line on every such input would slow the fuzzer down.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  const Expected expected(request.input());
  Response response;
  server::ServeSummary summary;
  const grpc::Status status = server::Serve(&request, &response, kFuzzSendLimit, &summary);
  if (status.ok()) {
    if (!AnswerIsConsistent(expected, request, response)) __builtin_trap();
    if (response.ByteSizeLong() > kFuzzSendLimit) __builtin_trap();  // the limit let a larger answer through
  } else if (status.error_message().empty()) {
    __builtin_trap();  // every refusal says why
  } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    // Refused for size: the floats alone (4 bytes each per output) plus at
    // most a rank-32 shape and tags per output must come near the limit.
    const std::size_t floor = 4 * expected.elements * OutputsOf(request) + 400 * OutputsOf(request);
    if (floor <= kFuzzSendLimit) __builtin_trap();
  } else if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
    __builtin_trap();  // bad input must be INVALID_ARGUMENT
  }
}

}  // namespace activation::reliability
