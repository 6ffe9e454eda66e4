// Element types besides float32, and evaluating a function in one of them.
// float16 and bfloat16 travel as their 16-bit patterns; the kernels compute
// in float32, which holds every narrow value exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compute/activation.h"
#include "compute/compute.h"

namespace activation {

enum class DataType { kFloat32, kFloat16, kBFloat16, kFloat64 };
inline constexpr std::size_t kDataTypes = 4;

// "float32", "float16", "bfloat16", "float64", for messages.
std::string_view DataTypeName(DataType dtype);

// Bytes per element in raw form.
std::size_t ElementBytes(DataType dtype);

bool IsNarrow(DataType dtype);  // float16 or bfloat16

// Exact widening of a float16 / bfloat16 bit pattern.
float NarrowToFloat(DataType dtype, std::uint16_t bits);
// Round to nearest, ties to even; NaN stays NaN, with its sign.
std::uint16_t FloatToNarrow(DataType dtype, float value);
// One rounding from a double: through float32 with round-to-odd, which has
// enough extra bits that the second rounding cannot differ.
std::uint16_t DoubleToNarrow(DataType dtype, double value);
// The same for a long double (the tests' exact values).
std::uint16_t LongDoubleToNarrow(DataType dtype, long double value);

void WidenNarrow(DataType dtype, const std::uint16_t* in, float* out, std::size_t n);
void RoundToNarrow(DataType dtype, const float* in, std::uint16_t* out, std::size_t n);

// Runs `mode` of `activation` over n narrow elements. Forward and
// derivative of an elementwise function at its default parameters are
// correctly rounded: the float32 kernel's answer rounded once, which
// compute/narrow_exceptions.inc corrects where it can be wrong, through a
// table per catalogue function, target and type (built once, then read
// without a lock), except for memory-bound functions that need no
// correction, which compute directly. Elementwise VJPs round g * f'(x) once. Elsewhere (other
// parameters, row-wise functions) the float32 result is rounded to the type.
void ComputeNarrow(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype,
                   const std::uint16_t* x, const std::uint16_t* grad_output, std::uint16_t* out, std::size_t n);

// The parameters the correctly rounded tables hold for `activation`
// (nullptr when it has none), for the tests.
const KernelArgs* NarrowTableParams(const Activation& activation);

}  // namespace activation
