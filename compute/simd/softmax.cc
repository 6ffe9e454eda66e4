// Vector kernels for softmax and log_softmax over rows (KernelArgs::row_length;
// 0 = one row). Lanes: every Highway target. Per row, as the reference
// (compute/softmax.cc) does, with m the row max and e_i = exp(x_i - m):
//   1. m, and whether the row has a NaN or +inf (or is all -inf): such rows
//      go to the scalar reference, whose limits are the catalogue's;
//   2. e_i in float lanes, summed in double: `rest` = S - 1, the sum without
//      the arg max, kept apart so that log S = log1p(rest) and the arg max's
//      1 - s = rest / S keep full relative accuracy when one element dominates;
//   3. the outputs, formed in double lanes from e_i (or x_i) and rounded once.
// x_i - m is split exactly into hi + lo (TwoSum) and exp(hi + lo) is taken as
// exp(hi) (1 + lo): a rounded difference would cost up to |x_i - m| / 2 ULP.
// Vectors with a lane whose e_i would be a float subnormal (x_i - m in
// [-746, -87]) take e_i in double instead, so many tiny terms still add up.
// No overflow for any finite row; -inf elements get e = 0 (s = 0, log s = -inf).
// The float exp (exp-inl.h) is the only float rounding before the sums;
// everything after it runs in double and rounds once. The VJP sums in double.
// Phase 2 writes e_i to `out` as scratch; `out` may be `x` (each element of x
// is read before it is written, and not read again) but not `grad_output`.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/softmax.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "compute/simd/divide-inl.h"
#include "compute/simd/exp-inl.h"
#include "compute/simd/map-inl.h"
#include "compute/simd/math-inl.h"
#include "compute/softmax.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
namespace softmax_rows {

// Up to Lanes(d) elements from p (floats or doubles); lanes past `count` hold `pad`.
template <class D, typename T = hn::TFromD<D>>
HWY_INLINE hn::Vec<D> LoadPadded(D d, const T* p, std::size_t count, T pad) {
  if (count == hn::Lanes(d)) return hn::LoadU(d, p);
  alignas(HWY_MAX_BYTES) T buffer[HWY_MAX_BYTES / sizeof(T)];
  std::fill(buffer, buffer + hn::Lanes(d), pad);
  std::copy(p, p + count, buffer);
  return hn::Load(d, buffer);
}

template <class D, typename T = hn::TFromD<D>>
HWY_INLINE void StorePartial(D d, hn::Vec<D> v, T* p, std::size_t count) {
  if (count == hn::Lanes(d)) return hn::StoreU(v, d, p);
  alignas(HWY_MAX_BYTES) T buffer[HWY_MAX_BYTES / sizeof(T)];
  hn::Store(v, d, buffer);
  std::copy(buffer, buffer + count, p);
}

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;
#if HWY_TARGET == HWY_SCALAR  // one lane: it has no halves; the upper "half" is empty
using DD = hn::Rebind<double, DF>;
using VD = hn::Vec<DD>;
HWY_INLINE VD PromoteLower(VF v) { return hn::PromoteTo(DD(), v); }
HWY_INLINE VD PromoteUpper(VF) { return hn::Zero(DD()); }
HWY_INLINE VF RoundBoth(VD lower, VD) { return RoundToFloat(DF(), lower); }
#else
using DH = hn::Half<DF>;            // half a float vector ...
using DD = hn::Rebind<double, DH>;  // ... as double lanes
using VD = hn::Vec<DD>;
HWY_INLINE VD PromoteLower(VF v) { return hn::PromoteTo(DD(), hn::LowerHalf(DH(), v)); }
HWY_INLINE VD PromoteUpper(VF v) { return hn::PromoteTo(DD(), hn::UpperHalf(DH(), v)); }
HWY_INLINE VF RoundBoth(VD lower, VD upper) {
  return hn::Combine(DF(), RoundToFloat(DH(), upper), RoundToFloat(DH(), lower));
}
#endif

HWY_INLINE double Sum(VD v) { return hn::GetLane(hn::SumOfLanes(DD(), v)); }

// Phase 1: the row max, or NaN when the row has no finite limit to give in
// the vector path (a NaN, a +inf, or nothing above -inf).
float RowMax(const float* x, std::size_t length) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  const float inf = std::numeric_limits<float>::infinity();
  VF max0 = hn::Set(d, -inf), max1 = max0;
  auto nan = hn::FirstN(d, 0);
  std::size_t i = 0;
  for (; i + 2 * N <= length; i += 2 * N) {
    const VF a = hn::LoadU(d, x + i), b = hn::LoadU(d, x + i + N);
    nan = hn::Or(nan, hn::Or(hn::IsNaN(a), hn::IsNaN(b)));
    max0 = hn::Max(max0, a);
    max1 = hn::Max(max1, b);
  }
  for (; i < length; i += N) {
    const VF a = LoadPadded(d, x + i, std::min(N, length - i), -inf);
    nan = hn::Or(nan, hn::IsNaN(a));
    max0 = hn::Max(max0, a);
  }
  const float m = hn::GetLane(hn::MaxOfLanes(d, hn::Max(max0, max1)));
  if (!hn::AllFalse(d, nan) || std::isinf(m)) return std::numeric_limits<float>::quiet_NaN();
  return m;
}

// What phase 2 adds up, in double lanes.
struct Sums {
  VD rest;           // e_i over the elements below the max
  VD weighted;       // sum g_i e_i or sum g_i (see Weight)
  std::size_t ties;  // elements equal to the max (the arg max among them)
};

enum class Weight { kNone, kByE, kPlain };

// Adds one vector of e_i = exp(x_i - m) to `s`: `rest_*` are e_i where
// x_i < m and 0 where x_i = m (e_i is then exactly 1, counted in Sums::ties).
template <Weight kWeight>
HWY_INLINE void AddToSums(VD rest_lower, VD rest_upper, VD e_lower, VD e_upper, VF g, Sums& s) {
  s.rest = hn::Add(s.rest, hn::Add(rest_lower, rest_upper));
  if constexpr (kWeight == Weight::kByE) {
    s.weighted = hn::MulAdd(e_lower, PromoteLower(g), s.weighted);
    s.weighted = hn::MulAdd(e_upper, PromoteUpper(g), s.weighted);
  } else if constexpr (kWeight == Weight::kPlain) {
    s.weighted = hn::Add(s.weighted, hn::Add(PromoteLower(g), PromoteUpper(g)));
  }
}

// The rare vector with an e_i that would be a float subnormal: e in double.
template <Weight kWeight>
HWY_NOINLINE VF AddExpsInDouble(VF x, float m, VF below, VF g, Sums& s) {
  const DD dd;
  const VD md = hn::Set(dd, static_cast<double>(m));
  const VD floor = hn::Set(dd, -1000.0);  // e = 0 below; keeps -inf out of Exp
  const VD lower = ExpAll(dd, hn::Max(hn::Sub(PromoteLower(x), md), floor));
#if HWY_TARGET == HWY_SCALAR
  const VD upper = hn::Zero(dd);  // no upper half: it must add nothing
#else
  const VD upper = ExpAll(dd, hn::Max(hn::Sub(PromoteUpper(x), md), floor));
#endif
  AddToSums<kWeight>(hn::Mul(lower, PromoteLower(below)), hn::Mul(upper, PromoteUpper(below)), lower, upper, g, s);
  return RoundBoth(lower, upper);
}

// Phase 2 over one vector: adds e_i = exp(x_i - m) to `s` and returns it.
// Lanes padded with -inf give e = 0.
template <Weight kWeight>
HWY_INLINE VF AddExps(VF x, VF g, VF m, float m_scalar, Sums& s) {
  const DF d;
  const auto tie = hn::Eq(x, m);
  s.ties += hn::CountTrue(d, tie);
  // hi + lo = x - m exactly (TwoSum; x - m <= 0, the operands in any order).
  const VF hi = hn::Sub(x, m);
  if (HWY_UNLIKELY(!hn::AllFalse(d, hn::Lt(hi, hn::Set(d, -87.0f))))) {
    // Below -746 e is 0 in double too: only the lanes in between need it.
    const auto tiny = hn::Lt(hi, hn::Set(d, -87.0f));
    if (!hn::AllFalse(d, hn::And(tiny, hn::Ge(hi, hn::Set(d, -746.0f))))) {
      return AddExpsInDouble<kWeight>(x, m_scalar, hn::IfThenZeroElse(tie, hn::Set(d, 1.0f)), g, s);
    }
  }
  const VF x_part = hn::Sub(hi, hn::Neg(m));
  const VF lo = hn::Add(hn::Sub(x, x_part), hn::Sub(hn::Neg(m), hn::Sub(hi, x_part)));
  const VF kFloor = hn::Set(d, -746.0f);
  const auto negligible = hn::Lt(hi, kFloor);
  // Clamped, so that -inf (x = -inf, or x - m beyond -FLT_MAX) gives 0 on every target.
  const VF e_hi = ExpAll(d, hn::Max(hi, kFloor));
  const VF e = hn::MulAdd(e_hi, hn::IfThenZeroElse(negligible, lo), e_hi);
  const VF e_rest = hn::IfThenZeroElse(tie, e);
  AddToSums<kWeight>(PromoteLower(e_rest), PromoteUpper(e_rest), PromoteLower(e), PromoteUpper(e), g, s);
  return e;
}

// Phase 2 over a row: e_i to e_out (if kStore), rest and the weighted sum.
struct RowSums {
  double rest;
  double weighted;
};
template <Weight kWeight, bool kStore>
RowSums SumExps(const float* x, const float* g, float* e_out, std::size_t length, float m_scalar) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  const VF m = hn::Set(d, m_scalar);
  const float inf = std::numeric_limits<float>::infinity();
  Sums s0{hn::Zero(DD()), hn::Zero(DD()), 0}, s1 = s0;
  std::size_t i = 0;
  for (; i + 2 * N <= length; i += 2 * N) {
    const VF g0 = kWeight == Weight::kNone ? hn::Zero(d) : hn::LoadU(d, g + i);
    const VF g1 = kWeight == Weight::kNone ? hn::Zero(d) : hn::LoadU(d, g + i + N);
    const VF e0 = AddExps<kWeight>(hn::LoadU(d, x + i), g0, m, m_scalar, s0);
    const VF e1 = AddExps<kWeight>(hn::LoadU(d, x + i + N), g1, m, m_scalar, s1);
    if constexpr (kStore) {
      hn::StoreU(e0, d, e_out + i);
      hn::StoreU(e1, d, e_out + i + N);
    }
  }
  for (; i < length; i += N) {
    const std::size_t count = std::min(N, length - i);
    const VF g0 = kWeight == Weight::kNone ? hn::Zero(d) : LoadPadded(d, g + i, count, 0.0f);
    const VF e0 = AddExps<kWeight>(LoadPadded(d, x + i, count, -inf), g0, m, m_scalar, s0);
    if constexpr (kStore) StorePartial(d, e0, e_out + i, count);
  }
  // The arg max counts as the 1 of S = 1 + rest; its ties belong to rest.
  const double ties = static_cast<double>(s0.ties + s1.ties) - 1.0;
  return RowSums{Sum(hn::Add(s0.rest, s1.rest)) + ties, Sum(hn::Add(s0.weighted, s1.weighted))};
}

// Phase 3: out_i = f(a_i, g_i) in double lanes, rounded once.
template <class F>
HWY_INLINE void MapInDouble(const float* a, const float* g, float* out, std::size_t length, const F& f) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t i = 0; i < length; i += N) {
    const std::size_t count = std::min(N, length - i);
    const VF av = LoadPadded(d, a + i, count, 0.0f);
    const VF gv = g == nullptr ? hn::Zero(d) : LoadPadded(d, g + i, count, 0.0f);
    const VF y = RoundBoth(f(PromoteLower(av), PromoteLower(gv)), f(PromoteUpper(av), PromoteUpper(gv)));
    StorePartial(d, y, out + i, count);
  }
}

// 1 - s_i times S: rest for the lanes with e_i == 1 (the arg max and its
// ties: S - e_i would cancel), S - e_i elsewhere (>= 1, no cancellation).
HWY_INLINE VD OthersTimesS(VD e, double rest) {
  const DD dd;
  const VD sum = hn::Set(dd, 1.0 + rest);
  return hn::IfThenElse(hn::Eq(e, hn::Set(dd, 1.0)), hn::Set(dd, rest), hn::Sub(sum, e));
}

enum class Kind { kSoftmax, kLogSoftmax };

template <Kind kKind, Pass kPass>
void Rows(const float* x, const float* g, float* out, std::size_t n, const KernelArgs& args) {
  const std::size_t length = args.row_length == 0 ? n : args.row_length;
  if (length == 0) return;
  const DD dd;
  for (std::size_t start = 0; start + length <= n; start += length) {
    const float* xr = x + start;
    const float* gr = g == nullptr ? nullptr : g + start;
    float* outr = out + start;
    const float m = RowMax(xr, length);
    if (std::isnan(m)) {  // NaN, +inf or all -inf: the reference's limits
      KernelArgs row = args;
      row.row_length = length;
      const Kernels k = kKind == Kind::kSoftmax ? softmax::SoftmaxReference() : softmax::LogSoftmaxReference();
      if constexpr (kPass == Pass::kForward) k.forward(xr, outr, length, row);
      else if constexpr (kPass == Pass::kDerivative) k.derivative(xr, outr, length, row);
      else k.vjp(xr, gr, outr, length, row);
      continue;
    }
    if constexpr (kKind == Kind::kLogSoftmax && kPass == Pass::kForward) {
      // log s_i = (x_i - m) - log1p(rest): no e_i needed after the sum.
      const RowSums sums = SumExps<Weight::kNone, false>(xr, nullptr, nullptr, length, m);
      const VD shift = hn::Set(dd, static_cast<double>(m));
      const VD log_sum = hn::Set(dd, std::log1p(sums.rest));
      MapInDouble(xr, nullptr, outr, length, [&](VD xv, VD) { return hn::Sub(hn::Sub(xv, shift), log_sum); });
      continue;
    }
    constexpr Weight kWeight = kPass != Pass::kVjp        ? Weight::kNone
                               : kKind == Kind::kSoftmax ? Weight::kByE
                                                          : Weight::kPlain;
    const RowSums sums = SumExps<kWeight, true>(xr, gr, outr, length, m);  // e_i now in outr
    const double inverse = 1.0 / (1.0 + sums.rest);
    const VD inv = hn::Set(dd, inverse);
    const double rest = sums.rest;
    if constexpr (kKind == Kind::kSoftmax && kPass == Pass::kForward) {
      MapInDouble(outr, nullptr, outr, length, [&](VD e, VD) { return hn::Mul(e, inv); });
    } else if constexpr (kKind == Kind::kSoftmax && kPass == Pass::kDerivative) {
      // s_i (1 - s_i)
      MapInDouble(outr, nullptr, outr, length,
                  [&](VD e, VD) { return hn::Mul(hn::Mul(e, inv), hn::Mul(OthersTimesS(e, rest), inv)); });
    } else if constexpr (kKind == Kind::kLogSoftmax && kPass == Pass::kDerivative) {
      // 1 - s_i
      MapInDouble(outr, nullptr, outr, length, [&](VD e, VD) { return hn::Mul(OthersTimesS(e, rest), inv); });
    } else if constexpr (kKind == Kind::kSoftmax) {
      // s_i (g_i - sum_j g_j s_j)
      const VD dot = hn::Set(dd, sums.weighted * inverse);
      MapInDouble(outr, gr, outr, length, [&](VD e, VD gv) { return hn::Mul(hn::Mul(e, inv), hn::Sub(gv, dot)); });
    } else {
      // g_i - s_i sum_j g_j
      const VD total = hn::Set(dd, sums.weighted);
      MapInDouble(outr, gr, outr, length,
                  [&](VD e, VD gv) { return hn::NegMulAdd(hn::Mul(e, inv), total, gv); });
    }
  }
}

}  // namespace softmax_rows

// --- double lanes: the float64 kernels --------------------------------------
// Per row, as above: m and the rows without a finite limit (to
// softmax::SoftmaxLimits64); e_i = e^(hi + lo) (ExpTimes) with hi + lo =
// x_i - m exactly (TwoSum); rest = S - 1 and the VJP's weighted sum added with
// TwoSum per lane (compensated), so a long row's sum is not off by its
// length in ULP; then each output from e_i and S, rounded a few times
// (ties and the arg max as above: 1 - s_i = rest / S there).
namespace softmax_rows64 {

using softmax_rows::Kind;
using softmax_rows::Weight;
using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;

using softmax_rows::LoadPadded;
using softmax_rows::StorePartial;

// Per-lane sums carried with their exact rounding errors.
struct CompensatedSum {
  V sum, error;  // start both at zero
  void Add(V v) {
    V e;
    sum = TwoSum(sum, v, e);
    error = hn::Add(error, e);
  }
  double Total() const {
    const D d;
    alignas(HWY_MAX_BYTES) double sums[HWY_MAX_BYTES / sizeof(double)];
    hn::Store(sum, d, sums);
    double total = hn::GetLane(hn::SumOfLanes(d, error)), total_error = 0;
    for (std::size_t i = 0; i < hn::Lanes(d); ++i) {  // Knuth's TwoSum, as above
      const double next = total + sums[i];
      const double part = next - total;
      total_error += (total - (next - part)) + (sums[i] - part);
      total = next;
    }
    return total + total_error;
  }
};

// x - m = hi + lo (lo = 0 where hi is infinite).
HWY_INLINE V Shifted(V x, V m, V& lo) {
  const V hi = TwoSum(x, hn::Neg(m), lo);
  lo = hn::IfThenZeroElse(hn::IsInf(hi), lo);
  return hi;
}

// e^(x - m), exactly 1 at x = m.
HWY_INLINE V ExpShifted(D d, V x, V m) {
  V lo;
  const V hi = Shifted(x, m, lo);
  return hn::IfThenElse(hn::Eq(x, m), hn::Set(d, 1.0), ExpTimes(d, hi, lo, hn::Set(d, 1.0)));
}

// The row max, or NaN for a row without a finite limit (NaN, +inf, all -inf).
double RowMax(const double* x, std::size_t length) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  const double inf = std::numeric_limits<double>::infinity();
  V max = hn::Set(d, -inf);
  auto nan = hn::FirstN(d, 0);
  for (std::size_t i = 0; i < length; i += N) {
    const V v = LoadPadded(d, x + i, std::min(N, length - i), -inf);
    nan = hn::Or(nan, hn::IsNaN(v));
    max = hn::Max(max, v);
  }
  const double m = hn::GetLane(hn::MaxOfLanes(d, max));
  if (!hn::AllFalse(d, nan) || std::isinf(m)) return std::numeric_limits<double>::quiet_NaN();
  return m;
}

struct RowSums {
  double rest;      // S - 1
  double weighted;  // sum g_i e_i (softmax VJP) or sum g_i (log_softmax VJP)
};

// e_i to e_out (when given; it may be x) and the row's sums.
template <Weight kWeight>
RowSums SumExps(const double* x, const double* g, double* e_out, std::size_t length, double m_scalar) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  const V m = hn::Set(d, m_scalar);
  CompensatedSum rest{hn::Zero(d), hn::Zero(d)}, weighted = rest;
  std::size_t ties = 0;
  for (std::size_t i = 0; i < length; i += N) {
    const std::size_t count = std::min(N, length - i);
    const V xv = LoadPadded(d, x + i, count, -std::numeric_limits<double>::infinity());
    const auto tie = hn::Eq(xv, m);
    ties += hn::CountTrue(d, tie);
    const V e = ExpShifted(d, xv, m);
    rest.Add(hn::IfThenZeroElse(tie, e));
    if constexpr (kWeight == Weight::kByE) weighted.Add(hn::Mul(e, LoadPadded(d, g + i, count, 0.0)));
    if constexpr (kWeight == Weight::kPlain) weighted.Add(LoadPadded(d, g + i, count, 0.0));
    if (e_out != nullptr) StorePartial(d, e, e_out + i, count);
  }
  return RowSums{rest.Total() + static_cast<double>(ties - 1), weighted.Total()};
}

// out_i = f(a_i, g_i) over a row.
template <class F>
HWY_INLINE void MapRow(const double* a, const double* g, double* out, std::size_t length, const F& f) {
  const D d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t i = 0; i < length; i += N) {
    const std::size_t count = std::min(N, length - i);
    const V gv = g == nullptr ? hn::Zero(d) : LoadPadded(d, g + i, count, 0.0);
    StorePartial(d, f(LoadPadded(d, a + i, count, 0.0), gv), out + i, count);
  }
}

template <Kind kKind, Pass kPass>
void Rows(const double* x, const double* g, double* out, std::size_t n, const KernelArgs& args) {
  const std::size_t length = args.row_length == 0 ? n : args.row_length;
  if (length == 0) return;
  const D d;
  for (std::size_t start = 0; start + length <= n; start += length) {
    const double* xr = x + start;
    const double* gr = g == nullptr ? nullptr : g + start;
    double* outr = out + start;
    const double m = RowMax(xr, length);
    if (std::isnan(m)) {
      KernelArgs row = args;
      row.row_length = length;
      const Kernels64 k = kKind == Kind::kSoftmax ? softmax::SoftmaxLimits64() : softmax::LogSoftmaxLimits64();
      if constexpr (kPass == Pass::kForward) k.forward(xr, outr, length, row);
      else if constexpr (kPass == Pass::kDerivative) k.derivative(xr, outr, length, row);
      else k.vjp(xr, gr, outr, length, row);
      continue;
    }
    const V mv = hn::Set(d, m);
    if constexpr (kKind == Kind::kLogSoftmax && kPass == Pass::kForward) {
      // log s_i = (hi - log1p(rest)) + lo: hi <= 0 <= log1p, so no cancellation.
      const RowSums sums = SumExps<Weight::kNone>(xr, nullptr, nullptr, length, m);
      const V log_sum = hn::Set(d, std::log1p(sums.rest));
      MapRow(xr, nullptr, outr, length, [&](V xv, V) {
        V lo;
        const V hi = Shifted(xv, mv, lo);
        return hn::Add(hn::Sub(hi, log_sum), lo);
      });
      continue;
    }
    constexpr Weight kWeight = kPass != Pass::kVjp        ? Weight::kNone
                               : kKind == Kind::kSoftmax ? Weight::kByE
                                                          : Weight::kPlain;
    const RowSums sums = SumExps<kWeight>(xr, gr, outr, length, m);  // e_i now in outr
    const double sum_scalar = 1.0 + sums.rest;
    const V sum = hn::Set(d, sum_scalar), inverse = hn::Set(d, 1.0 / sum_scalar);
    const V rest = hn::Set(d, sums.rest);
    // (1 - s_i) S: rest where e_i = 1 (S - e_i would cancel), S - e_i elsewhere.
    const auto others = [&](V e) { return hn::IfThenElse(hn::Eq(e, hn::Set(d, 1.0)), rest, hn::Sub(sum, e)); };
    if constexpr (kKind == Kind::kSoftmax && kPass == Pass::kForward) {
      MapRow(outr, nullptr, outr, length, [&](V e, V) { return DivideByInverse(e, sum, inverse); });
    } else if constexpr (kKind == Kind::kSoftmax && kPass == Pass::kDerivative) {
      const double square = sum_scalar * sum_scalar;
      const V sum_squared = hn::Set(d, square), inverse_squared = hn::Set(d, 1.0 / square);
      MapRow(outr, nullptr, outr, length,
             [&](V e, V) { return DivideByInverse(hn::Mul(e, others(e)), sum_squared, inverse_squared); });
    } else if constexpr (kKind == Kind::kLogSoftmax && kPass == Pass::kDerivative) {
      MapRow(outr, nullptr, outr, length, [&](V e, V) { return DivideByInverse(others(e), sum, inverse); });
    } else if constexpr (kKind == Kind::kSoftmax) {  // s_i (g_i - sum_j g_j s_j)
      const V dot = hn::Set(d, sums.weighted / sum_scalar);
      MapRow(outr, gr, outr, length, [&](V e, V gv) { return DivideByInverse(hn::Mul(e, hn::Sub(gv, dot)), sum, inverse); });
    } else {  // g_i - s_i sum_j g_j
      const V total = hn::Set(d, sums.weighted);
      MapRow(outr, gr, outr, length, [&](V e, V gv) { return hn::Sub(gv, DivideByInverse(hn::Mul(e, total), sum, inverse)); });
    }
  }
}

}  // namespace softmax_rows64

// <Name>Forward, <Name>Derivative, <Name>Vjp for HWY_EXPORT.
#define ACTIVATION_SOFTMAX_TARGET_KERNELS(Name, Ns, T, kKind)                                    \
  void Name##Forward(const T* x, T* out, std::size_t n, const KernelArgs& args) {                 \
    Ns::Rows<kKind, Pass::kForward>(x, nullptr, out, n, args);                                   \
  }                                                                                                \
  void Name##Derivative(const T* x, T* out, std::size_t n, const KernelArgs& args) {              \
    Ns::Rows<kKind, Pass::kDerivative>(x, nullptr, out, n, args);                                \
  }                                                                                                \
  void Name##Vjp(const T* x, const T* g, T* out, std::size_t n, const KernelArgs& args) {         \
    Ns::Rows<kKind, Pass::kVjp>(x, g, out, n, args);                                             \
  }
ACTIVATION_SOFTMAX_TARGET_KERNELS(Softmax, softmax_rows, float, softmax_rows::Kind::kSoftmax)
ACTIVATION_SOFTMAX_TARGET_KERNELS(LogSoftmax, softmax_rows, float, softmax_rows::Kind::kLogSoftmax)
ACTIVATION_SOFTMAX_TARGET_KERNELS(Softmax64, softmax_rows64, double, softmax_rows::Kind::kSoftmax)
ACTIVATION_SOFTMAX_TARGET_KERNELS(LogSoftmax64, softmax_rows64, double, softmax_rows::Kind::kLogSoftmax)
#undef ACTIVATION_SOFTMAX_TARGET_KERNELS

}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "compute/simd/export.h"
#include "compute/simd/softmax.h"

namespace activation::simd {
ACTIVATION_SIMD_EXPORT_KERNELS(Softmax)
ACTIVATION_SIMD_EXPORT_KERNELS(LogSoftmax)
ACTIVATION_SIMD_EXPORT_KERNELS64(Softmax64)
ACTIVATION_SIMD_EXPORT_KERNELS64(LogSoftmax64)
}  // namespace activation::simd
#endif  // HWY_ONCE
