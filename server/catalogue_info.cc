#include "server/catalogue_info.h"

#include "compute/dtype.h"
#include "compute/registry.h"
#include "compute/simd/target.h"

namespace activation::server {
namespace {

constexpr const char* kAccuracyMethod =
    "max error in float32 ULP against a long double reference of the formula, over the special "
    "values and >= 10^6 inputs log-uniform over the whole float range, both signs, wherever the true "
    "result is a normal float, on every SIMD target the binary carries; the published figure also "
    "covers the exhaustive sweeps of all 2^32 inputs";

// float16 and bfloat16: the tables of compute/narrow.cc, whose exactness
// tests/compute/narrow_test.cc checks on every input and target; float64:
// the vector kernels in double lanes (every function has them).
void AddDtypeAccuracy(const Activation& a, v1::AccuracyInfo* accuracy) {
  const bool tabled = NarrowTableParams(a) != nullptr;
  for (v1::DataType dtype : {v1::DATA_TYPE_FLOAT16, v1::DATA_TYPE_BFLOAT16}) {
    v1::DtypeAccuracy* figures = accuracy->add_dtypes();
    figures->set_dtype(dtype);
    figures->set_forward_max_ulp(tabled ? 0 : -1);
    figures->set_derivative_max_ulp(tabled ? 0 : -1);
    figures->set_method(tabled ? "correctly rounded at the default parameters: every one of the 65,536 inputs, "
                                 "forward and derivative, on every SIMD target, against a long double reference; "
                                 "other parameters: the float32 answer rounded to the type"
                               : "not measured: the float32 answer rounded to the type");
  }
  // float64: measured, and held by tests/compute/float64_test.cc on every target.
  v1::DtypeAccuracy* wide = accuracy->add_dtypes();
  wide->set_dtype(v1::DATA_TYPE_FLOAT64);
  wide->set_forward_max_ulp(a.accuracy.float64.forward);
  wide->set_derivative_max_ulp(a.accuracy.float64.derivative);
  wide->set_method("max error in binary64 ULP against MPFR (256-bit) at the default parameters, wherever the exact "
                   "value is a normal double, over the special values, the kinks and 90,000 inputs log-uniform over "
                   "the whole double range and uniform in [-800, 800] (softmax and log_softmax: over rows; "
                   "derivative: the Jacobian diagonal), the worst over every SIMD target the binary carries; "
                   "every function is held to at most 4 ULP");
}

v1::ListActivationsResponse Build() {
  v1::ListActivationsResponse response;
  for (const Activation& a : Catalogue()) {
    v1::ActivationInfo* info = response.add_activations();
    info->set_name(std::string(a.name));
    for (std::string_view alias : a.aliases) info->add_aliases(std::string(alias));
    info->set_formula(std::string(a.formula));
    info->set_derivative_formula(std::string(a.derivative_formula));
    info->set_description(std::string(a.description));
    info->set_rowwise(a.rowwise);
    info->set_gradient_note(std::string(a.gradient_note));
    for (const ParamSpec& p : a.params) {
      v1::ParameterInfo* param = info->add_parameters();
      param->set_name(std::string(p.name));
      param->set_default_value(p.default_value);
      param->set_min(p.min);
      param->set_max(p.max);
      param->set_min_inclusive(p.min_inclusive);
      param->set_max_inclusive(p.max_inclusive);
      param->set_required(p.required);
      param->set_description(std::string(p.description));
      param->set_range(DescribeRange(p));
    }
    v1::AccuracyInfo* accuracy = info->mutable_accuracy();
    accuracy->set_forward_max_ulp(a.accuracy.forward_max_ulp);
    accuracy->set_derivative_max_ulp(a.accuracy.derivative_max_ulp);
    accuracy->set_method(kAccuracyMethod);
    for (const TargetAccuracy& t : a.accuracy.targets) {
      v1::TargetAccuracy* target = accuracy->add_targets();
      target->set_target(std::string(t.target));
      target->set_forward_max_ulp(t.ulp.forward);
      target->set_derivative_max_ulp(t.ulp.derivative);
    }
    AddDtypeAccuracy(a, accuracy);
    const UlpFigures here = AccuracyOnCurrentTarget(a.accuracy);
    v1::TargetAccuracy* this_server = accuracy->mutable_this_server();
    this_server->set_target(simd::TargetName(simd::CurrentTarget()));
    this_server->set_forward_max_ulp(here.forward);
    this_server->set_derivative_max_ulp(here.derivative);
  }
  response.set_simd_target(simd::TargetName(simd::CurrentTarget()));
  return response;
}

}  // namespace

const v1::ListActivationsResponse& CatalogueResponse() {
  static const v1::ListActivationsResponse response = Build();
  return response;
}

}  // namespace activation::server
