// An independent reference for the client's dtypes: MPFR rounds to the
// type's precision and exponent range (subnormals included), and values are
// encoded and decoded through the compiler's own _Float16 and float, never
// through compute/dtype.h.
#pragma once

#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "compute/dtype.h"

namespace activation::client::reference {

struct Format {
  int precision;   // significand bits
  int emin, emax;  // MPFR exponents (x = m * 2^e, 1/2 <= m < 1) of the smallest subnormal and the largest
};

inline Format FormatOf(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat16: return {11, -23, 16};
    case DataType::kBFloat16: return {8, -132, 128};
    case DataType::kFloat32: return {24, -148, 128};
    case DataType::kFloat64: return {53, -1073, 1024};
  }
  throw std::logic_error("dtype");
}

// `x` (any precision) rounded to nearest-even in `dtype`, as a double.
inline double Round(DataType dtype, const mpfr_t x) {
  const Format f = FormatOf(dtype);
  const mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  mpfr_set_emin(f.emin);
  mpfr_set_emax(f.emax);
  mpfr_t r;
  mpfr_init2(r, f.precision);
  int t = mpfr_set(r, x, MPFR_RNDN);
  t = mpfr_check_range(r, t, MPFR_RNDN);
  mpfr_subnormalize(r, t, MPFR_RNDN);
  const double d = mpfr_get_d(r, MPFR_RNDN);  // exact: the type fits in a double
  mpfr_clear(r);
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  return d;
}

// A decimal (or "inf", "nan") rounded once to `dtype`, as a double.
inline double RoundDecimal(DataType dtype, const std::string& text) {
  mpfr_t x;
  mpfr_init2(x, 4096);  // holds any decimal of the tests exactly enough to decide the rounding
  mpfr_strtofr(x, text.c_str(), nullptr, 10, MPFR_RNDN);
  const double d = Round(dtype, x);
  mpfr_clear(x);
  return d;
}

// The 16-bit pattern of a float16 / bfloat16 value held in a double.
inline std::uint16_t Bits(DataType dtype, double value) {
  if (dtype == DataType::kFloat16) {
    const _Float16 h = static_cast<_Float16>(value);
    std::uint16_t bits;
    std::memcpy(&bits, &h, 2);
    return bits;
  }
  const float f = static_cast<float>(value);
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return static_cast<std::uint16_t>(bits >> 16);  // exact: the low half is zero
}

inline double Value(DataType dtype, std::uint16_t bits) {
  if (dtype == DataType::kFloat16) {
    _Float16 h;
    std::memcpy(&h, &bits, 2);
    return static_cast<double>(h);
  }
  const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &wide, 4);
  return f;
}

}  // namespace activation::client::reference
