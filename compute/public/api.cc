// The public API (include/activation/compute.h) over the compute library's
// catalogue and Compute(): the only file that sees both, so internal types
// never reach the installed headers.
#include "activation/compute.h"

#include <string>
#include <utility>

#include "compute/activation.h"
#include "compute/compute.h"
#include "compute/registry.h"
#include "compute/simd/target.h"

namespace activation::api {
namespace {

std::vector<std::string> Strings(const std::vector<std::string_view>& views) {
  return {views.begin(), views.end()};
}

AccuracyInfo ToAccuracy(const activation::Accuracy& accuracy) {
  AccuracyInfo info{{accuracy.forward_max_ulp, accuracy.derivative_max_ulp}, {}};
  for (const activation::TargetAccuracy& t : accuracy.targets) {
    info.targets.push_back({std::string(t.target), {t.ulp.forward, t.ulp.derivative}});
  }
  return info;
}

ParameterInfo ToParameter(const ParamSpec& spec) {
  ParameterInfo p;
  p.name = spec.name;
  p.description = spec.description;
  p.default_value = spec.default_value;
  p.required = spec.required;
  p.min = spec.min;
  p.max = spec.max;
  p.min_inclusive = spec.min_inclusive;
  p.max_inclusive = spec.max_inclusive;
  p.excluded = spec.excluded;
  p.range = DescribeRange(spec);
  return p;
}

std::vector<ActivationInfo> BuildCatalogue() {
  std::vector<ActivationInfo> all;
  for (const activation::Activation& a : activation::Catalogue()) {
    ActivationInfo info;
    info.name = a.name;
    info.aliases = Strings(a.aliases);
    info.description = a.description;
    info.formula = a.formula;
    info.derivative_formula = a.derivative_formula;
    for (const ParamSpec& spec : a.params) info.parameters.push_back(ToParameter(spec));
    info.rowwise = a.rowwise;
    info.accuracy = ToAccuracy(a.accuracy);
    all.push_back(std::move(info));
  }
  return all;
}

Status FromStatus(const activation::Status& status) {
  return status.ok() ? Status() : Status::Error(status.message());
}

}  // namespace

const char* Version() { return ACTIVATION_COMPUTE_VERSION; }

const std::vector<ActivationInfo>& Catalogue() {
  static const std::vector<ActivationInfo> catalogue = BuildCatalogue();
  return catalogue;
}

const ActivationInfo* Find(std::string_view name_or_alias) {
  const activation::Activation* found = FindActivation(name_or_alias);
  if (found == nullptr) return nullptr;
  return &Catalogue()[static_cast<std::size_t>(found - activation::Catalogue().data())];
}

std::string ActiveTarget() { return simd::TargetName(simd::CurrentTarget()); }

Status Function::Make(std::string_view name, const std::vector<Param>& params, Function* out) {
  const activation::Activation* found = nullptr;
  Status status = FromStatus(ResolveActivation(name, &found));
  if (!status.ok()) return status;
  GivenParams given;
  for (const Param& p : params) given.emplace_back(p.name, p.value);
  KernelArgs args;
  status = FromStatus(ResolveParams(*found, given, &args));
  if (!status.ok()) return status;
  out->index_ = static_cast<std::size_t>(found - activation::Catalogue().data());
  out->values_.assign(args.param.begin(), args.param.begin() + found->params.size());
  return Status();
}

const ActivationInfo& Function::info() const { return Catalogue()[index_]; }

namespace {

// Checks the sizes against x and runs `mode`; grad_output only for kVjp.
Status Run(std::size_t index, const std::vector<double>& values, Mode mode, Span<const float> x,
           Span<const float> grad_output, Span<float> out, std::size_t row_length) {
  if (index == static_cast<std::size_t>(-1)) return Status::Error("function: not made (use Function::Make)");
  const activation::Activation& a = activation::Catalogue()[index];
  const std::string name(a.name);
  if (out.size() != x.size()) {
    return Status::Error(name + ": out has " + std::to_string(out.size()) + " elements, x has " +
                         std::to_string(x.size()));
  }
  if (mode == Mode::kVjp && grad_output.size() != x.size()) {
    return Status::Error(name + ": grad_output has " + std::to_string(grad_output.size()) +
                         " elements, x has " + std::to_string(x.size()));
  }
  if (x.empty()) return Status();
  KernelArgs args;
  for (std::size_t i = 0; i < values.size(); ++i) args.param[i] = values[i];
  if (a.rowwise) {
    args.row_length = row_length == 0 ? x.size() : row_length;
    if (x.size() % args.row_length != 0) {
      return Status::Error(name + ": " + std::to_string(x.size()) + " elements are not rows of " +
                           std::to_string(row_length));
    }
  }
  activation::Compute(a, mode, args, x.data(), grad_output.data(), out.data(), x.size());
  return Status();
}

}  // namespace

Status Function::Forward(Span<const float> x, Span<float> out, std::size_t row_length) const {
  return Run(index_, values_, Mode::kForward, x, {}, out, row_length);
}

Status Function::Derivative(Span<const float> x, Span<float> out, std::size_t row_length) const {
  return Run(index_, values_, Mode::kDerivative, x, {}, out, row_length);
}

Status Function::Vjp(Span<const float> x, Span<const float> grad_output, Span<float> out,
                     std::size_t row_length) const {
  return Run(index_, values_, Mode::kVjp, x, grad_output, out, row_length);
}

}  // namespace activation::api
