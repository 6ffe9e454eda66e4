// float32 <-> float16 (`half`) or bfloat16 bit patterns over arrays, and the
// narrow VJP's product rounded once, on the dispatch target;
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

// out[i] = g[i] * slope[i] rounded once to float16 (half) or bfloat16, g
// of that type: the product rounded to odd in float, then to the type.
void NarrowProduct(bool half, const std::uint16_t* g, const float* slope, std::uint16_t* out, std::size_t n);
// The same with slope[i] = table[x[i]], table of 65,536 floats indexed by
// the 16-bit patterns x.
void NarrowProductLookup(bool half, const std::uint16_t* g, const float* table, const std::uint16_t* x,
                         std::uint16_t* out, std::size_t n);

}  // namespace activation::simd
