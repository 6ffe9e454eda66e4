// Converting the catalogue's double parameters to float constants for the
// vector kernels without changing a single result: comparisons against a
// double threshold become comparisons against the float on the right side
// of it, and products/sums with a double constant carry its rounding error
// as a second float (hi + lo), so the float kernel rounds only once, as the
// double reference does.
#pragma once

#include <cfloat>
#include <cmath>

namespace activation::simd {

// Largest float <= t (float x > t  <=>  x > RoundDown(t); x <= t likewise).
inline float RoundDown(double t) {
  float f = static_cast<float>(t);
  if (static_cast<double>(f) > t) f = std::nextafter(f, -INFINITY);
  return f;
}

// Smallest float >= t (float x < t  <=>  x < RoundUp(t); x >= t likewise).
inline float RoundUp(double t) {
  float f = static_cast<float>(t);
  if (static_cast<double>(f) < t) f = std::nextafter(f, INFINITY);
  return f;
}

// c = (hi + lo) * scale with hi, lo floats, |lo| <= ulp(hi) / 2 and scale a
// power of two that keeps hi a normal float for any finite double c, so
// fma(x, hi, x * lo) * scale is x * c rounded once (up to ties).
struct SplitConstant {
  float hi = 0, lo = 0, scale = 1;
  explicit SplitConstant(double c) {
    double scaled = c;
    if (std::fabs(c) > FLT_MAX / 4) {
      scale = 0x1p100f;
      scaled = c * 0x1p-100;
    } else if (c != 0 && std::fabs(c) < FLT_MIN * 0x1p30) {
      scale = 0x1p-100f;
      scaled = c * 0x1p100;
    }
    hi = static_cast<float>(scaled);
    lo = static_cast<float>(scaled - static_cast<double>(hi));
  }
};

// c = hi + lo for a double added to or subtracted from a float; hi is
// clamped to the float range (lo is then 0) so that x - hi stays finite
// for finite x and inf - hi stays inf.
struct SplitAddend {
  float hi = 0, lo = 0;
  explicit SplitAddend(double c) {
    if (std::fabs(c) > FLT_MAX) {
      hi = c > 0 ? FLT_MAX : -FLT_MAX;
      return;
    }
    hi = static_cast<float>(c);
    if (std::isinf(hi)) hi = c > 0 ? FLT_MAX : -FLT_MAX;
    lo = static_cast<float>(c - static_cast<double>(hi));
  }
};

}  // namespace activation::simd
