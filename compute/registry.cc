#include "compute/registry.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "compute/classic.h"
#include "compute/client_text.h"
#include "compute/exponential.h"
#include "compute/piecewise.h"
#include "compute/smooth.h"
#include "compute/simd/target.h"
#include "compute/softmax.h"

namespace activation {
namespace {

// Measured accuracy, rendered from the raw measurements by
// bench/accuracy/render_accuracy.py (float64: render_dtypes.py), so that no
// figure is typed in by hand.
struct MeasuredTarget {
  std::string_view target;
  double forward = -1;
  double derivative = -1;
};
struct MeasuredAccuracy {
  std::string_view name;
  double forward = -1;
  double derivative = -1;
  std::array<MeasuredTarget, 8> targets{};
};
constexpr MeasuredAccuracy kMeasured[] = {
#include "compute/accuracy_table.inc"
};

struct MeasuredFloat64 {
  std::string_view name;
  double forward = -1;
  double derivative = -1;
};
constexpr MeasuredFloat64 kMeasuredFloat64[] = {
#include "compute/float64_accuracy_table.inc"
};

Accuracy ToAccuracy(const MeasuredAccuracy& m) {
  Accuracy accuracy;
  accuracy.forward_max_ulp = m.forward;
  accuracy.derivative_max_ulp = m.derivative;
  for (const MeasuredTarget& t : m.targets) {
    if (!t.target.empty()) accuracy.targets.push_back({t.target, {t.forward, t.derivative}});
  }
  return accuracy;
}

std::vector<Activation> BuildCatalogue() {
  // The catalogue's order: the families in this order, each listing its own entries.
  std::vector<Activation> all;
  for (auto family : {classic::Entries, exponential::Entries, smooth::Entries, piecewise::Entries, softmax::Entries}) {
    for (Activation& a : family()) all.push_back(std::move(a));
  }
  const std::string problem = simd::ApplyTargetFromEnvironment();
  if (!problem.empty()) std::fprintf(stderr, "%s\n", problem.c_str());
  for (Activation& a : all) {
    // A programming error, caught by every test: no entry runs without its
    // own vector kernels (float and double lanes), and none falls back to its reference unnoticed.
    const bool vector_kernels = a.fast.forward != nullptr && a.fast.derivative != nullptr && a.fast.vjp != nullptr;
    const bool float64_kernels =
        a.float64.forward != nullptr && a.float64.derivative != nullptr && a.float64.vjp != nullptr;
    if (!vector_kernels || !float64_kernels) {
      std::fprintf(stderr, "activation catalogue: %.*s has no %s kernels (set Activation::%s)\n",
                   static_cast<int>(a.name.size()), a.name.data(), vector_kernels ? "float64" : "vector",
                   vector_kernels ? "float64" : "fast");
      std::abort();
    }
    for (const MeasuredAccuracy& m : kMeasured) {
      if (m.name == a.name) a.accuracy = ToAccuracy(m);
    }
    for (const MeasuredFloat64& m : kMeasuredFloat64) {
      if (m.name == a.name) a.accuracy.float64 = {m.forward, m.derivative};
    }
  }
  return all;
}

bool InRange(const ParamSpec& s, double v) {
  if (!std::isfinite(v)) return false;
  if (s.min_inclusive ? v < s.min : v <= s.min) return false;
  if (s.max_inclusive ? v > s.max : v >= s.max) return false;
  for (double excluded : s.excluded) {
    if (v == excluded) return false;
  }
  return true;
}

}  // namespace

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  for (int digits = 1; digits <= 17; ++digits) {  // shortest form that reads back as v
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

UlpFigures AccuracyOnCurrentTarget(const Accuracy& accuracy) {
  const std::string current = simd::TargetName(simd::CurrentTarget());
  for (const TargetAccuracy& t : accuracy.targets) {
    if (t.target == current) return t.ulp;
  }
  return {accuracy.forward_max_ulp, accuracy.derivative_max_ulp};
}

const std::vector<Activation>& Catalogue() {
  static const std::vector<Activation> catalogue = BuildCatalogue();
  return catalogue;
}

const Activation* FindActivation(std::string_view name) {
  for (const Activation& a : Catalogue()) {
    if (a.name == name) return &a;
    for (std::string_view alias : a.aliases) {
      if (alias == name) return &a;
    }
  }
  return nullptr;
}

std::string CatalogueNames() {
  std::string names;
  for (const Activation& a : Catalogue()) {
    if (!names.empty()) names += ", ";
    names += a.name;
  }
  return names;
}

Status ResolveActivation(std::string_view name, const Activation** found) {
  if (name.empty()) {
    return Status::InvalidArgument("activation: must not be empty; valid names: " + CatalogueNames());
  }
  *found = FindActivation(name);
  if (*found == nullptr) {
    return Status::InvalidArgument("activation: unknown activation '" + ClientText(name) +
                                   "'; valid names: " + CatalogueNames());
  }
  return Status();
}

std::string DescribeRange(const ParamSpec& s) {
  std::string range = std::string(s.min_inclusive && std::isfinite(s.min) ? "[" : "(") +
                      FormatNumber(s.min) + ", " + FormatNumber(s.max) +
                      (s.max_inclusive && std::isfinite(s.max) ? "]" : ")");
  for (double excluded : s.excluded) range += ", != " + FormatNumber(excluded);
  return range + ", finite";
}

Status ResolveParams(const Activation& activation, const GivenParams& given, KernelArgs* args) {
  const std::string prefix = "params: " + std::string(activation.name) + ".";
  bool seen[kMaxParams] = {};
  for (std::size_t i = 0; i < activation.params.size(); ++i) {
    args->param[i] = activation.params[i].default_value;
  }
  for (const auto& [name, value] : given) {
    std::size_t i = 0;
    while (i < activation.params.size() && activation.params[i].name != name) ++i;
    if (i == activation.params.size()) {
      std::string valid;
      for (const ParamSpec& s : activation.params) valid += (valid.empty() ? "" : ", ") + std::string(s.name);
      return Status::InvalidArgument(prefix + ClientText(name) + ": unknown parameter; " +
                                     (valid.empty() ? std::string(activation.name) + " takes no parameters"
                                                    : "valid parameters: " + valid));
    }
    const ParamSpec& spec = activation.params[i];
    if (!InRange(spec, value)) {
      return Status::InvalidArgument(prefix + std::string(name) + ": value " + FormatNumber(value) +
                                     " is out of range; valid range: " + DescribeRange(spec));
    }
    args->param[i] = value;
    seen[i] = true;
  }
  for (std::size_t i = 0; i < activation.params.size(); ++i) {
    if (activation.params[i].required && !seen[i]) {
      return Status::InvalidArgument(prefix + std::string(activation.params[i].name) +
                                     ": required parameter is missing; valid range: " +
                                     DescribeRange(activation.params[i]));
    }
  }
  if (activation.check_params != nullptr) {
    const std::string problem = activation.check_params(*args);
    if (!problem.empty()) return Status::InvalidArgument("params: " + std::string(activation.name) + ": " + problem);
  }
  return Status();
}

}  // namespace activation
