// Vector kernels of gelu, both forms (approximate = 0: x Phi(x); 1:
// PyTorch's tanh approximation, written as x sigmoid(2u)), and softsign.
//   gelu, float results (GeluErf, GeluTanh, GeluTanhSlope):
//     Lanes: float on targets with a fused multiply-add (AVX2, AVX-512);
//       the tanh form's derivative in double on every target; a vector with
//       x below -13 (erf) or -9.5 (tanh forward), where float intermediates
//       would turn subnormal, and targets without an fma take GeluInDouble.
//     Method: a fitted float Mills ratio times e^(-x^2/2), x^2 split exactly
//       (erf form; its slope from the Mills ratio minus a line, fitted as a
//       multiple of the distance to its root); 2u as a float pair (tanh
//       form) (gelu-inl.h, fit/gelu.py).
//     GeluInDouble: the scalar references' formulas in double lanes, with
//       erfc-inl.h's erfc, rounded to float once.
//   gelu, float64 results (Gelu64): double lanes, every target; see Gelu64.
//   softsign: double lanes, rounded once; float64 in double lanes.
//   Range: all inputs; limits at +-inf as the references; NaN propagates.
//   Accuracy per target, measured: docs/accuracy.md.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/gelu.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <cmath>

#include "compute/simd/divide-inl.h"
#include "compute/simd/erfc-inl.h"
#include "compute/simd/exp-inl.h"
#include "compute/simd/gelu-inl.h"
#include "compute/simd/logistic-inl.h"
#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {

constexpr double kSqrtHalf = 0.70710678118654752440;     // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;
constexpr double kGeluTanhC1 = 2.0 * kSqrt2OverPi;  // a = 2u = C1 x + C3 x^3
constexpr double kGeluTanhC3 = 2.0 * kSqrt2OverPi * kGeluCubic;

// Limits at +-inf: f = x and 0, f' = 1 and 0 (the formulas give inf * 0 there).
template <class D, class V>
HWY_INLINE V AtInfinity(D d, V x, V body, V at_plus_inf) {
  const V limit = hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), at_plus_inf);
  return hn::IfThenElse(hn::IsInf(x), limit, body);
}

// Phi(x) = erfc(-x / sqrt 2) / 2.
template <class D, class V>
HWY_INLINE V NormalCdf(D d, V x) {
  return hn::Mul(hn::Set(d, 0.5), ErfcAll(d, hn::Mul(hn::Neg(x), hn::Set(d, kSqrtHalf))));
}

struct GeluInDouble {
  static constexpr bool kInDouble = true;
  bool tanh_form;
  explicit GeluInDouble(const KernelArgs& a) : tanh_form(a.param[0] != 0) {}

  // u = sqrt(2/pi) (x + 0.044715 x^3); in double x^3 cannot overflow.
  template <class D, class V>
  static V TanhArgument(D d, V x) {
    return hn::Mul(hn::Set(d, kSqrt2OverPi), hn::MulAdd(hn::Mul(hn::Set(d, kGeluCubic), x), hn::Mul(x, x), x));
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    V body;
    if (tanh_form) {
      body = hn::Mul(x, Logistic(d, hn::Add(TanhArgument(d, x), TanhArgument(d, x))));
    } else {
      body = hn::Mul(x, NormalCdf(d, x));
    }
    return AtInfinity(d, x, body, x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    V body;
    if (tanh_form) {
      // sigmoid(2u) + 2 x u' sigmoid'(2u)
      const V two_u = hn::Add(TanhArgument(d, x), TanhArgument(d, x));
      const V du = hn::Mul(hn::Set(d, kSqrt2OverPi), hn::MulAdd(hn::Set(d, 3.0 * kGeluCubic), hn::Mul(x, x), hn::Set(d, 1.0)));
      // With e = e^-|2u|, p = 1 + e: sigmoid(2u) = (2u >= 0 ? 1 : e) / p and
      // sigmoid'(2u) = e / p^2, so the sum is one division over p^2.
      const V e = ExpMinusAbs(d, two_u);
      const V p = hn::Add(hn::Set(d, 1.0), e);
      const V sigmoid_numerator = hn::IfThenElse(hn::Ge(two_u, hn::Zero(d)), hn::Set(d, 1.0), e);
      const V numerator = hn::MulAdd(hn::Mul(hn::Add(x, x), du), e, hn::Mul(sigmoid_numerator, p));
      body = hn::Div(numerator, hn::Mul(p, p));
    } else {
      // Phi(x) + x phi(x)
      const V cdf = NormalCdf(d, x);
      const V pdf = ExpAll(d, hn::Mul(hn::Set(d, -0.5), hn::Mul(x, x)));
      body = hn::MulAdd(hn::Mul(x, hn::Set(d, kInvSqrt2Pi)), pdf, cdf);
    }
    return AtInfinity(d, x, body, hn::Set(d, 1.0));
  }
};

// --- float lanes: the kernels the catalogue runs ----------------------------
// One Op per form (the form is fixed for a whole call, so each loop is
// compiled for one), both in float (gelu-inl.h). Vectors with a lane below
// the form's floor, where float intermediates would turn subnormal, and
// targets without a fused multiply-add go to GeluInDouble.
template <class D, class V>
HWY_INLINE auto AtOrAbove(D d, V x, float floor) {
#if HWY_NATIVE_FMA
  return hn::Not(hn::Lt(x, hn::Set(d, floor)));  // NaN: KeepNaN
#else
  (void)x;
  (void)floor;
  return hn::FirstN(d, 0);
#endif
}

// approximate = 0: x Phi(x).
struct GeluErf {
  using Precise = GeluInDouble;
  Precise precise;
  explicit GeluErf(const KernelArgs& a) : precise(a) {}

  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    return AtOrAbove(d, x, -13.0f);  // below, e^(-x^2/2) would be subnormal
  }
  // With t = min(|x|, 13) (beyond, Phi(-t) < 1e-38: 0 against 1), E =
  // e^(-t^2/2) = 2^n (1 + p) and the Mills ratio Q = r G (1 + residual):
  // Phi(-t) = E Q, phi(x) = E / sqrt(2 pi). The factors 1 + p and
  // 1 + residual go into one fma, so each is rounded only once.
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V t = hn::Min(hn::Abs(x), hn::Set(d, 13.0f));
    V residual;
    const ReducedExp<V> e = ExpMinusHalfSquare(d, t);  // E = 2^n (1 + m)
    const V rg = MillsRatio(d, t, residual);
    const V w = hn::MulAdd(residual, hn::Add(hn::Set(d, 1.0f), e.m), e.m);  // (1 + m)(1 + residual) - 1
    const V y = hn::Mul(t, rg);
    const V tail = hn::Mul(hn::MulAdd(y, w, y), e.scale);  // t Phi(-t)
    // x - tail above 0, -tail below. Max returns its second operand when
    // one is NaN (x86 and Arm alike), so NaN stays NaN.
    return hn::Sub(hn::Max(hn::Zero(d), x), tail);
  }
  // Phi(x) + x phi(x) = E H(t) below 0 and 1 - E H(t) above (MillsSlope).
  // Min returns its second operand when one is NaN, so a NaN x makes t, and
  // with it the result, NaN.
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V t = hn::Min(hn::Set(d, 13.0f), hn::Abs(x));
    const ReducedExp<V> e = ExpMinusHalfSquare(d, t);
    V h_lo;
    const V h = MillsSlope(d, t, h_lo);
    const V eh = hn::Mul(hn::Add(h, hn::MulAdd(h, e.m, h_lo)), e.scale);  // (h + h_lo)(1 + m): h unrounded
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), eh, hn::Sub(hn::Set(d, 1.0f), eh));
  }
};

// approximate = 1: x sigmoid(a), a = 2u = C1 x + C3 x^3. Forward only: the
// derivative is GeluTanhSlope, in double lanes.
struct GeluTanh {
  using Precise = GeluInDouble;
  Precise precise;
  explicit GeluTanh(const KernelArgs& a) : precise(a) {}

  template <Pass kPass, class D, class V>
  auto FloatAccurate(D d, V x) const {
    return AtOrAbove(d, x, -9.5f);  // below, e^-|a| would be subnormal
  }
  // x / (1 + e) above 0, x e / (1 + e) below, e = e^-|a|.
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const ReducedExp<V> a = ExpMinusAbsArgument(d, x);
    const V e = hn::Mul(hn::Add(hn::Set(d, 1.0f), a.m), a.scale);
    const V x_scaled = hn::Mul(x, a.scale);  // exact: a power of 2
    const V numerator = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::MulAdd(x_scaled, a.m, x_scaled), x);
    // x = +inf: inf / 1. NaN: the numerator is x (a clamped argument gives e a value).
    return hn::Div(numerator, hn::Add(hn::Set(d, 1.0f), e));
  }
 private:
  // e^-|a| = scale (1 + m), for x clamped to 10 (beyond, sigmoid(a) = 1 in
  // float): -|a| = -|hi| -+ lo.
  template <class D, class V>
  static ReducedExp<V> ExpMinusAbsArgument(D d, V x) {
    V hi, lo;
    TanhFormArgument(d, hn::Min(x, hn::Set(d, 10.0f)), hi, lo);
    const V lo_toward_zero = hn::IfThenElse(hn::Lt(hi, hn::Zero(d)), lo, hn::Neg(lo));
    return ReduceExp<5>(d, hn::Neg(hn::Abs(hi)), lo_toward_zero);
  }
};

// gelu_tanh's derivative in double lanes: sigmoid(a) + x a' sigmoid'(a) =
// (p + x a' e) / p^2 above 0 and e (p + x a') / p^2 below, p = 1 + e, e =
// e^-|a|. In double, p + x a' keeps ~1e-16 of its terms through the
// cancellation at the root (x = -0.75), so no window or double-float terms
// are needed: at most 1 ULP after the one rounding to float. x is clamped
// to [-12, 10]: below, f' < 1e-60 (0 in float); above, f' = 1 in float;
// so +-inf get the limits 0 and 1 without inf * 0.
struct GeluTanhSlope {
  static constexpr bool kInDouble = true;
  explicit GeluTanhSlope(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V xc = hn::Min(hn::Max(x, hn::Set(d, -12.0)), hn::Set(d, 10.0));
    const V x2 = hn::Mul(xc, xc);
    const V a = hn::Mul(xc, hn::MulAdd(hn::Set(d, kGeluTanhC3), x2, hn::Set(d, kGeluTanhC1)));
    const V x_slope = hn::Mul(xc, hn::MulAdd(hn::Set(d, 3.0 * kGeluTanhC3), x2, hn::Set(d, kGeluTanhC1)));  // x a'
    const V e = ExpMinusAbs(d, a);
    const V p = hn::Add(hn::Set(d, 1.0), e);
    // p + x a' e above 0, e p + x a' e below.
    const V numerator = hn::MulAdd(x_slope, e, hn::IfThenElse(hn::Lt(xc, hn::Zero(d)), hn::Mul(e, p), p));
    return DivideForFloat(d, numerator, hn::Mul(p, p));
  }
};

// The form is a parameter of the call: one loop per form.
template <Pass kPass>
void MapGelu(const float* x, const float* g, float* out, std::size_t n, const KernelArgs& args) {
  if (args.param[0] != 0) {
    if constexpr (kPass == Pass::kForward) {
      Map<kPass>(GeluTanh(args), x, g, out, n);
    } else {
      Map<kPass>(GeluTanhSlope(args), x, g, out, n);
    }
  } else {
    Map<kPass>(GeluErf(args), x, g, out, n);
  }
}
void GeluForward(const float* x, float* out, std::size_t n, const KernelArgs& args) {
  MapGelu<Pass::kForward>(x, nullptr, out, n, args);
}
void GeluDerivative(const float* x, float* out, std::size_t n, const KernelArgs& args) {
  MapGelu<Pass::kDerivative>(x, nullptr, out, n, args);
}
void GeluVjp(const float* x, const float* g, float* out, std::size_t n, const KernelArgs& args) {
  MapGelu<Pass::kVjp>(x, g, out, n, args);
}

// x / (1 + |x|) (+-1 at +-inf); derivative 1 / (1 + |x|)^2, which in double
// cannot overflow for a float x.
struct Softsign {
  static constexpr bool kInDouble = true;
  explicit Softsign(const KernelArgs&) {}
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V body = hn::Div(x, hn::Add(hn::Set(d, 1.0), hn::Abs(x)));
    return hn::IfThenElse(hn::IsInf(x), hn::CopySign(hn::Set(d, 1.0), x), body);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V p = hn::Add(hn::Set(d, 1.0), hn::Abs(x));
    return hn::Div(hn::Set(d, 1.0), hn::Mul(p, p));
  }
};

ACTIVATION_SIMD_TARGET_KERNELS(Softsign)

// float64: 1 / (1 + |x|)^2 as two divisions, so that it does not overflow to
// a zero where the exact value is still representable.
struct Softsign64 : Softsign {
  using Softsign::Softsign;
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V p = hn::Add(hn::Set(d, 1.0), hn::Abs(x));
    return hn::Div(hn::Div(hn::Set(d, 1.0), p), p);
  }
};
ACTIVATION_SIMD_TARGET_KERNELS64(Softsign64)

// --- double lanes: gelu's float64 kernels, both forms -----------------------
// fit/float64.py output:
constexpr double kGeluTanhC1Hi = 1.5957691216057308, kGeluTanhC1Lo = -9.96930880911092e-17;
constexpr double kGeluTanhC3Hi = 0.07135481627260025, kGeluTanhC3Lo = -6.175149918155315e-19;
constexpr double kSqrtHalfHi = 0.7071067811865476, kSqrtHalfLo = -4.833646656726457e-17;
constexpr double kInvSqrtPi = 0.5641895835477563;
constexpr double kGeluTanhSlopeRootHi = -0.7524614220710163, kGeluTanhSlopeRootLo = 3.635560509207687e-17;
constexpr double kGeluTanhSlopeRootExp = 0.29195521191476714;  // e^a(r)
constexpr double kErfSlopeRootHi = -0.7517915246935645, kErfSlopeRootLo = 1.4956759177009883e-17;
// kErfSlopeWindow64: degree 24 on [-0.998208, 0.501792], relative error 6.33e-17 (double coefficients)
constexpr double kErfSlopeWindow64[25] = {
    0.4314939923140469,     0.388284982990552,      -0.018199676398665713,  -0.11400823329721323,
    -0.014771522148551462,  0.01942167983752112,    0.004539228386840361,   -0.00223953804632767,
    -0.0007448269349891968, 0.0001863393837492399,  8.616002727461983e-05,  -1.1211019347802415e-05,
    -7.748478369609286e-06, 4.1554134878839597e-07, 5.528535834429874e-07,  4.1180655875521976e-08,
    5.7554766127385655e-08, -9.064120532186744e-09, -1.8456341817720246e-07, -1.7398040844336484e-07,
    5.6224774776592274e-08, 2.2231241325355508e-07, 1.8056120346456964e-07, 6.752398480692116e-08,
    1.0114298999357972e-08};

// hi + lo = c x for c = c_hi + c_lo, with |lo| <~ ulp(hi).
template <class D, class V>
HWY_INLINE V TimesSplit(D d, V x, double c_hi, double c_lo, V& lo) {
  V error;
  const V hi = TwoProduct(d, x, hn::Set(d, c_hi), error);
  lo = hn::MulAdd(x, hn::Set(d, c_lo), error);
  return hi;
}

// approximate = 0 with t = |x| >= 30: Phi(-t) = phi(t) S(1/t^2) / t, the
// asymptotic series S(v) = sum (-1)^k (2k - 1)!! v^k, its terms below 1e-17
// of the sum from v^9 on for t >= 30.
template <class D, class V>
HWY_INLINE V MillsSeries(D d, V v) {
  constexpr double kTerms[] = {1.0, -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0, -135135.0, 2027025.0, -34459425.0};
  V s = hn::Set(d, kTerms[9]);
  for (int k = 8; k >= 0; --k) s = hn::MulAdd(s, v, hn::Set(d, kTerms[k]));
  return s;
}

// Both forms in double lanes for binary64 results; the exp arguments (-x^2/2,
// a = 2u) are carried as double pairs and taken by ExpTimes, since a rounded
// argument near -700 would cost hundreds of ULP.
//  erf form: x Phi(x), Phi(x) = erfc(z) / 2, z = -x / sqrt 2 = z_hi + z_lo:
//    erfc(z_hi) (ErfcAll, or e^(-x^2/2) times the scaled erfc: see Cdf)
//    - z_lo 2/sqrt(pi) e^(-z^2); below x = -30,
//    -phi(x) S(1/x^2) (MillsSeries). Slope Phi(x) + x phi(x), below -30
//    x phi(x) (1 - S / x^2), and on [-1.75, -0.25] around its root t P(t)
//    (t = x - r, P from fit/float64.py), where the two terms cancel.
//  tanh form: x sigmoid(a), a = C1 x + C3 x^3 (x clamped to +-25, beyond
//    which the result is x or 0 in double): x / (1 + e^-a) above 0,
//    x e^a / (1 + e^a) below. Slope (p + x a' e) / p^2 above 0 (e = e^-a,
//    p = 1 + e) and e g / p^2 below (e = e^a), g = 1 + e + x a', whose root
//    r is handled as silu's: g = e^a(r) expm1(a(x) - a(r)) + t (C1 + 3 C3 q),
//    a(x) - a(r) = t (C1 + C3 q), q = x^2 + x r + r^2: terms of t's sign.
struct Gelu64 {
  bool tanh_form;
  explicit Gelu64(const KernelArgs& a) : tanh_form(a.param[0] != 0) {}

  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return AtInfinity(d, x, tanh_form ? TanhForward(d, x) : ErfForward(d, x), x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return AtInfinity(d, x, tanh_form ? TanhDerivative(d, x) : ErfDerivative(d, x), hn::Set(d, 1.0));
  }

 private:
  // factor e^(-x^2/2), the square split exactly.
  template <class D, class V>
  static V TimesMinusHalfSquare(D d, V x, V factor) {
    V square_lo;
    const V square = TwoProduct(d, x, x, square_lo);
    const V minus_half = hn::Set(d, -0.5);
    return ExpTimes(d, hn::Mul(square, minus_half), hn::Mul(square_lo, minus_half), factor);
  }
  // z = -x / sqrt 2 = z_hi + z_lo, and e^(a^2) erfc(a) at a = |z_hi| (clamped
  // to [1/2, 27.5]): beyond |z| = 1/2, erfc(|z|) is e^(-x^2/2) times it, e
  // with the exact square and the scaled erfc at z_hi (its relative slope
  // there is about 1/|z|, so z_lo does not show). This saves ErfcAll's own
  // exponential; without a hardware fma its products round twice, so those
  // targets keep ErfcAll (the same bound either way).
  template <class V>
  struct ErfPieces {
    V z, z_lo;
    ScaledErfc<V> scaled;
  };
  static constexpr bool kReuseExp = HWY_NATIVE_FMA;
  template <class D, class V>
  static ErfPieces<V> Pieces(D d, V x) {
    ErfPieces<V> p;
    p.z = TimesSplit(d, hn::Neg(x), kSqrtHalfHi, kSqrtHalfLo, p.z_lo);
    if constexpr (kReuseExp) {
      p.scaled = ScaledErfcOfPositive(d, hn::Min(hn::Max(hn::Abs(p.z), hn::Set(d, 0.5)), hn::Set(d, 27.5)));
    }
    return p;
  }
  // factor e^(a^2) erfc(a), rounded once.
  template <class V>
  static V TimesScaledErfc(V factor, const ScaledErfc<V>& s) {
    return hn::MulAdd(factor, s.g, hn::Mul(factor, hn::MulAdd(s.g, s.rho, s.g_lo)));
  }
  // Phi(x) = erfc(z) / 2 for x >= -30 and e = e^(-x^2/2) = e^(-z^2):
  // erfc(z_hi) - z_lo 2/sqrt(pi) e where ErfcAll or ErfcNearZero gives the
  // erfc; beyond |z| = 1/2 on targets with an fma, e times the scaled erfc
  // (z_lo is in e already).
  template <class D, class V>
  static V Cdf(D d, const ErfPieces<V>& p, V e) {
    const V correction = hn::Mul(hn::Mul(e, hn::Set(d, 2.0 * kInvSqrtPi)), p.z_lo);  // z_lo 2 e^(-z^2) / sqrt(pi)
    V erfc;
    if constexpr (kReuseExp) {
      erfc = ErfcFromPieces(d, p.z, hn::Sub(ErfcNearZero(d, p.z), correction), TimesScaledErfc(e, p.scaled));
    } else {
      erfc = hn::Sub(ErfcAll(d, p.z), correction);
    }
    return hn::Mul(hn::Set(d, 0.5), erfc);
  }
  // x clamped to [-limit, limit].
  template <class D, class V>
  static V ClampedTo(D d, V x, double limit) {
    return hn::Min(hn::Max(x, hn::Set(d, -limit)), hn::Set(d, limit));
  }
  // Beyond +-40 Phi(x) is 1 or gelu underflows to 0 in double.
  static constexpr double kErfLimit = 40.0;
  template <class D, class V>
  static V ErfForward(D d, V x_in) {
    const V x = ClampedTo(d, x_in, kErfLimit);
    const auto far = hn::Lt(x, hn::Set(d, -30.0));
    const V v = hn::Div(hn::Set(d, 1.0), hn::Mul(x, x));
    const ErfPieces<V> pieces = Pieces(d, x);
    // Where z >= 1/2, x Phi(x) = e^(-x^2/2) (x/2) e^(z^2) erfc(z): the
    // product goes into the exponential's factor, rounded once.
    auto left = hn::Ge(pieces.z, hn::Set(d, 0.5));
    V factor = hn::Set(d, 1.0);
    if constexpr (kReuseExp) {
      factor = hn::IfThenElse(left, TimesScaledErfc(hn::Mul(hn::Set(d, 0.5), x), pieces.scaled), factor);
    } else {
      left = hn::FirstN(d, 0);
    }
    factor = hn::IfThenElse(far, hn::Mul(hn::Set(d, -kInvSqrt2Pi), MillsSeries(d, v)), factor);
    const V e = TimesMinusHalfSquare(d, x, factor);
    const V body = hn::IfThenElse(hn::Or(far, left), e, hn::Mul(x, Cdf(d, pieces, e)));
    return hn::IfThenElse(hn::Gt(x_in, x), x_in, body);
  }
  template <class D, class V>
  static V ErfDerivative(D d, V x_in) {
    const V x = ClampedTo(d, x_in, kErfLimit);
    const auto far = hn::Lt(x, hn::Set(d, -30.0));
    const V v = hn::Div(hn::Set(d, 1.0), hn::Mul(x, x));
    const V far_factor = hn::Mul(hn::Mul(x, hn::Set(d, kInvSqrt2Pi)),
                                 hn::NegMulAdd(v, MillsSeries(d, v), hn::Set(d, 1.0)));
    const V e = TimesMinusHalfSquare(d, x, hn::IfThenElse(far, far_factor, hn::Set(d, 1.0)));
    const V general = hn::MulAdd(hn::Mul(x, hn::Set(d, kInvSqrt2Pi)), e, Cdf(d, Pieces(d, x), e));
    const V near_root = AroundRoot(d, x, kErfSlopeRootHi, kErfSlopeRootLo, kErfSlopeWindow64);
    const auto window = hn::And(hn::Ge(x, hn::Set(d, -1.75)), hn::Le(x, hn::Set(d, -0.25)));
    return hn::IfThenElse(far, e, hn::IfThenElse(window, near_root, general));  // Phi(40) = 1
  }

  // a = C1 x + C3 x^3 = hi + lo for |x| <= 25.
  template <class D, class V>
  static V TanhArgument(D d, V x, V& lo) {
    V square_lo, cube_lo, p_lo, q_lo, sum_lo;
    const V square = TwoProduct(d, x, x, square_lo);
    const V cube = TwoProduct(d, x, square, cube_lo);
    cube_lo = hn::MulAdd(x, square_lo, cube_lo);
    const V p = TimesSplit(d, x, kGeluTanhC1Hi, kGeluTanhC1Lo, p_lo);
    const V q = TimesSplit(d, cube, kGeluTanhC3Hi, kGeluTanhC3Lo, q_lo);
    q_lo = hn::MulAdd(cube_lo, hn::Set(d, kGeluTanhC3Hi), q_lo);
    const V hi = TwoSum(p, q, sum_lo);
    lo = hn::Add(sum_lo, hn::Add(p_lo, q_lo));
    return hi;
  }
  static constexpr double kTanhLimit = 25.0;  // the tanh form's range of exact arguments
  template <class D, class V>
  static V TanhForward(D d, V x) {
    const V xc = ClampedTo(d, x, kTanhLimit);
    V lo;
    const V hi = TanhArgument(d, xc, lo);
    const auto negative = hn::Lt(xc, hn::Zero(d));
    const V minus_abs_lo = hn::IfThenElse(negative, lo, hn::Neg(lo));
    const V e = ExpTimes(d, hn::Neg(hn::Abs(hi)), minus_abs_lo, hn::Set(d, 1.0));
    const V numerator = hn::IfThenElse(negative, TimesExpAgain(d, hi, lo, e, xc), xc);
    const V p = hn::Add(hn::Set(d, 1.0), e);
    return hn::IfThenElse(hn::Gt(x, hn::Set(d, kTanhLimit)), x, hn::Div(numerator, p));
  }
  template <class D, class V>
  static V TanhDerivative(D d, V x) {
    const V one = hn::Set(d, 1.0);
    const V c1 = hn::Set(d, kGeluTanhC1Hi), c3 = hn::Set(d, kGeluTanhC3Hi);
    const V xc = ClampedTo(d, x, kTanhLimit);
    V lo;
    const V hi = TanhArgument(d, xc, lo);
    const auto negative = hn::Lt(xc, hn::Zero(d));
    const V e = ExpTimes(d, hn::Neg(hn::Abs(hi)), hn::IfThenElse(negative, lo, hn::Neg(lo)), one);
    const V x2 = hn::Mul(xc, xc);
    const V x_slope = hn::Mul(xc, hn::MulAdd(hn::Mul(hn::Set(d, 3.0), c3), x2, c1));  // x a'
    const V above = hn::MulAdd(x_slope, e, hn::Add(one, e));
    const V r = hn::Set(d, kGeluTanhSlopeRootHi);
    const V t = hn::Sub(hn::Sub(xc, r), hn::Set(d, kGeluTanhSlopeRootLo));
    const V q = hn::MulAdd(r, hn::Add(xc, r), x2);
    const V a_step = hn::Mul(t, hn::MulAdd(c3, q, c1));
    const V g = hn::MulAdd(hn::Set(d, kGeluTanhSlopeRootExp), Expm1All(d, a_step),
                           hn::Mul(t, hn::MulAdd(hn::Mul(hn::Set(d, 3.0), c3), q, c1)));
    const V numerator = hn::IfThenElse(negative, TimesExpAgain(d, hi, lo, e, g), above);
    return hn::Div(numerator, OnePlusSquared(d, e));
  }
};
ACTIVATION_SIMD_TARGET_KERNELS64(Gelu64)

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/gelu.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Gelu)
ACTIVATION_SIMD_EXPORT_KERNELS(Softsign)
ACTIVATION_SIMD_EXPORT_KERNELS64(Softsign64)
ACTIVATION_SIMD_EXPORT_KERNELS64(Gelu64)
}  // namespace activation::simd
#endif  // HWY_ONCE
