// Independent reference formulas for every activation, written from the
// mathematics (PyTorch's definitions and kink conventions), NOT from the
// library. Each formula is a template so that it can be evaluated in long
// double (the tests, measure_accuracy) or in double (the 2^32 sweep screens
// in double and confirms every suspicious input in long double).
#pragma once

#include <string_view>
#include <vector>

namespace activation::accuracy {

// One elementwise function. `p` holds the parameter values in the order of
// `param_names` (the reference's own order; the harness passes them to the
// library by name).
struct ReferenceFunction {
  std::string_view name;
  std::vector<std::string_view> param_names;
  // Parameter sets to measure; the first is PyTorch's default.
  std::vector<std::vector<double>> param_sets;
  long double (*forward)(long double x, const double* p);
  long double (*derivative)(long double x, const double* p);
  double (*forward_double)(double x, const double* p);
  double (*derivative_double)(double x, const double* p);
  // Points where the function or its derivative switches form.
  std::vector<double> (*kinks)(const double* p);
};

// Row-wise functions (softmax, log_softmax): out[i] for a whole row.
enum class RowMode { kForward, kJacobianDiagonal };
struct ReferenceRowFunction {
  std::string_view name;
  void (*evaluate)(const float* row, std::size_t length, RowMode mode, long double* out);
  // out[i] = sum_j g[j] dy_j/dx_i.
  void (*vjp)(const float* row, const float* g, std::size_t length, long double* out);
};

const std::vector<ReferenceFunction>& ReferenceFunctions();
const std::vector<ReferenceRowFunction>& ReferenceRowFunctions();
const ReferenceFunction* FindReference(std::string_view name);
const ReferenceRowFunction* FindRowReference(std::string_view name);

}  // namespace activation::accuracy
