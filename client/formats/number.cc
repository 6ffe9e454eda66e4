#include "client/formats/number.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace activation::client {

bool ParseFloat(std::string_view token, float* out) {
  if (token.empty()) return false;
  // from_chars takes no leading '+'; accept it but not "+-1" or "++1".
  if (token.front() == '+') {
    token.remove_prefix(1);
    if (token.empty() || token.front() == '-' || token.front() == '+') return false;
  }
  const char* end = token.data() + token.size();
  float v = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), end, v);
  if (ptr != end) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error; underflow is a legitimate tiny input.
    const std::string copy(token);
    const float f = std::strtof(copy.c_str(), nullptr);
    if (std::isinf(f)) return false;
    v = f;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = v;
  return true;
}

std::size_t FormatFloat(float v, char* buf) {
  if (std::isnan(v)) {
    // "%.9g" prints "-nan" for a negative NaN; keep one spelling.
    buf[0] = 'n'; buf[1] = 'a'; buf[2] = 'n';
    return 3;
  }
  const auto [ptr, ec] = std::to_chars(buf, buf + kMaxFloatChars, v, std::chars_format::general, 9);
  (void)ec;  // 32 chars always suffice for a float at 9 digits
  return static_cast<std::size_t>(ptr - buf);
}

}  // namespace activation::client
