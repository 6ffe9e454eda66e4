// The exponential of every kernel (lanes: float and double vectors, every
// Highway target): e^x = 2^k (1 + m), k = round(x / ln 2), m = e^r - 1 for
// r = x - k ln 2, |r| <= ln(2)/2. One reduction and one family of fitted
// polynomials (compute/simd/fit/exp.py); kDegree picks, in float lanes, the
// accuracy a caller needs (0: the lane type's most accurate; float 5,
// double 10).
//   ReduceExp<kDegree>(d, x, lo): 2^k and m for x where 2^k is a normal
//     number (float [-87.33, 88.37], double [-708.39, 709.43]), with a low
//     part |lo| <= 2^-20 of the argument that one rounding would lose.
//     m = r + r^2 P(r); 2^k (1 + m) is within 1 ULP of e^(x + lo) before
//     the caller's rounding. Float degree 4 is one fma cheaper and keeps
//     only 1 + m's relative error small, not m's.
//   ExpInRange(d, x): e^x on that range; within 1 ULP.
//   Expm1InRange(d, x): e^x - 1 on that range; within 2 ULP; -0 gives +0.
//   ExpNonPositive<kDegree>(d, a): e^a for every a <= 0 (-inf gives 0),
//     subnormal results included; within 1 ULP, float degree 4 within 1.1
//     ULP (the logistic kernels: they divide and round again, and are short
//     enough that a fifth-degree term shows in their speed).
//   ExpAll(d, x), Expm1All(d, x): e^x and e^x - 1 for every x, +-inf and
//     overflow included; NaN propagates. Within 1 and 2 ULP.
//   ExpMinusAbs<kDegree>(d, x): e^-|x|, as ExpNonPositive.
//   ExpTimes(d, hi, lo, factor): factor e^(hi + lo) for a tiny lo, double
//     lanes, keeping full precision where e^hi alone would be subnormal but
//     the product is not.
//   TimesExpAgain(d, hi, lo, e, factor): the same where the caller has e =
//     ExpTimes(d, hi, lo, 1) already: e factor, bit for bit ExpTimes'
//     answer, unless a lane's hi is below -600 (kExpTimesTiny: ExpTimes
//     then).
// ReduceExp, ExpInRange, Expm1InRange and ExpNonPositive leave NaN and
// other arguments unspecified; callers route them (KeepNaN, clamps).
// Tested alone in both lane types on every target, against long double:
// tests/compute/primitives_simd_test.cc.
// Per-target include: see map-inl.h for the toggle pattern.
#if defined(ACTIVATION_COMPUTE_SIMD_EXP_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
#undef ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
#else
#define ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
#endif

#include <type_traits>

#include "compute/simd/math-inl.h"  // Polynomial
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace exp_fit {
// fit/exp.py 4, fit/exp.py 5, fit/exp.py 10 --double: P of
// e^r - 1 = r + r^2 P(r), |r| <= ln(2)/2.
constexpr float kDegree4[] = {0.5f, 0.16666577756404877f, 0.041666556149721146f, 0.008363173343241215f,
                              0.0013926175888627768f};
constexpr float kDegree5[] = {0.5f, 0.1666666716337204f, 0.04166646674275398f, 0.00833331048488617f,
                              0.0013933641603216529f, 0.00019890980911441147f};
constexpr double kDoubleDegree10[] = {0.5,
                                      0.1666666666666667,
                                      0.04166666666666667,
                                      0.008333333333326141,
                                      0.0013888888888883752,
                                      0.00019841269874800493,
                                      2.4801587325533363e-05,
                                      2.7557255425746435e-06,
                                      2.7557273661348637e-07,
                                      2.510520637395701e-08,
                                      2.0914679376583935e-09};
}  // namespace exp_fit

// The constants of one lane type.
template <class T>
struct ExpLimits;
template <>
struct ExpLimits<float> {
  static constexpr float kShifter = 0x1.8p23f;  // 1.5 * 2^23: adding it rounds to an integer
  static constexpr float kLog2E = 1.44269504088896341f;
  static constexpr float kLn2Hi = 0.693145751953125f;  // 16 bits: k * kLn2Hi exact for |k| <= 2^8
  static constexpr float kLn2Lo = 1.42860676533018704e-6f;
  static constexpr int kMantissaBits = 23;
  static constexpr int kBias = 127;
  static constexpr float kLowest = -87.3365402f;   // ln FLT_MIN: 2^k normal at and above
  static constexpr float kHighest = 88.0296919f;   // 127 ln 2: k <= 127
  static constexpr float kZeroBelow = -104.0f;     // e^x rounds to 0
  static constexpr float kInfAbove = 89.0f;        // e^x overflows
  static constexpr float kMinusOneBelow = -20.0f;  // e^x - 1 rounds to -1
};
template <>
struct ExpLimits<double> {
  static constexpr double kShifter = 0x1.8p52;
  static constexpr double kLog2E = 1.4426950408889634;
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 bits: exact for |k| <= 2^21
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;
  static constexpr int kMantissaBits = 52;
  static constexpr int kBias = 1023;
  static constexpr double kLowest = -708.3964185322641;  // ln DBL_MIN
  static constexpr double kHighest = 709.0895657128241;  // 1023 ln 2: k <= 1023
  static constexpr double kZeroBelow = -746.0;
  static constexpr double kInfAbove = 710.0;
  static constexpr double kMinusOneBelow = -40.0;
};

template <class V>
struct ReducedExp {
  V scale;  // 2^k, while 2^k is a normal number
  V m;      // e^r - 1
  V shifted;  // x / ln 2 plus the shifter: k in its low bits (ExpScaledTwice)
};

template <int kDegree, class D, class V>
HWY_INLINE V ExpPolynomial(D d, V r) {
  if constexpr (std::is_same_v<hn::TFromD<D>, double>) {
    static_assert(kDegree == 0 || kDegree == 10, "fit/exp.py supplies double degree 10");
    // Estrin's scheme: a dependency chain of four fmas instead of Horner's ten.
    const auto& c = exp_fit::kDoubleDegree10;
    const auto pair = [&](int i) { return hn::MulAdd(hn::Set(d, c[i + 1]), r, hn::Set(d, c[i])); };
    const V r2 = hn::Mul(r, r);
    const V r4 = hn::Mul(r2, r2);
    const V low = hn::MulAdd(pair(2), r2, pair(0));                        // c0 .. c3
    const V middle = hn::MulAdd(pair(6), r2, pair(4));                     // c4 .. c7
    const V high = hn::MulAdd(hn::Set(d, c[10]), r2, pair(8));             // c8 .. c10
    return hn::MulAdd(high, hn::Mul(r4, r4), hn::MulAdd(middle, r4, low));
  } else if constexpr (kDegree == 4) {
    return Polynomial(d, r, exp_fit::kDegree4);
  } else {
    static_assert(kDegree == 0 || kDegree == 5, "fit/exp.py supplies float degrees 4 and 5");
    return Polynomial(d, r, exp_fit::kDegree5);
  }
}

// r = x - k ln 2, with k = round(x / ln 2) in the low mantissa bits of
// `shifted` (adding the shifter rounds to an integer).
template <class D, class V>
HWY_INLINE V ReduceArgument(D d, V x, V& shifted) {
  using L = ExpLimits<hn::TFromD<D>>;
  const V shifter = hn::Set(d, L::kShifter);
  shifted = hn::MulAdd(x, hn::Set(d, L::kLog2E), shifter);
  const V k = hn::Sub(shifted, shifter);
  return hn::NegMulAdd(k, hn::Set(d, L::kLn2Lo), hn::NegMulAdd(k, hn::Set(d, L::kLn2Hi), x));
}

template <int kDegree, class D, class V>
HWY_INLINE ReducedExp<V> ExpOfReduced(D d, V shifted, V r) {
  using L = ExpLimits<hn::TFromD<D>>;
  const hn::RebindToSigned<D> di;
  const V m = hn::MulAdd(hn::Mul(r, r), ExpPolynomial<kDegree>(d, r), r);
  // The shifter's own bits leave the word in the shift: k + bias lands in the exponent.
  const auto exponent = hn::ShiftLeft<L::kMantissaBits>(hn::Add(hn::BitCast(di, shifted), hn::Set(di, L::kBias)));
  return {hn::BitCast(d, exponent), m, shifted};
}

template <int kDegree = 0, class D, class V>
HWY_INLINE ReducedExp<V> ReduceExp(D d, V x, V lo) {
  V shifted;
  const V r = ReduceArgument(d, x, shifted);
  return ExpOfReduced<kDegree>(d, shifted, hn::Add(r, lo));
}

template <int kDegree = 0, class D, class V>
HWY_INLINE ReducedExp<V> ReduceExp(D d, V x) {
  V shifted;
  const V r = ReduceArgument(d, x, shifted);
  return ExpOfReduced<kDegree>(d, shifted, r);
}

template <int kDegree = 0, class D, class V>
HWY_INLINE V ExpInRange(D d, V x) {
  const ReducedExp<V> e = ReduceExp<kDegree>(d, x);
  return hn::MulAdd(e.scale, e.m, e.scale);
}

// s m + (s - 1): s - 1 is exact for small k and m alone for k = 0, so
// small x keep their relative accuracy. -0 gives +0 (r + r^2 P(r) adds +0
// to it); Expm1All and callers that need the sign copy it from x.
template <class D, class V>
HWY_INLINE V Expm1InRange(D d, V x) {
  const ReducedExp<V> e = ReduceExp(d, x);
  return hn::MulAdd(e.scale, e.m, hn::Sub(e.scale, hn::Set(d, 1)));
}

// 2^k = first * second, both normal, for k in `shifted` (ReducedExp).
template <class D, class V>
HWY_INLINE void PowerOfTwoHalves(D d, V shifted, V& first, V& second) {
  using L = ExpLimits<hn::TFromD<D>>;
  const hn::RebindToSigned<D> di;
  const auto k = hn::Sub(hn::BitCast(di, shifted), hn::BitCast(di, hn::Set(d, L::kShifter)));
  const auto half = hn::ShiftRight<1>(k);  // arithmetic
  const auto bias = hn::Set(di, L::kBias);
  first = hn::BitCast(d, hn::ShiftLeft<L::kMantissaBits>(hn::Add(half, bias)));
  second = hn::BitCast(d, hn::ShiftLeft<L::kMantissaBits>(hn::Add(hn::Sub(k, half), bias)));
}

// Where 2^k is not a normal number: 2^k applied in two normal halves, so
// only the last product rounds (into the subnormals, or to inf). Any x;
// NaN propagates.
template <int kDegree = 0, class D, class V>
HWY_INLINE V ExpScaledTwice(D d, V x) {
  using L = ExpLimits<hn::TFromD<D>>;
  const V clamped = hn::Min(hn::Max(x, hn::Set(d, L::kZeroBelow)), hn::Set(d, L::kInfAbove));
  const ReducedExp<V> e = ReduceExp<kDegree>(d, clamped);
  V first, second;
  PowerOfTwoHalves(d, e.shifted, first, second);
  const V result = hn::Mul(hn::MulAdd(first, e.m, first), second);
  return hn::IfThenElse(hn::IsNaN(x), x, result);
}

template <int kDegree = 0, class D, class V>
HWY_INLINE V ExpNonPositive(D d, V a) {
  using L = ExpLimits<hn::TFromD<D>>;
  if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Lt(a, hn::Set(d, L::kLowest))))) return ExpScaledTwice<kDegree>(d, a);
  return ExpInRange<kDegree>(d, a);
}

template <class D, class V>
HWY_INLINE V ExpAll(D d, V x) {
  using L = ExpLimits<hn::TFromD<D>>;
  const auto outside = hn::Or(hn::Lt(x, hn::Set(d, L::kLowest)), hn::Gt(x, hn::Set(d, L::kHighest)));
  if (HWY_UNLIKELY(!hn::AllFalse(d, outside))) return ExpScaledTwice(d, x);
  return ExpInRange(d, x);  // NaN: the arithmetic carries it
}

// Above the range e^x - 1 = e^x in the lane type.
template <class D, class V>
HWY_INLINE V Expm1All(D d, V x) {
  using L = ExpLimits<hn::TFromD<D>>;
  const V highest = hn::Set(d, L::kHighest);
  // e^x - 1 has the sign of x, -0 included.
  V result = hn::CopySign(Expm1InRange(d, hn::Min(hn::Max(x, hn::Set(d, L::kMinusOneBelow)), highest)), x);
  const auto high = hn::Gt(x, highest);
  if (HWY_UNLIKELY(!hn::AllFalse(d, high))) result = hn::IfThenElse(high, ExpScaledTwice(d, x), result);
  return hn::IfThenElse(hn::IsNaN(x), x, result);
}

// e^-|x| in [0, 1].
template <int kDegree = 0, class D, class V>
HWY_INLINE V ExpMinusAbs(D d, V x) {
  return ExpNonPositive<kDegree>(d, hn::Neg(hn::Abs(x)));
}

// factor e^(hi + lo) = factor e^hi (1 + lo) for |lo| <= ulp(hi), double lanes.
// Below hi = -600 the exp takes hi + 64 (exact: 64 is a multiple of ulp(hi)
// and the sum is smaller) and the product is scaled back by e^-64 last, so a
// result above DBL_MIN keeps its precision where e^hi would be subnormal.
// hi = -inf gives 0 (for a finite factor).
constexpr double kExpMinus64 = 1.603810890548638e-28;  // fit/float64.py
constexpr double kExpTimesTiny = -600.0;  // below: the shifted exp
template <class D, class V>
HWY_INLINE V ExpTimes(D d, V hi, V lo, V factor) {
  const auto tiny = hn::Lt(hi, hn::Set(d, kExpTimesTiny));
  const V e = ExpAll(d, hn::Add(hi, hn::IfThenElseZero(tiny, hn::Set(d, 64.0))));
  const V body = hn::Mul(hn::MulAdd(e, hn::IfThenZeroElse(hn::Eq(e, hn::Zero(d)), lo), e), factor);
  return hn::IfThenElse(tiny, hn::Mul(body, hn::Set(d, kExpMinus64)), body);
}

// A kernel that needs both e^a and f e^a (silu's, mish's, gelu's tanh
// form's, below 0) pays for one exponential.
template <class D, class V>
HWY_INLINE V TimesExpAgain(D d, V hi, V lo, V e, V factor) {
  if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Lt(hi, hn::Set(d, kExpTimesTiny))))) return ExpTimes(d, hi, lo, factor);
  return hn::Mul(e, factor);
}

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // ACTIVATION_COMPUTE_SIMD_EXP_INL_H_
