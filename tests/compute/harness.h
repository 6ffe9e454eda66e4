// Measures an activation's kernels against the independent reference
// (tests/compute/reference.h): max ULP error over the special values, the
// kinks and 10^6 log-uniform inputs. Shared by the tests and by
// bench/accuracy/measure_accuracy, so the published figures come from the
// tested measurement. The one ULP distance of the tests is here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compute/activation.h"
#include "tests/compute/reference.h"

namespace activation::accuracy {

// Distance in representable floats (+0 and -0 coincide; +inf is one past FLT_MAX).
std::int64_t UlpDistance(float a, float b);

// How one output compares with the exact value. ULP errors count only where
// the correctly rounded exact value is a normal float or an overflow to inf;
// elsewhere (zero, subnormal) the absolute error must stay below FLT_MIN.
// NaN must match NaN exactly.
struct Comparison {
  bool ok = true;          // false: NaN mismatch or a wrong subnormal/zero result
  bool counted = false;    // part of the ULP statistics
  std::int64_t ulp = 0;
};
Comparison Compare(float got, long double exact);

// Where the reference is evaluated for input x: x itself, or +-1e100 for
// +-inf (beyond FLT_MAX every function has reached its limit to float
// precision, and formulas such as x * erfc(x) do not become inf * 0).
long double ReferenceArgument(float x);

// Worst case seen in one mode (among equal errors, the lowest bit pattern of x).
struct Worst {
  std::int64_t ulp = 0;
  float x = 0;              // input where it occurs (first element of the row for row-wise)
  float got = 0;
  long double exact = 0;
  std::string params;       // parameter set, e.g. "alpha=0.5"
  std::size_t failures = 0; // Comparison::ok == false
  std::string first_failure;
  void Add(const Comparison& c, float x, float got, long double exact, const std::string& params);
  void Merge(const Worst& other);
};

struct Measurement {
  Worst forward;
  Worst derivative;
  void Merge(const Measurement& other) {
    forward.Merge(other.forward);
    derivative.Merge(other.derivative);
  }
};

// The special values: +-0, +-denormal, +-FLT_MIN, ..., +-inf, NaN.
std::vector<float> SpecialValues();
// n inputs uniform over the bit patterns of finite floats, both signs
// (log-uniform over the whole range), from a fixed seed.
std::vector<float> LogUniform(std::size_t n, std::uint64_t seed);

// n values uniform in [low, high), from a fixed seed.
std::vector<float> UniformBetween(std::size_t n, float low, float high, std::uint64_t seed);

// The library's parameters for a reference parameter set, e.g. {{"alpha", 0.5}}.
KernelArgs ResolveForTest(const Activation& activation, const ReferenceFunction& ref,
                          const std::vector<double>& values);
std::string DescribeParams(const ReferenceFunction& ref, const std::vector<double>& values);

// Measures `kernels` of `activation` over the standard inputs (specials,
// kinks, `random_count` log-uniform values plus half as many uniform in
// [-16, 16]; a tenth of the log-uniform ones for the
// non-default parameter sets) for every reference parameter set; row-wise
// functions over the standard rows.
Measurement MeasureStandard(const Activation& activation, const Kernels& kernels,
                            std::size_t random_count = 1000000);

// Elementwise: measure over `inputs` for one parameter set.
Measurement MeasureElementwise(const Activation& activation, const Kernels& kernels,
                               const ReferenceFunction& ref, const std::vector<double>& params,
                               const std::vector<float>& inputs);

// Row-wise: `rows` concatenated, each of length `row_length`.
Measurement MeasureRows(const Activation& activation, const Kernels& kernels,
                        const ReferenceRowFunction& ref, const std::vector<float>& rows,
                        std::size_t row_length);

}  // namespace activation::accuracy

namespace activation::accuracy {

// A catalogue entry's `reference` kernels and its `fast` kernels on the
// target dispatch uses now (the service runs `fast`), by MeasureStandard.
struct CatalogueMeasurement {
  Measurement reference;
  Measurement fast;
};
CatalogueMeasurement MeasureForCatalogue(const Activation& activation, std::size_t random_count = 1000000);

}  // namespace activation::accuracy
