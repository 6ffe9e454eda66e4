// How --verify and bench --verify-every judge the server's answers against
// the linked library's. Bit for bit when both run the same kernels (same
// SIMD target); otherwise each side is only known to lie within its
// published error of the exact value, so they may differ by the sum of both.
#pragma once

#include <cstdint>
#include <string>

#include "client/batch/chunk.h"

namespace activation::client {

// What the server says about itself and the job's activation (ListActivations).
struct ServerEntry {
  bool rowwise = false;
  double forward_max_ulp = -1;     // published worst over every target; -1: not measured
  double derivative_max_ulp = -1;
  std::string simd_target;         // empty: an older server that does not say
};

class VerifyPolicy {
 public:
  // Bit for bit (NaNs of any payload agree).
  static VerifyPolicy BitForBit(std::string why);
  // Within `ulp` representable floats, and any two results below FLT_MIN in
  // magnitude (the published bound is absolute there).
  static VerifyPolicy WithinUlp(std::int64_t ulp, std::string why);

  bool Agree(float remote, float local) const;
  bool bit_for_bit() const { return tolerance_ulp_ == 0; }
  // "bit for bit (both on AVX2)", "within 8 ULP (server on SSE4, here AVX3)".
  const std::string& description() const { return description_; }

 private:
  std::int64_t tolerance_ulp_ = 0;
  std::string description_;
};

// The policy for comparing `server`'s answers to `job` with this machine's
// library, whose kernels run on `local_target` with published figures `local`.
VerifyPolicy ChooseVerifyPolicy(const ServerEntry& server, const std::string& local_target,
                                const ServerEntry& local, const Job& job);

}  // namespace activation::client
