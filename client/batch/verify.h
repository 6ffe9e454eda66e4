// How --verify and bench --verify-every judge the server's answers against
// the linked library's, in the answers' own dtype. Bit for bit when both run
// the same kernels (same SIMD target); otherwise each side is only known to
// lie within its published error of the exact value, so they may differ by
// the sum of both.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "client/batch/chunk.h"

namespace activation::client {

// Published worst errors of one dtype's answers, in ULP of that dtype;
// -1: not published.
struct UlpBounds {
  double forward = -1;
  double derivative = -1;
};

// What the server says about itself and the job's activation (ListActivations).
struct ServerEntry {
  bool rowwise = false;
  std::array<UlpBounds, kDataTypes> ulp;  // by DataType
  std::string simd_target;                // empty: an older server that does not say

  UlpBounds& bounds(DataType dtype) { return ulp[static_cast<std::size_t>(dtype)]; }
  const UlpBounds& bounds(DataType dtype) const { return ulp[static_cast<std::size_t>(dtype)]; }
};

class VerifyPolicy {
 public:
  // Bit for bit (NaNs of any payload agree).
  static VerifyPolicy BitForBit(std::string why);
  // Within `ulp` representable values of the answers' dtype, and any two
  // results below its smallest normal in magnitude (the published bound is
  // absolute there).
  static VerifyPolicy WithinUlp(std::int64_t ulp, std::string why);

  // Counts the elements where `remote` and `local` (one dtype, one size)
  // disagree, and raises `max_abs_diff` to the largest |difference| among them.
  void Compare(const Elements& remote, const Elements& local, std::uint64_t* mismatches,
               double* max_abs_diff) const;
  bool bit_for_bit() const { return tolerance_ulp_ == 0; }
  // "bit for bit (both on AVX2)", "within 8 ULP (server on SSE4, here AVX3)".
  const std::string& description() const { return description_; }

 private:
  std::uint64_t tolerance_ulp_ = 0;
  std::string description_;
};

// The policy for comparing `server`'s answers to `job` (in job.dtype) with
// this machine's library, whose kernels run on `local_target` with figures
// `local` (LocalEntry: float16/bfloat16 published as correctly rounded only
// at the parameters that holds for).
VerifyPolicy ChooseVerifyPolicy(const ServerEntry& server, const std::string& local_target,
                                const ServerEntry& local, const Job& job);

}  // namespace activation::client
