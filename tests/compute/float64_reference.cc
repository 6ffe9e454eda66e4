#include "tests/compute/float64_reference.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <random>

#include "compute/simd/target.h"

namespace activation::float64_reference {
namespace {

using Binary = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);
using Unary = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);
Big Apply(Binary f, const Big& a, const Big& b) {
  Big r;
  f(r.get(), a.get(), b.get(), MPFR_RNDN);
  return r;
}
Big Apply(Unary f, const Big& a) {
  Big r;
  f(r.get(), a.get(), MPFR_RNDN);
  return r;
}
Big operator+(const Big& a, const Big& b) { return Apply(mpfr_add, a, b); }
Big operator-(const Big& a, const Big& b) { return Apply(mpfr_sub, a, b); }
Big operator*(const Big& a, const Big& b) { return Apply(mpfr_mul, a, b); }
Big operator/(const Big& a, const Big& b) { return Apply(mpfr_div, a, b); }
Big Exp(const Big& a) { return Apply(mpfr_exp, a); }
Big Expm1(const Big& a) { return Apply(mpfr_expm1, a); }
Big Log1p(const Big& a) { return Apply(mpfr_log1p, a); }
Big Tanh(const Big& a) { return Apply(mpfr_tanh, a); }
Big Sech(const Big& a) { return Apply(mpfr_sech, a); }
Big Abs(const Big& a) { return Apply(mpfr_abs, a); }
Big Erfc(const Big& a) { return Apply(mpfr_erfc, a); }
Big Sqrt(const Big& a) { return Apply(mpfr_sqrt, a); }
Big Pi() {
  Big r;
  mpfr_const_pi(r.get(), MPFR_RNDN);
  return r;
}
Big Neg(const Big& a) { return Apply(mpfr_neg, a); }

// 1 / (1 + e^-z) written without overflow: (z >= 0 ? 1 : e) / (1 + e), e = e^-|z|.
Big Sigmoid(const Big& z) {
  const Big e = Exp(Neg(Abs(z)));
  return (mpfr_sgn(z.get()) >= 0 ? Big(1) : e) / (Big(1) + e);
}

// log(1 + e^z) = max(z, 0) + log1p(e^-|z|).
Big Softplus1(const Big& z) {
  const Big positive = mpfr_sgn(z.get()) > 0 ? z : Big(0);
  return positive + Log1p(Exp(Neg(Abs(z))));
}

// PyTorch's selu constants, to the digits it publishes.
const char* const kSeluAlpha = "1.6732632423543772848170429916717";
const char* const kSeluScale = "1.0507009873554804934193349852946";

std::int64_t OrderedKey(double d) {
  std::int64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits >= 0 ? bits : -(bits & INT64_MAX);
}

std::vector<std::string> ElementwiseNames() {
  std::vector<std::string> names;
  for (const Activation& a : Catalogue()) {
    if (!a.rowwise) names.emplace_back(a.name);
  }
  return names;
}

// A parameter set other than the defaults.
GivenParams NonDefault(std::string_view name) {
  if (name == "threshold") return {{"threshold", -1.5}, {"value", 3.0}};
  if (name == "step") return {{"threshold", 0.75}};
  if (name == "leaky_relu") return {{"negative_slope", -0.3}};
  if (name == "prelu") return {{"weight", 1.7}};
  if (name == "elu") return {{"alpha", 2.5}};
  if (name == "celu") return {{"alpha", 0.3}};
  if (name == "softplus") return {{"beta", 0.7}, {"threshold", 5.0}};
  if (name == "hardtanh") return {{"min_val", -0.5}, {"max_val", 2.0}};
  if (name == "softshrink" || name == "hardshrink") return {{"lambd", 1.25}};
  if (name == "gelu") return {{"approximate", 1.0}};
  return {};
}

std::vector<std::vector<double>> Rows() {
  std::mt19937_64 rng(64);
  std::vector<std::vector<double>> rows;
  for (std::size_t length : {1, 2, 3, 5, 8, 17, 64, 1000}) {
    for (double spread : {1e-12, 1.0, 30.0, 700.0, 1e5}) {
      std::uniform_real_distribution<double> value(-spread, spread);
      std::vector<double> row(length);
      for (double& v : row) v = value(rng) + 3.0;
      rows.push_back(row);
      if (length > 2) {
        row[1] = row[0];  // a tie
        row[2] = -INFINITY;
        rows.push_back(row);
      }
    }
  }
  return rows;
}

}  // namespace

Big Exact(std::string_view name, bool derivative, double x, const KernelArgs& args) {
  const auto& p = args.param;
  const Big X(x);
  const Big zero(0), one(1);
  if (name == "step") return derivative ? zero : (x > p[0] ? one : zero);
  if (name == "relu") return x > 0 ? (derivative ? one : X) : zero;
  if (name == "leaky_relu" || name == "prelu") {
    if (x > 0) return derivative ? one : X;
    return derivative ? Big(p[0]) : X * Big(p[0]);
  }
  if (name == "hardtanh" || name == "relu6") {
    const double lo = name == "relu6" ? 0.0 : p[0];
    const double hi = name == "relu6" ? 6.0 : p[1];
    if (derivative) return x > lo && x < hi ? one : zero;
    return x < lo ? Big(lo) : x > hi ? Big(hi) : X;
  }
  if (name == "hardsigmoid") {
    if (derivative) return x > -3 && x < 3 ? one / Big(6) : zero;
    return x <= -3 ? zero : x >= 3 ? one : (X + Big(3)) / Big(6);
  }
  if (name == "hardswish") {
    if (derivative) return x < -3 ? zero : x > 3 ? one : (X + Big(1.5)) / Big(3);
    return x <= -3 ? zero : x >= 3 ? X : X * (X + Big(3)) / Big(6);
  }
  if (name == "softshrink" || name == "hardshrink") {
    if (!(std::fabs(x) > p[0])) return zero;
    if (derivative) return one;
    return name == "hardshrink" ? X : X - Big(std::copysign(p[0], x));
  }
  if (name == "threshold") {
    if (x > p[0]) return derivative ? one : X;
    return derivative ? zero : Big(p[1]);
  }
  if (name == "sigmoid") {
    if (!derivative) return Sigmoid(X);
    const Big e = Exp(Neg(Abs(X)));
    return e / ((one + e) * (one + e));
  }
  if (name == "logsigmoid") return derivative ? Sigmoid(Neg(X)) : Neg(Softplus1(Neg(X)));
  if (name == "softplus") {
    const Big bx = X * Big(p[0]);
    if (mpfr_cmp_d(bx.get(), p[1]) > 0) return derivative ? one : X;
    return derivative ? Sigmoid(bx) : Softplus1(bx) / Big(p[0]);
  }
  if (name == "tanh") return derivative ? Sech(X) * Sech(X) : Tanh(X);
  if (name == "elu" || name == "celu" || name == "selu") {
    const Big alpha = name == "selu" ? Big::Decimal(kSeluAlpha) : Big(p[0]);
    const Big scale = name == "selu" ? Big::Decimal(kSeluScale) : one;
    const Big z = name == "celu" ? X / alpha : X;
    if (x > 0) return derivative ? scale : scale * X;
    if (derivative) return name == "celu" ? Exp(z) : scale * alpha * Exp(z);
    return scale * alpha * Expm1(z);
  }
  if (name == "softsign") {
    const Big q = one + Abs(X);
    if (derivative) return one / (q * q);
    return std::isinf(x) ? Big(std::copysign(1.0, x)) : X / q;
  }
  if (name == "silu" || name == "mish" || name == "gelu") {
    // All three are x times a factor that goes from 0 at -inf to 1 at +inf.
    if (std::isinf(x)) return x > 0 ? (derivative ? one : X) : zero;
  }
  if (name == "silu") return derivative ? Sigmoid(X) * (one + X * Sigmoid(Neg(X))) : X * Sigmoid(X);
  if (name == "mish") {
    const Big sp = Softplus1(X);
    if (!derivative) return X * Tanh(sp);
    return Tanh(sp) + X * Sigmoid(X) * Sech(sp) * Sech(sp);
  }
  if (name == "tanhshrink") {
    if (derivative) return Tanh(X) * Tanh(X);
    // Below 1e-10, x - tanh x would cancel more bits than MPFR carries: its
    // series x^3/3 - 2x^5/15 + 17x^7/315, the next term 1e-60 of the sum.
    if (std::fabs(x) >= 1e-10) return X - Tanh(X);
    const Big x2 = X * X;
    return X * x2 * (one / Big(3) - x2 * (Big(2) / Big(15) - x2 * Big(17) / Big(315)));
  }
  if (name == "gelu" && p[0] == 0) {
    const Big cdf = Erfc(Neg(X) / Sqrt(Big(2))) / Big(2);
    if (!derivative) return X * cdf;
    return cdf + X * Exp(Neg(X * X) / Big(2)) / Sqrt(Big(2) * Pi());
  }
  if (name == "gelu") {  // x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3)
    const Big c = Big::Decimal("0.044715");
    const Big root = Sqrt(Big(2) / Pi());
    const Big two_u = Big(2) * root * (X + c * X * X * X);
    if (!derivative) return X * Sigmoid(two_u);
    const Big e = Exp(Neg(Abs(two_u)));
    const Big slope = e / ((one + e) * (one + e));
    return Sigmoid(two_u) + Big(2) * X * root * (one + Big(3) * c * X * X) * slope;
  }
  std::fprintf(stderr, "no MPFR reference for %.*s\n", static_cast<int>(name.size()), name.data());
  std::abort();
}

void Worst::Fail(double at, double got_value, const std::string& what) {
  if (failures++ == 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "x=%.17g got %.17g: %s", at, got_value, what.c_str());
    first_failure = buf;
  }
}

void Compare(double x, double got, const Big& exact, Worst* worst) {
  if (std::isnan(x) || exact.IsNaN()) {
    if (!std::isnan(got)) worst->Fail(x, got, "expected NaN");
    return;
  }
  if (std::isnan(got)) return worst->Fail(x, got, "unexpected NaN");
  const double rounded = exact.Round();
  if (std::isinf(rounded) || std::fabs(rounded) >= DBL_MIN) {
    const std::int64_t d = OrderedKey(got) - OrderedKey(rounded);
    const std::int64_t ulp = d < 0 ? -d : d;
    if (ulp > worst->ulp) *worst = Worst{ulp, x, got, rounded, worst->failures, worst->first_failure};
    return;
  }
  const Big error = Abs(Big(got) - exact);
  if (mpfr_cmp_d(error.get(), DBL_MIN) >= 0) worst->Fail(x, got, "absolute error >= DBL_MIN near zero");
}

std::vector<double> Inputs(const KernelArgs& args) {
  std::vector<double> xs = {0.0, DBL_TRUE_MIN, DBL_MIN, 0.5, 1.0, 1.5, 2.0, 3.0, 6.0, 20.0, 40.0,
                            708.0, 710.0, 745.0, 1e10, 1e300, DBL_MAX, INFINITY, NAN};
  for (double p : args.param) xs.push_back(p);
  const std::size_t base = xs.size();
  for (std::size_t i = 0; i < base; ++i) {
    xs.push_back(std::nextafter(xs[i], INFINITY));
    xs.push_back(std::nextafter(xs[i], -INFINITY));
  }
  const std::size_t with_neighbours = xs.size();
  for (std::size_t i = 0; i < with_neighbours; ++i) xs.push_back(-xs[i]);
  std::mt19937_64 rng(21);
  std::uniform_int_distribution<std::uint64_t> pattern(0, 0x7fefffffffffffffULL);
  for (int i = 0; i < 40000; ++i) {
    std::uint64_t bits = pattern(rng) | (rng() & 1 ? 0x8000000000000000ULL : 0);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    xs.push_back(v);
  }
  std::uniform_real_distribution<double> near(-40.0, 40.0), far(-800.0, 800.0);
  for (int i = 0; i < 40000; ++i) xs.push_back(near(rng));
  for (int i = 0; i < 10000; ++i) xs.push_back(far(rng));
  return xs;
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const std::string& name : ElementwiseNames()) {
    cases.push_back({name, true});
    if (!NonDefault(name).empty()) cases.push_back({name, false});
  }
  return cases;
}

KernelArgs Args(const Activation& a, bool defaults) {
  GivenParams given = defaults ? GivenParams{} : NonDefault(a.name);
  if (defaults && a.name == "threshold") given = {{"threshold", 0.5}, {"value", -2.0}};
  KernelArgs args;
  if (!ResolveParams(a, given, &args).ok()) {
    std::fprintf(stderr, "%s: parameters rejected\n", a.name.data());
    std::abort();
  }
  return args;
}

std::vector<Worst> MeasureElementwise(const Activation& a, const KernelArgs& args, bool derivative,
                                      const std::vector<std::int64_t>& targets) {
  const std::vector<double> xs = Inputs(args);
  std::vector<Big> exact;
  exact.reserve(xs.size());
  for (double x : xs) exact.push_back(std::isnan(x) ? Big(NAN) : Exact(a.name, derivative, x, args));
  std::vector<Worst> worst(targets.size());
  std::vector<double> got(xs.size());
  for (std::size_t t = 0; t < targets.size(); ++t) {
    simd::TargetScope scope(targets[t]);
    (derivative ? a.float64.derivative : a.float64.forward)(xs.data(), got.data(), xs.size(), args);
    for (std::size_t i = 0; i < xs.size(); ++i) Compare(xs[i], got[i], exact[i], &worst[t]);
  }
  return worst;
}

ExactRow ExactRowOf(const std::vector<double>& x, const std::vector<double>& g) {
  // Sums of positive terms only: 1 + a tiny rest would not fit in 256 bits,
  // so S - e_i and log S are formed from the other terms and log1p.
  const std::size_t argmax = std::max_element(x.begin(), x.end()) - x.begin();
  const double m = x[argmax];
  std::vector<Big> e;
  for (double v : x) e.push_back(std::isinf(v) ? Big(0) : Exp(Big(v) - Big(m)));
  const auto sum_but = [&](std::size_t skip) {
    Big others(0);
    for (std::size_t j = 0; j < e.size(); ++j) {
      if (j != skip) others = others + e[j];
    }
    return others;
  };
  const Big rest = sum_but(argmax);
  const Big sum = Big(1) + rest;
  ExactRow r;
  Big dot(0), total(0), abs_dot(0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.s.push_back(e[i] / sum);
    r.one_minus_s.push_back(sum_but(i) / sum);
    r.softmax_diagonal.push_back(r.s[i] * r.one_minus_s[i]);
    r.log_s.push_back(std::isinf(x[i]) ? Big(-INFINITY) : (Big(x[i]) - Big(m)) - Log1p(rest));
    dot = dot + Big(g[i]) * r.s[i];
    abs_dot = abs_dot + Abs(Big(g[i])) * r.s[i];
    total = total + Big(g[i]);
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.softmax_vjp.push_back(r.s[i] * (Big(g[i]) - dot));
    r.log_softmax_vjp.push_back(Big(g[i]) - r.s[i] * total);
    r.vjp_scale.push_back((r.s[i] * (Abs(Big(g[i])) + abs_dot)).Round());
  }
  return r;
}

std::vector<RowCase> RowCases() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> gradient(-2.0, 2.0);
  std::vector<RowCase> cases;
  for (std::vector<double>& x : Rows()) {
    std::vector<double> g(x.size());
    for (double& v : g) v = gradient(rng);
    ExactRow exact = ExactRowOf(x, g);
    cases.push_back({std::move(x), std::move(g), std::move(exact)});
  }
  return cases;
}

std::vector<RowKernel> RowKernels() {
  const Activation* softmax = FindActivation("softmax");
  const Activation* log_softmax = FindActivation("log_softmax");
  if (softmax == nullptr || log_softmax == nullptr) {
    std::fprintf(stderr, "softmax and log_softmax must be in the catalogue\n");
    std::abort();
  }
  return {{"softmax", false, softmax->float64.forward, &ExactRow::s},
          {"softmax", true, softmax->float64.derivative, &ExactRow::softmax_diagonal},
          {"log_softmax", false, log_softmax->float64.forward, &ExactRow::log_s},
          {"log_softmax", true, log_softmax->float64.derivative, &ExactRow::one_minus_s}};
}

Worst MeasureRows(const RowKernel& row_kernel, const std::vector<RowCase>& rows) {
  Worst worst;
  for (const RowCase& row : rows) {
    KernelArgs args;
    args.row_length = row.x.size();
    std::vector<double> out(row.x.size());
    row_kernel.kernel(row.x.data(), out.data(), row.x.size(), args);
    const std::vector<Big>& exact = row.exact.*row_kernel.exact;
    for (std::size_t i = 0; i < row.x.size(); ++i) Compare(row.x[i], out[i], exact[i], &worst);
  }
  return worst;
}

}  // namespace activation::float64_reference
