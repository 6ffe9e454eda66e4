// The float64 kernels' reference (MPFR at 256 bits, far beyond double) and
// their one measurement: the inputs, the comparison in binary64 ULP and the
// worst case per SIMD target. Shared by tests/compute/float64_test.cc, which
// holds the kernels to a bound, and bench/accuracy/measure_float64, which
// publishes what the same measurement finds.
#pragma once

#include <mpfr.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compute/activation.h"
#include "compute/registry.h"

namespace activation::float64_reference {

constexpr mpfr_prec_t kPrecision = 256;

// An MPFR number with value semantics; every operation rounds to 256 bits.
class Big {
 public:
  Big() { mpfr_init2(v_, kPrecision); }
  explicit Big(double d) : Big() { mpfr_set_d(v_, d, MPFR_RNDN); }
  static Big Decimal(const char* s) {
    Big r;
    mpfr_set_str(r.v_, s, 10, MPFR_RNDN);
    return r;
  }
  Big(const Big& o) : Big() { mpfr_set(v_, o.v_, MPFR_RNDN); }
  Big& operator=(const Big& o) {
    mpfr_set(v_, o.v_, MPFR_RNDN);
    return *this;
  }
  ~Big() { mpfr_clear(v_); }
  mpfr_ptr get() { return v_; }
  mpfr_srcptr get() const { return v_; }
  double Round() const { return mpfr_get_d(v_, MPFR_RNDN); }
  bool IsNaN() const { return mpfr_nan_p(v_) != 0; }

 private:
  mpfr_t v_;
};

// The exact f(x) or f'(x) of the catalogue's definition (kink conventions
// included) for a non-NaN x of an elementwise function; args holds the
// resolved parameters. Aborts for a function it does not know.
Big Exact(std::string_view name, bool derivative, double x, const KernelArgs& args);

// The worst case of one kernel on one target, and the outputs that break
// the contract outright (a wrong NaN, an absolute error >= DBL_MIN near zero).
struct Worst {
  std::int64_t ulp = 0;
  double x = 0, got = 0, exact = 0;
  std::size_t failures = 0;
  std::string first_failure;
  void Fail(double at, double got_value, const std::string& what);
};

// NaN must give NaN; a normal (or overflowing) exact value is compared in
// ULPs with its correct rounding; a zero or subnormal one in absolute terms.
void Compare(double x, double got, const Big& exact, Worst* worst);

// Specials, kinks and their neighbours, every parameter and its neighbours,
// log-uniform doubles over the whole finite range, and uniform ones where
// the curved functions bend and where exp under- and overflows.
std::vector<double> Inputs(const KernelArgs& args);

// An elementwise function at its default parameters (threshold, which has
// none, at threshold 0.5, value -2) or at a non-default set.
struct Case {
  std::string name;
  bool defaults;
};
// Every elementwise function at its defaults, and at its non-default set where it has parameters.
std::vector<Case> Cases();
KernelArgs Args(const Activation& a, bool defaults);

// The worst case of a's float64 forward or derivative kernel over Inputs(args),
// one per target, in the order given.
std::vector<Worst> MeasureElementwise(const Activation& a, const KernelArgs& args, bool derivative,
                                      const std::vector<std::int64_t>& targets);

// --- softmax and log_softmax, per row ---------------------------------------

// The exact s_i, log s_i, s_i (1 - s_i), 1 - s_i and the VJPs of a row
// without specials (every x finite or -inf, at least one finite).
struct ExactRow {
  std::vector<Big> s, log_s, softmax_diagonal, one_minus_s, softmax_vjp, log_softmax_vjp;
  std::vector<double> vjp_scale;  // s_i (|g_i| + sum_j |g_j| s_j): what the VJP's subtraction can cancel
};

// A row, its output gradient and its exact values: rows of 1 to 1,000
// elements spread from 1e-12 to 1e5, with ties and -inf elements.
struct RowCase {
  std::vector<double> x, g;
  ExactRow exact;
};
std::vector<RowCase> RowCases();

// The forward and derivative (Jacobian diagonal) kernels of softmax and
// log_softmax, each with its exact row values.
struct RowKernel {
  std::string name;      // e.g. "softmax", "log_softmax"
  bool derivative;
  UnaryKernel64 kernel;
  const std::vector<Big> ExactRow::*exact;
};
std::vector<RowKernel> RowKernels();

// The worst case of one row kernel over every row on the current target.
Worst MeasureRows(const RowKernel& row_kernel, const std::vector<RowCase>& rows);

}  // namespace activation::float64_reference
