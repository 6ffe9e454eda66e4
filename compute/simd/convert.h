// float32 <-> float16 (`half`) or bfloat16 bit patterns over arrays, and the
// VJP's product rounded to odd, on the dispatch target;
// compute/dtype.h is the interface the rest uses.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace activation::simd {

// Round to nearest, ties to even; NaN stays NaN; past the range: inf.
void NarrowFloats(bool half, const float* in, std::uint16_t* out, std::size_t n);
// Exact.
void WidenFloats(bool half, const std::uint16_t* in, float* out, std::size_t n);

// The nearest float toward zero with its last bit set when inexact (NaN
// stays NaN): a later rounding to 16 bits then equals one rounding of
// `value` (a double or long double).
template <typename Wide>
float RoundToOdd(Wide value) {
  const float f = static_cast<float>(value);
  if (static_cast<Wide>(f) == value || value != value) return f;
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::fabs(static_cast<Wide>(f)) > std::fabs(value)) --bits;  // one step toward zero, either sign
  bits |= 1u;
  float odd;
  std::memcpy(&odd, &bits, 4);
  return odd;
}

// out[i] = a[i] * b[i] rounded to odd in float (exact product first): a
// later rounding to float16 or bfloat16 is then one rounding of a[i] * b[i].
// Requires the significands of a[i] and b[i] to total at most 53 bits, as a
// narrow value (at most 11) times a float (24) does.
void ProductRoundToOdd(const float* a, const float* b, float* out, std::size_t n);

}  // namespace activation::simd
