#include "tests/compute/harness.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>

#include "compute/registry.h"

namespace activation::accuracy {
namespace {

std::int64_t OrderedKey(float f) {
  std::int32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits >= 0 ? std::int64_t{bits} : -std::int64_t{bits & 0x7fffffff};
}

std::string Show(long double v) {
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

}  // namespace

long double ReferenceArgument(float x) {
  return std::isinf(x) ? std::copysign(1e100L, static_cast<long double>(x)) : x;
}

std::int64_t UlpDistance(float a, float b) {
  const std::int64_t d = OrderedKey(a) - OrderedKey(b);
  return d < 0 ? -d : d;
}

Comparison Compare(float got, long double exact) {
  Comparison c;
  if (std::isnan(exact) || std::isnan(got)) {
    c.ok = std::isnan(exact) && std::isnan(got);
    return c;
  }
  const float rounded = static_cast<float>(exact);
  if (std::fabs(rounded) >= FLT_MIN) {
    c.counted = true;
    c.ulp = UlpDistance(got, rounded);
    return c;
  }
  c.ok = std::fabs(static_cast<long double>(got) - exact) < FLT_MIN;
  return c;
}

namespace {
// Among equal errors the input with the lower bit pattern is reported, so
// that a sweep split over threads reports the same case every run.
bool ReplacesWorst(std::int64_t ulp, float in, const Worst& worst) {
  if (ulp != worst.ulp) return ulp > worst.ulp;
  std::uint32_t a, b;
  std::memcpy(&a, &in, sizeof a);
  std::memcpy(&b, &worst.x, sizeof b);
  return a < b;
}
}  // namespace

void Worst::Add(const Comparison& c, float in, float out, long double ex, const std::string& p) {
  if (!c.ok) {
    if (failures++ == 0) {
      first_failure = "x=" + Show(in) + " got " + Show(out) + " expected " + Show(ex) +
                      (p.empty() ? "" : " (" + p + ")");
    }
    return;
  }
  if (c.counted && ReplacesWorst(c.ulp, in, *this)) {
    ulp = c.ulp;
    x = in;
    got = out;
    exact = ex;
    params = p;
  }
}

void Worst::Merge(const Worst& o) {
  if (ReplacesWorst(o.ulp, o.x, *this)) {
    ulp = o.ulp;
    x = o.x;
    got = o.got;
    exact = o.exact;
    params = o.params;
  }
  if (failures == 0) first_failure = o.first_failure;
  failures += o.failures;
}

std::vector<float> SpecialValues() {
  const float inf = std::numeric_limits<float>::infinity();
  const float magnitudes[] = {0.0f, std::numeric_limits<float>::denorm_min(), 1e-40f, FLT_MIN,
                              1e-30f, 1e-7f, 0.5f, 1.0f, 3.0f, 6.0f, 8.5f, 9.0f, 20.0f, 88.7f, 89.0f,
                              100.0f, 1e10f, FLT_MAX, inf};
  std::vector<float> values;
  for (float m : magnitudes) {
    values.push_back(m);
    values.push_back(-m);
  }
  values.push_back(std::numeric_limits<float>::quiet_NaN());
  values.push_back(-std::numeric_limits<float>::quiet_NaN());
  return values;
}

std::vector<float> LogUniform(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> pattern(0, 0x7f7fffffu);  // +0 .. FLT_MAX
  std::vector<float> values(n);
  for (float& v : values) {
    std::uint32_t bits = pattern(rng) | (rng() & 1 ? 0x80000000u : 0u);
    std::memcpy(&v, &bits, sizeof v);
  }
  return values;
}

std::vector<float> UniformBetween(std::size_t n, float low, float high, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> between(low, high);
  std::vector<float> values(n);
  for (float& v : values) v = between(rng);
  return values;
}

std::string DescribeParams(const ReferenceFunction& ref, const std::vector<double>& values) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) {
    s += (s.empty() ? "" : ",") + std::string(ref.param_names[i]) + "=" + Show(values[i]);
  }
  return s;
}

KernelArgs ResolveForTest(const Activation& activation, const ReferenceFunction& ref,
                          const std::vector<double>& values) {
  GivenParams given;
  for (std::size_t i = 0; i < values.size(); ++i) given.emplace_back(ref.param_names[i], values[i]);
  KernelArgs args;
  const Status status = ResolveParams(activation, given, &args);
  if (!status.ok()) {
    std::fprintf(stderr, "reference parameters rejected by the library: %s\n", status.message().c_str());
    std::abort();
  }
  return args;
}

Measurement MeasureElementwise(const Activation& activation, const Kernels& kernels,
                               const ReferenceFunction& ref, const std::vector<double>& params,
                               const std::vector<float>& inputs) {
  const KernelArgs args = ResolveForTest(activation, ref, params);
  const std::string described = DescribeParams(ref, params);
  std::vector<float> forward(inputs.size()), derivative(inputs.size());
  kernels.forward(inputs.data(), forward.data(), inputs.size(), args);
  kernels.derivative(inputs.data(), derivative.data(), inputs.size(), args);
  Measurement m;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const float x = inputs[i];
    const long double nan = std::numeric_limits<long double>::quiet_NaN();
    const long double at = ReferenceArgument(x);
    const long double f = std::isnan(x) ? nan : ref.forward(at, params.data());
    const long double d = std::isnan(x) ? nan : ref.derivative(at, params.data());
    m.forward.Add(Compare(forward[i], f), x, forward[i], f, described);
    m.derivative.Add(Compare(derivative[i], d), x, derivative[i], d, described);
  }
  return m;
}

Measurement MeasureRows(const Activation& activation, const Kernels& kernels,
                        const ReferenceRowFunction& ref, const std::vector<float>& rows,
                        std::size_t row_length) {
  KernelArgs args;
  args.row_length = row_length;
  std::vector<float> forward(rows.size()), derivative(rows.size());
  kernels.forward(rows.data(), forward.data(), rows.size(), args);
  kernels.derivative(rows.data(), derivative.data(), rows.size(), args);
  std::vector<long double> f(row_length), d(row_length);
  Measurement m;
  const std::string described = "row_length=" + std::to_string(row_length);
  for (std::size_t start = 0; start + row_length <= rows.size(); start += row_length) {
    ref.evaluate(&rows[start], row_length, RowMode::kForward, f.data());
    ref.evaluate(&rows[start], row_length, RowMode::kJacobianDiagonal, d.data());
    for (std::size_t i = 0; i < row_length; ++i) {
      const std::size_t k = start + i;
      m.forward.Add(Compare(forward[k], f[i]), rows[k], forward[k], f[i], described);
      m.derivative.Add(Compare(derivative[k], d[i]), rows[k], derivative[k], d[i], described);
    }
  }
  (void)activation;
  return m;
}

namespace {

// Inputs for one parameter set: specials, each kink and its neighbours, random.
std::vector<float> StandardInputs(const ReferenceFunction& ref, const std::vector<double>& params,
                                  const std::vector<float>& random) {
  std::vector<float> inputs = SpecialValues();
  for (double kink : ref.kinks(params.data())) {
    const float k = static_cast<float>(kink);
    const float inf = std::numeric_limits<float>::infinity();
    for (float v : {k, std::nextafter(k, inf), std::nextafter(k, -inf), std::nextafter(std::nextafter(k, inf), inf),
                    std::nextafter(std::nextafter(k, -inf), -inf)}) {
      inputs.push_back(v);
    }
  }
  inputs.insert(inputs.end(), random.begin(), random.end());
  return inputs;
}

Measurement MeasureStandardRows(const Activation& activation, const Kernels& kernels,
                                const ReferenceRowFunction& ref, std::size_t random_count) {
  Measurement total;
  // Every pair of special values as a row of two.
  const std::vector<float> specials = SpecialValues();
  std::vector<float> pairs;
  for (float a : specials) {
    for (float b : specials) {
      pairs.push_back(a);
      pairs.push_back(b);
    }
  }
  total.Merge(MeasureRows(activation, kernels, ref, pairs, 2));
  // Half the budget over the whole float range, half over [-30, 30] where
  // many elements of a row matter; several row lengths.
  const std::size_t lengths[] = {1, 3, 8, 33};
  for (std::size_t length : lengths) {
    const std::size_t count = random_count / 8 / length * length;
    std::vector<float> wide = LogUniform(count, 7 + length);
    total.Merge(MeasureRows(activation, kernels, ref, wide, length));
    const std::vector<float> narrow = UniformBetween(count, -30.0f, 30.0f, 20261127 + length);
    total.Merge(MeasureRows(activation, kernels, ref, narrow, length));
  }
  return total;
}

}  // namespace

Measurement MeasureStandard(const Activation& activation, const Kernels& kernels, std::size_t random_count) {
  Measurement total;
  if (const ReferenceRowFunction* row_ref = FindRowReference(activation.name)) {
    return MeasureStandardRows(activation, kernels, *row_ref, random_count);
  }
  const ReferenceFunction* ref = FindReference(activation.name);
  if (ref == nullptr) {
    total.forward.failures = total.derivative.failures = 1;
    total.forward.first_failure = total.derivative.first_failure =
        "no reference for '" + std::string(activation.name) + "' in tests/compute/reference.cc";
    return total;
  }
  // The full count for the default parameters, a tenth for each other set:
  // they exercise the parameter paths, the defaults carry the statistics.
  // Log-uniform inputs put only ~1% of their mass in [-16, 16], where the
  // roots of the derivatives and the switches between formulas lie: half as
  // many again uniformly there, with the default parameters.
  std::vector<float> random = LogUniform(random_count, 20261127);
  const std::vector<float> fewer(random.begin(), random.begin() + random_count / 10);
  const std::vector<float> moderate = UniformBetween(random_count / 2, -16.0f, 16.0f, 20261128);
  random.insert(random.end(), moderate.begin(), moderate.end());
  for (const std::vector<double>& params : ref->param_sets) {
    const bool defaults = &params == &ref->param_sets.front();
    total.Merge(MeasureElementwise(activation, kernels, *ref, params,
                                   StandardInputs(*ref, params, defaults ? random : fewer)));
  }
  return total;
}

}  // namespace activation::accuracy

namespace activation::accuracy {

CatalogueMeasurement MeasureForCatalogue(const Activation& activation, std::size_t random_count) {
  CatalogueMeasurement m;
  m.reference = MeasureStandard(activation, activation.reference, random_count);
  m.fast = MeasureStandard(activation, activation.fast, random_count);
  return m;
}

}  // namespace activation::accuracy
