// float32 <-> float16 (`half`) or bfloat16 bit patterns over arrays, on the
// dispatch target; compute/dtype.h is the interface the rest uses.
#pragma once

#include <cstddef>
#include <cstdint>

namespace activation::simd {

// Round to nearest, ties to even; NaN stays NaN; past the range: inf.
void NarrowFloats(bool half, const float* in, std::uint16_t* out, std::size_t n);
// Exact.
void WidenFloats(bool half, const std::uint16_t* in, float* out, std::size_t n);

}  // namespace activation::simd
