// Float text conversions shared by the text, CSV and JSON formats.
#pragma once

#include <cstddef>
#include <string_view>

namespace activation::client {

// Parses a whole token as a float32 (decimal, exponent, "inf", "nan", an
// optional sign). False when it is not a number or overflows float32;
// underflow rounds to a subnormal or zero like strtof.
bool ParseFloat(std::string_view token, float* out);

// Writes `v` as printf("%.9g") would (enough digits to round-trip a float32)
// into buf, which must hold kMaxFloatChars; returns the length.
inline constexpr std::size_t kMaxFloatChars = 32;
std::size_t FormatFloat(float v, char* buf);

}  // namespace activation::client
