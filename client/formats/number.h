// Number text conversions shared by the text, CSV and JSON formats.
#pragma once

#include <cstddef>
#include <string_view>

#include "compute/dtype.h"

namespace activation::client {

// Parses a whole token as a float32 (decimal, exponent, "inf", "nan", an
// optional sign). False when it is not a number or overflows float32;
// underflow rounds to a subnormal or zero like strtof.
bool ParseFloat(std::string_view token, float* out);

// The same for one element of `dtype`, written at `out` (a float, a double
// or a 16-bit pattern), correctly rounded (to nearest, ties to even). False
// when the token is not a number or overflows the type.
bool ParseElement(std::string_view token, DataType dtype, void* out);

// Writes `v` as printf("%.9g") would (enough digits to round-trip a float32)
// into buf, which must hold kMaxFloatChars; returns the length.
inline constexpr std::size_t kMaxFloatChars = 32;
std::size_t FormatFloat(float v, char* buf);

// Element i of an array of `dtype` at `data`, with the digits that read
// back to it in its type: float32 as FormatFloat; float64, float16 and
// bfloat16 in the shortest form that rounds back to the same value of the
// type (at most 17, 5 and 4 significant digits). NaN prints as "nan".
std::size_t FormatElement(DataType dtype, const void* data, std::size_t i, char* buf);

}  // namespace activation::client
