#include "client/formats/number.h"

#include <charconv>
#include <cmath>
#include <cfenv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "client/formats/elements.h"

namespace activation::client {
namespace {

// from_chars takes no leading '+'; accept it but not "+-1" or "++1".
bool StripPlus(std::string_view* token) {
  if (token->empty()) return false;
  if (token->front() == '+') {
    token->remove_prefix(1);
    if (token->empty() || token->front() == '-' || token->front() == '+') return false;
  }
  return true;
}

// A whole token as a T, correctly rounded; overflow is an error, underflow
// a legitimate tiny input (from_chars reports both as out of range).
template <typename T>
bool ParseWhole(std::string_view token, T* out) {
  if (!StripPlus(&token)) return false;
  const char* end = token.data() + token.size();
  T v = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), end, v);
  if (ptr != end) return false;
  if (ec == std::errc::result_out_of_range) {
    const std::string copy(token);
    const T t = sizeof(T) == 4 ? std::strtof(copy.c_str(), nullptr) : std::strtod(copy.c_str(), nullptr);
    if (std::isinf(t)) return false;
    v = t;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = v;
  return true;
}

// `token` (a number) rounded once to a 16-bit type, given `nearest`, its
// nearest double. That double's own rounding matters only when it lands
// exactly halfway between two values of the type: then the token's side of
// it, read back with directed rounding, decides.
std::uint16_t DecimalToNarrow(DataType dtype, std::string_view token, double nearest) {
  const std::uint16_t bits = DoubleToNarrow(dtype, nearest);
  const double value = NarrowToFloat(dtype, bits);
  if (value == nearest || std::isinf(value) || std::isnan(value)) return bits;
  const bool below = std::fabs(value) < std::fabs(nearest);  // the neighbour is one step further out
  const double neighbour = NarrowToFloat(dtype, static_cast<std::uint16_t>(below ? bits + 1 : bits - 1));
  if ((value + neighbour) / 2 != nearest) return bits;  // exact: both have few significant bits
  const std::string copy(token);
  const int mode = std::fegetround();
  std::fesetround(FE_UPWARD);
  const double up = std::strtod(copy.c_str(), nullptr);
  std::fesetround(FE_DOWNWARD);
  const double down = std::strtod(copy.c_str(), nullptr);
  std::fesetround(mode);
  return DoubleToNarrow(dtype, up != nearest ? up : down != nearest ? down : nearest);
}

std::size_t WriteNan(char* buf) {
  // "%.9g" prints "-nan" for a negative NaN; keep one spelling.
  buf[0] = 'n'; buf[1] = 'a'; buf[2] = 'n';
  return 3;
}

// The fewest significant digits that read back (through ParseElement) to
// the same 16-bit pattern.
std::size_t FormatNarrow(DataType dtype, std::uint16_t bits, char* buf) {
  const float v = NarrowToFloat(dtype, bits);
  if (std::isinf(v)) return static_cast<std::size_t>(std::to_chars(buf, buf + kMaxFloatChars, v).ptr - buf);
  char* end = buf;
  for (int digits = 1; digits <= 9; ++digits) {  // 5 (float16) or 4 (bfloat16) always suffice
    end = std::to_chars(buf, buf + kMaxFloatChars, v, std::chars_format::general, digits).ptr;
    char back[8];  // room for any dtype: ParseElement's size depends on it
    if (ParseElement(std::string_view(buf, static_cast<std::size_t>(end - buf)), dtype, back) &&
        std::memcmp(back, &bits, sizeof bits) == 0) {
      break;
    }
  }
  return static_cast<std::size_t>(end - buf);
}

}  // namespace

bool ParseFloat(std::string_view token, float* out) { return ParseWhole(token, out); }

// `out` may be unaligned (a CSV reader's byte buffer): stored with memcpy.
bool ParseElement(std::string_view token, DataType dtype, void* out) {
  if (dtype == DataType::kFloat32) {
    float f = 0;
    if (!ParseWhole(token, &f)) return false;
    std::memcpy(out, &f, sizeof f);
    return true;
  }
  double v = 0;
  if (!ParseWhole(token, &v)) return false;
  if (dtype == DataType::kFloat64) {
    std::memcpy(out, &v, sizeof v);
    return true;
  }
  const std::uint16_t bits = DecimalToNarrow(dtype, token, v);
  if (std::isinf(NarrowToFloat(dtype, bits)) && !std::isinf(v)) return false;  // overflows the type
  std::memcpy(out, &bits, sizeof bits);
  return true;
}

std::size_t FormatFloat(float v, char* buf) {
  if (std::isnan(v)) return WriteNan(buf);
  const auto [ptr, ec] = std::to_chars(buf, buf + kMaxFloatChars, v, std::chars_format::general, 9);
  (void)ec;  // 32 chars always suffice for a float at 9 digits
  return static_cast<std::size_t>(ptr - buf);
}

std::size_t FormatElement(DataType dtype, const void* data, std::size_t i, char* buf) {
  if (std::isnan(Elements::ElementValue(dtype, data, i))) return WriteNan(buf);
  switch (dtype) {
    case DataType::kFloat32: return FormatFloat(static_cast<const float*>(data)[i], buf);
    case DataType::kFloat64: {
      // Shortest round trip in %g style: at most 17 significant digits, 24
      // characters (plain shortest would print 1.9e20 as all 21 digits of its exact value).
      const double v = static_cast<const double*>(data)[i];
      return static_cast<std::size_t>(std::to_chars(buf, buf + kMaxFloatChars, v, std::chars_format::general).ptr - buf);
    }
    case DataType::kFloat16:
    case DataType::kBFloat16: break;
  }
  return FormatNarrow(dtype, static_cast<const std::uint16_t*>(data)[i], buf);
}

}  // namespace activation::client
