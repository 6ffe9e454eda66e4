// Vector kernels built on tanh: tanh, tanhshrink, mish. Lanes: every
// Highway target; float lanes on the exp of exp-inl.h, the division of
// divide-inl.h and fitted polynomials (compute/simd/fit/); measured
// accuracy per target: docs/accuracy.md. Below x = -80 mish, and beyond
// |x| = 40 tanh', take their double kernels.
// Range: all floats; NaN propagates.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/hyperbolic.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>
#include <cstddef>

#include "compute/simd/divide-inl.h"
#include "compute/simd/exp-inl.h"
#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

// 1 - tanh^2 = 4e / (1 + e)^2 with e = e^-2|x|: no cancellation in the tails.
template <class D, class V>
HWY_INLINE V TanhSlope(D d, V x) {
  const V e = ExpAll(d, hn::Mul(hn::Set(d, -2.0), hn::Abs(x)));
  return hn::Div(hn::Mul(hn::Set(d, 4.0), e), OnePlusSquared(d, e));
}

// tanh |x| = -y / (2 + y) with y = e^-2|x| - 1 in [-1, 0]: no
// cancellation, no overflow; the sign of x (+-0 included) copied last.
struct TanhInDouble {
  static constexpr bool kInDouble = true;
  explicit TanhInDouble(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V y = Expm1All(d, hn::Mul(hn::Abs(x), hn::Set(d, -2.0)));
    return hn::CopySign(hn::Div(hn::Neg(y), hn::Add(hn::Set(d, 2.0), y)), x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const { return TanhSlope(d, x); }
};

// x tanh(softplus(x)) = x n / (n + 2) with e = e^x, n = e (e + 2) (no
// cancellation); x itself above 40, where the factor is 1 in double; 0 at -inf.
struct MishInDouble {
  static constexpr bool kInDouble = true;
  explicit MishInDouble(const KernelArgs&) {}
  static constexpr double kLinear = 40.0;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V safe = hn::Min(x, hn::Set(d, kLinear));  // keeps e^x finite
    const V e = ExpAll(d, safe);
    const V n = hn::Mul(e, hn::Add(e, hn::Set(d, 2.0)));
    const V curved = hn::Div(hn::Mul(safe, n), hn::Add(n, hn::Set(d, 2.0)));
    const V body = hn::IfThenElse(hn::Gt(x, hn::Set(d, kLinear)), x, curved);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), body);
  }
  // n / (n + 2) + 4 x e (1 + e) / (n + 2)^2.
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0);
    const V safe = hn::Min(x, hn::Set(d, kLinear));
    const V e = ExpAll(d, safe);
    const V n = hn::Mul(e, hn::Add(e, hn::Set(d, 2.0)));
    const V q = hn::Add(n, hn::Set(d, 2.0));
    // (n q + 4 x e (1 + e)) / q^2: one division.
    const V tail = hn::Mul(hn::Mul(hn::Set(d, 4.0), safe), hn::Mul(e, hn::Add(one, e)));
    const V slope = hn::Div(hn::MulAdd(n, q, tail), hn::Mul(q, q));
    const V body = hn::IfThenElse(hn::Gt(x, hn::Set(d, kLinear)), one, slope);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), body);
  }
};

// The same in float lanes (y = -1 exactly beyond |x| = 9: tanh rounds to 1
// there); the quotient may carry either sign of zero, so CopySign.
template <class D, class V>
HWY_INLINE V TanhFloat(D d, V x) {
  const V y = Expm1InRange(d, hn::Max(hn::Mul(hn::Abs(x), hn::Set(d, -2.0f)), hn::Set(d, -87.0f)));
  const V magnitude = DivideForFloat(d, y, hn::Sub(hn::Set(d, -2.0f), y));
  return KeepNaN(x, hn::CopySign(magnitude, x));
}

// Float lanes, except |x| > 40 for the derivative, where e^-2|x| would be
// subnormal and the double kernel takes the vector.
struct Tanh {
  using Precise = TanhInDouble;
  Precise precise;
  explicit Tanh(const KernelArgs& a) : precise(a) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    if constexpr (kPass == Pass::kForward) return AllLanes(d);
    return hn::Not(hn::Gt(hn::Abs(x), hn::Set(d, 40.0f)));
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const { return TanhFloat(d, x); }
  // 4e / (1 + e)^2 with e = e^-2|x|.
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V e = ExpInRange(d, hn::Mul(hn::Abs(x), hn::Set(d, -2.0f)));
    return KeepNaN(x, DivideForFloat(d, hn::Mul(hn::Set(d, 4.0f), e), OnePlusSquared(d, e)));
  }
};

// tanhshrink x - tanh x, odd: for |x| >= 1 the two non-negative terms
// (|x| - 1) + 2e / (1 + e), e = e^-2|x|; below, where the difference cancels,
// x u P(u) with u = x^2. Its slope tanh^2 x: 1 - 4e / (1 + e)^2 (subtracting
// at most a half) for |x| >= 0.875, u S(u) below. P and S:
// compute/simd/fit/tanhshrink.py 8 7 (the script reports their float error).
constexpr float kTanhshrinkSmall[] = {0.3333333432674408f,     -0.13333331048488617f,  0.05396759510040283f,
                                      -0.0218625757843256f,    0.008826250210404396f,  -0.00347838643938303f,
                                      0.0012421575374901295f,  -0.000337689823936671f, 4.8467110900674015e-05f};
constexpr float kTanhshrinkSmallTail[] = {kTanhshrinkSmall[1], kTanhshrinkSmall[2], kTanhshrinkSmall[3],
                                          kTanhshrinkSmall[4], kTanhshrinkSmall[5], kTanhshrinkSmall[6],
                                          kTanhshrinkSmall[7], kTanhshrinkSmall[8]};
constexpr float kThirdLo = static_cast<float>(1.0 / 3 - static_cast<double>(kTanhshrinkSmall[0]));
constexpr float kTanhSquaredSmall[] = {1.0f,                  -0.6666658520698547f,  0.37775546312332153f,
                                       -0.1965860277414322f,  0.09621080756187439f,  -0.04283827915787697f,
                                       0.015032464638352394f, -0.0028906227089464664f};

struct Tanhshrink {
  explicit Tanhshrink(const KernelArgs&) {}
  // e^-2|x| (clamped where it would leave the normal floats; the results
  // there are the same).
  template <class D, class V>
  static V ExpMinusTwiceAbs(D d, V x) {
    return ExpInRange(d, hn::Max(hn::Mul(hn::Abs(x), hn::Set(d, -2.0f)), hn::Set(d, -87.0f)));
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    // x^3 = w + w_lo and P = 1/3 + u Q(u) with 1/3 = c_hi + c_lo, so
    // x^3 P = w c_hi + (w (c_lo + u Q) + w_lo c_hi) rounds about once.
    const V u = hn::Mul(x, x);
    const V u_lo = hn::MulSub(x, x, u);
    const V w = hn::Mul(x, u);
    const V w_lo = hn::MulAdd(x, u_lo, hn::MulSub(x, u, w));
    const V third_hi = hn::Set(d, kTanhshrinkSmall[0]);
    const V rest = hn::MulAdd(w, hn::MulAdd(u, Polynomial(d, u, kTanhshrinkSmallTail), hn::Set(d, kThirdLo)),
                              hn::Mul(w_lo, third_hi));
    const V small = hn::MulAdd(w, third_hi, rest);
    const V e = ExpMinusTwiceAbs(d, x);
    const V tail = DivideForFloat(d, hn::Add(e, e), hn::Add(one, e));
    const V large = hn::Add(hn::Sub(hn::Abs(x), one), tail);  // |f(x)|
    // f has the sign of x, -0 included.
    return KeepNaN(x, hn::CopySign(hn::IfThenElse(hn::Lt(hn::Abs(x), one), small, large), x));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V u = hn::Mul(x, x);
    const V small = hn::Mul(u, Polynomial(d, u, kTanhSquaredSmall));
    const V e = ExpMinusTwiceAbs(d, x);
    const V large = hn::Sub(hn::Set(d, 1.0f), DivideForFloat(d, hn::Mul(hn::Set(d, 4.0f), e), OnePlusSquared(d, e)));
    return KeepNaN(x, hn::IfThenElse(hn::Lt(hn::Abs(x), hn::Set(d, 0.875f)), small, large));
  }
};

// Float lanes above x = -80 (below, e^x nears the subnormals: the double
// kernel takes the vector). With e = e^x (x clamped to 20, where the result
// is x and 1 in float) and D = e^2 + 2e + 2, mish = x n / D (n = D - 2) is
//   x - x (2 / D)              for x >= 0 (2 / D <= 0.4),
//   x e - x e (e (e + 1) / D)  below (that ratio <= 0.4),
// one fma each, so no rounded factor near 1 multiplies the result; both are
// a - a (b / D) with u = min(e, 1), a = x u, b = u (u + 1) (2 at u = 1),
// so no select picks the form.
// mish' = e g / D^2, g = e (e^2 + 4e + 6 + 4x) + 4 (1 + x), is evaluated as
// c + (e g - c D^2) / D^2 with c a short number near mish' (its pieces in
// MishSlopeAwayFromRoot): the quotient is small next to c, which damps the
// rounding of D^2 and of the numerator (a polynomial in e with exact
// coefficients). Both kernels divide with a true division, which rounds
// once and on AVX-512 Zen cores is no slower than DivideForFloat's
// reciprocal and correction. On (-1.45, -0.75),
// around the root r = -1.1924, the rounding errors of g are comparable to
// its value: there mish' = t P(t), t = x - r, from
// compute/simd/fit/mish_derivative.py -1.45 -0.75 8.
constexpr float kMishRoot[3] = {-1.1924312114715576f, -3.0439375464652585e-09f, -4.8484830954048644e-17f};
constexpr float kMishSlope[] = {0.2669479250907898f,    0.2047312706708908f,     0.04190782830119133f,
                                -0.020271753892302513f, -0.01582156866788864f,   -0.003362484509125352f,
                                0.0011023577535524964f, 0.0010004063369706273f,  0.00017595246026758105f};
constexpr float kMishWindowLow = -1.45f, kMishWindowHigh = -0.75f;

// mish' away from its root (see above), x <= 20, e = e^x.
template <class D, class V>
HWY_INLINE V MishSlopeAwayFromRoot(D d, V x, V e) {
  const V four = hn::Set(d, 4.0f), eight = hn::Set(d, 8.0f);
  const V e_plus_four = hn::Add(e, four);
  // D^2 = (((e + 4) e + 8) e + 8) e + 4
  const V squared = hn::MulAdd(hn::MulAdd(hn::MulAdd(e_plus_four, e, eight), e, eight), e, four);
  // c near mish': 0.6 + 0.6x rounded to eighths in [0, 1]; below x = -1,
  // e (1 + x + 1.5 e) rounded to a multiple of 2^-18 (so 4x - 8c is exact).
  const V rising = hn::Min(hn::Max(hn::Round(hn::MulAdd(x, hn::Set(d, 4.8f), hn::Set(d, 4.8f))), hn::Zero(d)), eight);
  const V dip = hn::Round(hn::Mul(hn::Mul(e, hn::Set(d, 262144.0f)), hn::MulAdd(e, hn::Set(d, 1.5f), hn::Add(x, hn::Set(d, 1.0f)))));
  const V c = hn::MulAdd(rising, hn::Set(d, 0.125f), hn::Mul(hn::Min(dip, hn::Zero(d)), hn::Set(d, 1.0f / 262144.0f)));
  const V k = hn::Sub(hn::Set(d, 1.0f), c);
  const V y = hn::NegMulAdd(c, eight, hn::Mul(x, four));  // 4x - 8c
  // N = e g - c D^2 = ((k (e + 4) e + y + 6) e + y + 4) e - 4c
  V n = hn::MulAdd(hn::Mul(k, e_plus_four), e, hn::Add(y, hn::Set(d, 6.0f)));
  n = hn::MulAdd(n, e, hn::Add(y, four));
  n = hn::MulSub(n, e, hn::Mul(c, four));
  return hn::Add(c, hn::Div(n, squared));
}

template <class D, class V>
HWY_INLINE V MishSlopeNearRoot(D d, V x) {
  const V t = hn::Sub(hn::Sub(hn::Sub(x, hn::Set(d, kMishRoot[0])), hn::Set(d, kMishRoot[1])),
                      hn::Set(d, kMishRoot[2]));
  return hn::Mul(t, Polynomial(d, t, kMishSlope));
}

struct Mish {
  using Precise = MishInDouble;
  Precise precise;
  explicit Mish(const KernelArgs& a) : precise(a) {}
  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    return hn::Not(hn::Lt(x, hn::Set(d, -80.0f)));
  }
  // NaN propagates through a = x u.
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V two = hn::Set(d, 2.0f);
    const V e = ExpInRange<4>(d, hn::Min(x, hn::Set(d, 20.0f)));
    const V denominator = hn::MulAdd(e, hn::Add(e, two), two);
    const V u = hn::Min(e, hn::Set(d, 1.0f));
    const V a = hn::Mul(x, u);
    const V body = hn::NegMulAdd(a, hn::Div(hn::MulAdd(u, u, u), denominator), a);
    // mish has the sign of x; body has it too, except +0 for x = -0.
    return hn::OrAnd(hn::IfThenElse(hn::Gt(x, hn::Set(d, 20.0f)), x, body), x, hn::SignBit(d));
  }
  // Both forms in every vector: a branch on the window would be
  // mispredicted for about every other vector of mixed inputs.
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V xc = hn::Min(x, hn::Set(d, 20.0f));
    const auto window = hn::And(hn::Gt(x, hn::Set(d, kMishWindowLow)), hn::Lt(x, hn::Set(d, kMishWindowHigh)));
    return KeepNaN(x, hn::IfThenElse(window, MishSlopeNearRoot(d, x),
                                     MishSlopeAwayFromRoot(d, xc, ExpInRange<4>(d, xc))));
  }
};

using Tanh64 = TanhInDouble;  // float64: Highway's Tanh and TanhSlope
ACTIVATION_SIMD_TARGET_KERNELS64(Tanh64)

// --- double lanes: the float64 kernels of tanhshrink and mish ---------------
// tanhshrink as the float kernel: odd; (|x| - 1) + 2e / (1 + e), e = e^-2|x|,
// for |x| >= 1, x u P(u) below (u = x^2, P from fit/float64.py). Its slope
// tanh^2 x: 1 - 4e / (1 + e)^2 for |x| >= 1; below, tanh x = x - x u P(u)
// (subtracting at most a quarter of x), squared.
// fit/float64.py output:
// kTanhshrinkSmall64: degree 17 on [0.0, 1.0], relative error 5.55e-17 (double coefficients)
constexpr double kTanhshrinkSmall64[18] = {
    0.3333333333333333,     -0.1333333333333296,     0.05396825396803035,    -0.021869488529824153,
    0.008863235427177948,   -0.003592126972590038,   0.0014558268674325448,  -0.0005899895608232135,
    0.00023898907400740215, -9.652809785209583e-05,  3.846787680769343e-05,  -1.4628850553601364e-05,
    4.890047426870016e-06,  -1.1837707667930889e-06, 7.319291995520252e-08,  8.317007027912795e-08,
    -3.461725572127402e-08, 4.8200239817503225e-09};

template <class D, class V>
HWY_INLINE V TanhshrinkSmall64(D d, V x) {
  const V u = hn::Mul(x, x);
  V p = hn::Set(d, kTanhshrinkSmall64[17]);
  for (int k = 16; k >= 0; --k) p = hn::MulAdd(p, u, hn::Set(d, kTanhshrinkSmall64[k]));
  return hn::Mul(hn::Mul(x, u), p);
}

struct Tanhshrink64 {
  explicit Tanhshrink64(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V one = hn::Set(d, 1.0);
    const V e = ExpAll(d, hn::Mul(hn::Set(d, -2.0), hn::Abs(x)));
    const V large = hn::Add(hn::Sub(hn::Abs(x), one), hn::Div(hn::Add(e, e), hn::Add(one, e)));
    return hn::IfThenElse(hn::Lt(hn::Abs(x), one), TanhshrinkSmall64(d, x), hn::CopySignToAbs(large, x));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0);
    const V tanh_small = hn::Sub(x, TanhshrinkSmall64(d, x));
    return hn::IfThenElse(hn::Lt(hn::Abs(x), one), hn::Mul(tanh_small, tanh_small), hn::Sub(one, TanhSlope(d, x)));
  }
};

// mish as the float kernel's forms in double lanes, with e = e^x (x clamped
// to 40; above, mish = x and mish' = 1 in double) and D = e^2 + 2e + 2:
// x - x (2 / D) for x >= 0, x e - x e (e (e + 1) / D) below. mish' = e g / D^2,
// g = e^3 + 4e^2 + (6 + 4x) e + 4 + 4x. g has a root r; with t = x - r,
// m = expm1(t) and g(r) = 0 it is
//   e^3r ((1 + m)^3 - 1) + 4 e^2r ((1 + m)^2 - 1) + (6 + 4r) e^r m + 4t (e + 1),
// every term of t's sign (6 + 4r > 0): no cancellation for any x. x e and
// e g go through ExpTimes, exact where e alone would be subnormal.
constexpr double kMishSlopeRootHi = -1.1924312145154952, kMishSlopeRootLo = -4.8484829848031044e-17;  // fit/float64.py
constexpr double kMishSlopeCubic = 0.027951242009170138, kMishSlopeSquare = 0.3684065968836178,
                 kMishSlopeLinear = 0.3733670191691929;
struct Mish64 {
  explicit Mish64(const KernelArgs&) {}
  static constexpr double kLinear = 40.0;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V two = hn::Set(d, 2.0);
    const V xc = hn::Min(x, hn::Set(d, kLinear));
    const V e = ExpAll(d, xc);
    const V denominator = hn::MulAdd(e, hn::Add(e, two), two);
    const auto positive = hn::Ge(x, hn::Zero(d));
    const V a = hn::IfThenElse(positive, xc, TimesExpAgain(d, xc, hn::Zero(d), e, xc));
    const V b = hn::IfThenElse(positive, two, hn::MulAdd(e, e, e));
    const V body = hn::NegMulAdd(a, hn::Div(b, denominator), a);
    const V linear = hn::IfThenElse(hn::Gt(x, hn::Set(d, kLinear)), x, body);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), linear);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0), four = hn::Set(d, 4.0), eight = hn::Set(d, 8.0);
    const V xc = hn::Min(hn::Max(x, hn::Set(d, -800.0)), hn::Set(d, kLinear));  // mish'(-800) = 0 in double
    const V e = ExpAll(d, xc);
    const V t = hn::Sub(hn::Sub(xc, hn::Set(d, kMishSlopeRootHi)), hn::Set(d, kMishSlopeRootLo));
    const V m = Expm1All(d, t);
    const V m2 = hn::Mul(m, hn::Add(m, hn::Set(d, 2.0)));               // e^2t - 1
    const V m3 = hn::Mul(m, hn::MulAdd(hn::Add(m, hn::Set(d, 3.0)), m, hn::Set(d, 3.0)));  // e^3t - 1
    V near_root = hn::Mul(hn::Mul(four, t), hn::Add(e, one));
    near_root = hn::MulAdd(hn::Set(d, kMishSlopeLinear), m, near_root);
    near_root = hn::MulAdd(hn::Set(d, kMishSlopeSquare), m2, near_root);
    near_root = hn::MulAdd(hn::Set(d, kMishSlopeCubic), m3, near_root);
    // Away from the root g's own form rounds less: ((e + 4) e + 6 + 4x) e + 4 (1 + x).
    const V h = hn::MulAdd(hn::Add(e, four), e, hn::MulAdd(xc, four, hn::Set(d, 6.0)));
    const V general = hn::MulAdd(h, e, hn::MulAdd(xc, four, four));
    const auto window = hn::And(hn::Gt(xc, hn::Set(d, -1.5)), hn::Lt(xc, hn::Set(d, -1.0)));
    const V g = hn::IfThenElse(window, near_root, general);
    // D^2 = (((e + 4) e + 8) e + 8) e + 4
    V squared = hn::MulAdd(hn::Add(e, four), e, eight);
    squared = hn::MulAdd(hn::MulAdd(squared, e, eight), e, four);
    const V below = hn::Div(TimesExpAgain(d, xc, hn::Zero(d), e, g), squared);
    // From 0 up, 1 + N / D^2 with N = e g - D^2 = ((4x - 2) e + 4x - 4) e - 4:
    // N / D^2 is at most 0.4 in magnitude, where e g / D^2 would carry the
    // rounding of the large e^3 terms into a result near 1.
    const V four_x = hn::Mul(four, xc);
    const V n = hn::MulSub(hn::MulAdd(hn::Sub(four_x, hn::Set(d, 2.0)), e, hn::Sub(four_x, four)), e, four);
    const V above = hn::Add(one, hn::Div(n, squared));
    const V body = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), below, above);
    const V linear = hn::IfThenElse(hn::Gt(x, hn::Set(d, kLinear)), one, body);
    return hn::IfThenZeroElse(hn::Eq(x, hn::Set(d, -HUGE_VAL)), linear);
  }
};
ACTIVATION_SIMD_TARGET_KERNELS64(Tanhshrink64)
ACTIVATION_SIMD_TARGET_KERNELS64(Mish64)

ACTIVATION_SIMD_TARGET_KERNELS(Tanh)
ACTIVATION_SIMD_TARGET_KERNELS(Tanhshrink)
ACTIVATION_SIMD_TARGET_KERNELS(Mish)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/hyperbolic.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Tanh)
ACTIVATION_SIMD_EXPORT_KERNELS(Tanhshrink)
ACTIVATION_SIMD_EXPORT_KERNELS(Mish)
ACTIVATION_SIMD_EXPORT_KERNELS64(Tanh64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Tanhshrink64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Mish64)
}  // namespace activation::simd
#endif  // HWY_ONCE
