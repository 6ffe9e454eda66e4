// Random calls of every kind against a running server, each checked: valid
// requests against the double-precision formulas of tests/server/reference.h,
// invalid ones for INVALID_ARGUMENT, cancelled ones for CANCELLED or
// DEADLINE_EXCEEDED. Shared by the soak test and the sanitizer runs.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "activation/v1/activation.grpc.pb.h"

namespace activation::reliability {

enum class CallKind {
  kEvaluate,
  kGradient,
  kList,
  kEvaluateStream,
  kGradientStream,
  kInvalid,
  kInvalidInStream,
  kCancelStream,
  kTinyDeadline,
  kCount
};

const char* CallKindName(CallKind kind);

// What MakeCheckedCall returns for a server that refused the call as busy
// (RESOURCE_EXHAUSTED "server busy: ..."): a right answer whatever the call.
// The soak's abandoned calls (tiny deadlines, cancelled streams) count as in
// progress until the server has wound them down, and on a loaded machine
// that can take the count past --max-concurrent-calls.
inline constexpr char kBusy[] = "busy";

// Makes one call of `kind` with random content; returns "" when the answer
// was right, kBusy for a busy refusal, otherwise what was wrong.
std::string MakeCheckedCall(v1::ActivationService::Stub& stub, CallKind kind, std::mt19937_64& rng);

}  // namespace activation::reliability
