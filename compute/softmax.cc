#include "compute/softmax.h"

#include <cmath>
#include <cstddef>
#include <limits>

#include "compute/simd/softmax.h"

namespace activation::softmax {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What a row needs to give each element its probability. With m the row
// max and e_i = exp(x_i - m): S = 1 + rest, where `rest` sums every e_i but
// the arg max's. Keeping `rest` apart gives 1 - s and log S = log1p(rest)
// without cancellation when one element dominates.
// Limits: a NaN, two or more +inf, or only -inf make the whole row NaN
// (no limit exists); a single +inf takes all the mass.
struct Row {
  enum class Kind { kFinite, kOneInfinity, kUndefined } kind = Kind::kFinite;
  double max = 0;
  std::size_t argmax = 0;
  double rest = 0;
};

template <class T>
Row Analyze(const T* x, std::size_t n) {
  Row r;
  r.max = -std::numeric_limits<double>::infinity();
  std::size_t infinities = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) r.kind = Row::Kind::kUndefined;
    if (x[i] == std::numeric_limits<T>::infinity()) ++infinities;
    if (x[i] > r.max) r.max = x[i], r.argmax = i;
  }
  if (r.kind == Row::Kind::kUndefined || infinities > 1 || r.max == -std::numeric_limits<double>::infinity()) {
    r.kind = Row::Kind::kUndefined;
    return r;
  }
  if (infinities == 1) {
    r.kind = Row::Kind::kOneInfinity;
    return r;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i != r.argmax) r.rest += std::exp(static_cast<double>(x[i]) - r.max);
  }
  return r;
}

// Per element of an analyzed row: s_i, 1 - s_i and log s_i.
struct Element {
  double s, one_minus_s, log_s;
};
template <class T>
Element At(const Row& r, const T* x, std::size_t i) {
  switch (r.kind) {
    case Row::Kind::kUndefined: return {kNaN, kNaN, kNaN};
    case Row::Kind::kOneInfinity:
      if (i == r.argmax) return {1.0, 0.0, 0.0};
      return {0.0, 1.0, -std::numeric_limits<double>::infinity()};
    case Row::Kind::kFinite: break;
  }
  const double d = static_cast<double>(x[i]) - r.max;
  const double e = std::exp(d);
  const double sum = 1.0 + r.rest;
  const double others = i == r.argmax ? r.rest : sum - e;  // S - e_i
  return {e / sum, others / sum, d - std::log1p(r.rest)};
}

// Runs `body(row, length)` over the rows of x; a row length of 0 means one row.
template <class Body>
void ForEachRow(std::size_t n, const KernelArgs& args, Body body) {
  const std::size_t length = args.row_length == 0 ? n : args.row_length;
  for (std::size_t start = 0; start + length <= n && length > 0; start += length) body(start, length);
}

// out_i = one quantity of each element: s_i (softmax), log s_i (log_softmax),
// 1 - s_i (log_softmax's Jacobian diagonal).
template <double Element::*kQuantity, class T>
void MapRows(const T* x, T* out, std::size_t n, const KernelArgs& args) {
  ForEachRow(n, args, [&](std::size_t start, std::size_t length) {
    const Row r = Analyze(x + start, length);
    for (std::size_t i = 0; i < length; ++i) out[start + i] = static_cast<T>(At(r, x + start, i).*kQuantity);
  });
}

template <class T>
void SoftmaxDiagonal(const T* x, T* out, std::size_t n, const KernelArgs& args) {
  ForEachRow(n, args, [&](std::size_t start, std::size_t length) {
    const Row r = Analyze(x + start, length);
    for (std::size_t i = 0; i < length; ++i) {
      const Element el = At(r, x + start, i);
      out[start + i] = static_cast<T>(el.s * el.one_minus_s);
    }
  });
}
// dx_i = s_i (g_i - sum_j g_j s_j)
template <class T>
void SoftmaxVjp(const T* x, const T* g, T* out, std::size_t n, const KernelArgs& args) {
  ForEachRow(n, args, [&](std::size_t start, std::size_t length) {
    const Row r = Analyze(x + start, length);
    double dot = 0;
    for (std::size_t j = 0; j < length; ++j) dot += static_cast<double>(g[start + j]) * At(r, x + start, j).s;
    for (std::size_t i = 0; i < length; ++i) {
      out[start + i] = static_cast<T>(At(r, x + start, i).s * (static_cast<double>(g[start + i]) - dot));
    }
  });
}

// dx_i = g_i - s_i sum_j g_j
template <class T>
void LogSoftmaxVjp(const T* x, const T* g, T* out, std::size_t n, const KernelArgs& args) {
  ForEachRow(n, args, [&](std::size_t start, std::size_t length) {
    const Row r = Analyze(x + start, length);
    double sum = 0;
    for (std::size_t j = 0; j < length; ++j) sum += g[start + j];
    for (std::size_t i = 0; i < length; ++i) {
      out[start + i] = static_cast<T>(static_cast<double>(g[start + i]) - At(r, x + start, i).s * sum);
    }
  });
}

constexpr std::string_view kRowNote =
    "row-wise over the last axis of shape (a 1-D input is one row). Without grad_output, Gradient returns "
    "the Jacobian's diagonal d y_i / d x_i; with grad_output, the full row-coupled vector-Jacobian product. "
    "Rows with NaN, with two or more +inf, or with only -inf are NaN; a single +inf takes all the mass.";

Activation Softmax() {
  Activation a;
  a.name = "softmax";
  a.description = "Normalized exponential over each row of the last axis.";
  a.formula = "exp(x_i - max(x)) / sum_j exp(x_j - max(x))";
  a.derivative_formula = "diagonal: s_i (1 - s_i); VJP: s_i (g_i - sum_j g_j s_j)";
  a.rowwise = true;
  a.gradient_note = kRowNote;
  a.reference = SoftmaxReference();
  a.fast = simd::Softmax();
  a.cost = Cost::kHeavy;
  a.float64 = simd::Softmax64();
  return a;
}

Activation LogSoftmax() {
  Activation a;
  a.name = "log_softmax";
  a.description = "Logarithm of softmax over each row of the last axis.";
  a.formula = "x_i - max(x) - log(sum_j exp(x_j - max(x)))";
  a.derivative_formula = "diagonal: 1 - s_i; VJP: g_i - s_i sum_j g_j (s = softmax(x))";
  a.rowwise = true;
  a.gradient_note = kRowNote;
  a.reference = LogSoftmaxReference();
  a.fast = simd::LogSoftmax();
  a.cost = Cost::kHeavy;
  a.float64 = simd::LogSoftmax64();
  return a;
}

}  // namespace

Kernels SoftmaxReference() {
  return Kernels{&MapRows<&Element::s, float>, &SoftmaxDiagonal<float>, &SoftmaxVjp<float>};
}
Kernels LogSoftmaxReference() {
  return Kernels{&MapRows<&Element::log_s, float>, &MapRows<&Element::one_minus_s, float>, &LogSoftmaxVjp<float>};
}
Kernels64 SoftmaxLimits64() {
  return Kernels64{&MapRows<&Element::s, double>, &SoftmaxDiagonal<double>, &SoftmaxVjp<double>};
}
Kernels64 LogSoftmaxLimits64() {
  return Kernels64{&MapRows<&Element::log_s, double>, &MapRows<&Element::one_minus_s, double>,
                   &LogSoftmaxVjp<double>};
}

std::vector<Activation> Entries() {
  return {Softmax(), LogSoftmax()};
}

}  // namespace activation::softmax
