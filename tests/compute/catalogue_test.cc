// The catalogue's shape and semantics: names, defaults, parameter checks,
// NaN propagation, limits at +-inf, PyTorch's kink conventions, and the
// places where PyTorch's float kernels lose accuracy.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <string_view>

#include "compute/compute.h"
#include "compute/registry.h"
#include "tests/compute/harness.h"
#include "tests/compute/reference.h"
#include "tests/compute/test_util.h"

namespace activation::testing {
namespace {

using accuracy::FindReference;
using accuracy::UlpDistance;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Parameters every entry accepts: the reference's first set (PyTorch's
// defaults, or example values where parameters are required).
GivenParams TypicalParams(const Activation& a) {
  GivenParams given;
  if (const auto* ref = FindReference(a.name)) {
    for (std::size_t i = 0; i < ref->param_names.size(); ++i) {
      given.emplace_back(ref->param_names[i], ref->param_sets.front()[i]);
    }
  }
  return given;
}

TEST(Catalogue, NamesAreUniqueLowerSnakeCaseAndEntriesComplete) {
  std::set<std::string_view> seen;
  for (const Activation& a : Catalogue()) {
    for (std::string_view n : a.aliases) EXPECT_TRUE(seen.insert(n).second) << n;
    EXPECT_TRUE(seen.insert(a.name).second) << a.name;
    for (char c : a.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << a.name;
    EXPECT_FALSE(a.formula.empty()) << a.name;
    EXPECT_FALSE(a.derivative_formula.empty()) << a.name;
    for (const Kernels* k : {&a.reference, &a.fast}) {
      EXPECT_NE(k->forward, nullptr) << a.name;
      EXPECT_NE(k->derivative, nullptr) << a.name;
      EXPECT_NE(k->vjp, nullptr) << a.name;
    }
    // Every entry runs its own vector kernels, never its reference in their place.
    EXPECT_NE(a.fast.forward, a.reference.forward) << a.name;
    EXPECT_NE(a.fast.derivative, a.reference.derivative) << a.name;
    EXPECT_NE(a.fast.vjp, a.reference.vjp) << a.name;
    EXPECT_EQ(a.rowwise, !a.gradient_note.empty()) << a.name << ": row-wise entries explain their gradient";
    EXPECT_LE(a.params.size(), kMaxParams) << a.name;
  }
  // The catalogue and the independent references (tests/compute/reference.cc) name the same
  // functions: an entry left out of its family's Entries() fails here, with no count to keep.
  std::set<std::string_view> entries, references;
  for (const Activation& a : Catalogue()) entries.insert(a.name);
  for (const auto& r : accuracy::ReferenceFunctions()) references.insert(r.name);
  for (const auto& r : accuracy::ReferenceRowFunctions()) references.insert(r.name);
  EXPECT_EQ(entries, references);
  EXPECT_EQ(FindActivation("swish"), FindActivation("silu"));
}

// PyTorch's defaults, as the reference states them independently.
TEST(Catalogue, DefaultsArePyTorchs) {
  for (const Activation& a : Catalogue()) {
    const auto* ref = FindReference(a.name);
    if (ref == nullptr) continue;  // row-wise: no parameters
    ASSERT_EQ(a.params.size(), ref->param_names.size()) << a.name;
    for (std::size_t i = 0; i < a.params.size(); ++i) {
      EXPECT_EQ(a.params[i].name, ref->param_names[i]) << a.name;
      if (!a.params[i].required) {
        EXPECT_EQ(a.params[i].default_value, ref->param_sets.front()[i]) << a.name;
      }
    }
  }
  EXPECT_TRUE(Get("threshold").params[0].required);
  EXPECT_TRUE(Get("threshold").params[1].required);
}

TEST(Catalogue, NanPropagatesEverywhere) {
  for (const Activation& a : Catalogue()) {
    KernelArgs args;
    ASSERT_TRUE(ResolveParams(a, TypicalParams(a), &args).ok()) << a.name;
    args.row_length = 1;
    const float x = kNaN, g = 1.0f;
    float out = 0;
    for (Mode mode : {Mode::kForward, Mode::kDerivative, Mode::kVjp}) {
      Compute(a, mode, args, &x, &g, &out, 1);
      EXPECT_TRUE(std::isnan(out)) << a.name << " mode " << static_cast<int>(mode);
    }
  }
}

// VJP of an elementwise function is g * f'(x), in both kernels.
TEST(Catalogue, ElementwiseVjpIsGradTimesDerivative) {
  const float xs[] = {-3.5f, -1.0f, -0.25f, 0.0f, 0.3f, 2.0f, 7.0f};
  const float gs[] = {0.5f, -2.0f, 3.0f, 1.0f, -0.125f, 4.0f, 1.5f};
  constexpr std::size_t n = sizeof xs / sizeof xs[0];
  for (const Activation& a : Catalogue()) {
    if (a.rowwise) continue;
    KernelArgs args;
    ASSERT_TRUE(ResolveParams(a, TypicalParams(a), &args).ok()) << a.name;
    float d[n], v[n];
    Compute(a, Mode::kDerivative, args, xs, nullptr, d, n);
    Compute(a, Mode::kVjp, args, xs, gs, v, n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(v[i], gs[i] * d[i]) << a.name << " x=" << xs[i];
  }
}

struct Limit {
  const char* name;
  float x, forward, derivative;
};

// Mathematical limits (PyTorch returns NaN for several of these).
TEST(Catalogue, LimitsAtInfinity) {
  const Limit limits[] = {
      {"gelu", -kInf, 0, 0},         {"gelu", kInf, kInf, 1},         {"silu", -kInf, 0, 0},
      {"silu", kInf, kInf, 1},       {"mish", -kInf, 0, 0},           {"mish", kInf, kInf, 1},
      {"softsign", kInf, 1, 0},      {"softsign", -kInf, -1, 0},      {"softplus", kInf, kInf, 1},
      {"softplus", -kInf, 0, 0},     {"logsigmoid", -kInf, -kInf, 1}, {"logsigmoid", kInf, 0, 0},
      {"elu", -kInf, -1, 0},         {"elu", kInf, kInf, 1},          {"selu", kInf, kInf, 1.0507009873554805f},
      {"celu", -kInf, -1, 0},        {"tanhshrink", kInf, kInf, 1},   {"tanhshrink", -kInf, -kInf, 1},
      {"hardswish", kInf, kInf, 1},  {"hardswish", -kInf, 0, 0},      {"hardsigmoid", kInf, 1, 0},
      {"hardtanh", -kInf, -1, 0},    {"relu6", kInf, 6, 0},           {"prelu", -kInf, -kInf, 0.25f},
      {"softshrink", kInf, kInf, 1}, {"hardshrink", -kInf, -kInf, 1},
  };
  for (const Limit& l : limits) {
    EXPECT_EQ(Forward(l.name, l.x), l.forward) << l.name << "(" << l.x << ")";
    EXPECT_EQ(Derivative(l.name, l.x), l.derivative) << l.name << "'(" << l.x << ")";
  }
  EXPECT_EQ(Forward("selu", -kInf), static_cast<float>(-1.6732632423543772 * 1.0507009873554805));
  EXPECT_EQ(Forward("gelu", -kInf, {{"approximate", 1}}), 0.0f);
  EXPECT_EQ(Derivative("gelu", kInf, {{"approximate", 1}}), 1.0f);
}

// Kinks and boundaries as PyTorch autograd has them; hardswish' follows
// PyTorch's CPU kernel (x/3 + 1/2 on the closed interval [-3, 3]).
TEST(Catalogue, KinkConventions) {
  EXPECT_EQ(Derivative("hardtanh", -1.0f), 0.0f);
  EXPECT_EQ(Derivative("hardtanh", 1.0f), 0.0f);
  EXPECT_EQ(Derivative("hardtanh", 0.999f), 1.0f);
  EXPECT_EQ(Derivative("relu6", 0.0f), 0.0f);
  EXPECT_EQ(Derivative("relu6", 6.0f), 0.0f);
  EXPECT_EQ(Derivative("hardsigmoid", 3.0f), 0.0f);
  EXPECT_EQ(Derivative("hardsigmoid", -3.0f), 0.0f);
  EXPECT_EQ(Derivative("hardsigmoid", 0.0f), 1.0f / 6.0f);
  EXPECT_EQ(Derivative("softshrink", 0.5f), 0.0f);
  EXPECT_EQ(Derivative("softshrink", -0.5f), 0.0f);
  EXPECT_EQ(Derivative("hardshrink", 0.5f), 0.0f);
  EXPECT_EQ(Forward("hardshrink", 0.5f), 0.0f);
  EXPECT_EQ(Forward("softshrink", 0.75f), 0.25f);
  EXPECT_EQ(Derivative("elu", 0.0f), 1.0f);
  EXPECT_EQ(Derivative("elu", 0.0f, {{"alpha", 0.5}}), 0.5f);
  EXPECT_EQ(Derivative("celu", 0.0f, {{"alpha", 2.0}}), 1.0f);
  EXPECT_EQ(Derivative("hardswish", 3.0f), 1.5f);
  EXPECT_EQ(Derivative("hardswish", -3.0f), -0.5f);
  EXPECT_EQ(Derivative("hardswish", 3.5f), 1.0f);
  EXPECT_EQ(Derivative("hardswish", -3.5f), 0.0f);
  EXPECT_EQ(Derivative("prelu", 0.0f), 0.25f);
  EXPECT_EQ(Forward("threshold", 1.0f, {{"threshold", 1.0}, {"value", -7.0}}), -7.0f);
  EXPECT_EQ(Derivative("threshold", 1.0f, {{"threshold", 1.0}, {"value", -7.0}}), 0.0f);
  EXPECT_EQ(Forward("threshold", 1.5f, {{"threshold", 1.0}, {"value", -7.0}}), 1.5f);
  // softplus is linear only where beta * x > threshold, in both modes.
  const GivenParams sp = {{"beta", 2.0}, {"threshold", 1.0}};
  EXPECT_FLOAT_EQ(Forward("softplus", 0.5f, sp), static_cast<float>(std::log1p(std::exp(1.0)) / 2));
  EXPECT_EQ(Forward("softplus", std::nextafter(0.5f, 1.0f), sp), std::nextafter(0.5f, 1.0f));
  EXPECT_EQ(Derivative("softplus", std::nextafter(0.5f, 1.0f), sp), 1.0f);
  EXPECT_FLOAT_EQ(Derivative("softplus", 0.5f, sp), static_cast<float>(1 / (1 + std::exp(-1.0))));
}

// Where PyTorch 1.13's float kernels lose all relative accuracy,
// within 4 ULP of the independent long double reference.
TEST(Catalogue, AccurateWherePyTorchIsNot) {
  struct Case {
    const char* name;
    bool derivative;
    float x;
    GivenParams params;
  };
  const Case cases[] = {
      {"elu", false, -3e-8f, {}},        {"selu", false, -3e-8f, {}},   {"celu", false, -3e-8f, {}},
      {"gelu", false, -6.0f, {}},        {"gelu", false, -12.0f, {}},   {"sigmoid", true, 20.0f, {}},
      {"tanh", true, 9.0f, {}},          {"silu", false, -89.0f, {}},   {"mish", false, -89.0f, {}},
      {"softsign", true, 1e15f, {}},     {"hardswish", false, 1e38f, {}},
      {"gelu", true, 3e20f, {{"approximate", 1}}}, {"gelu", false, -10.0f, {{"approximate", 1}}},
      {"tanhshrink", false, 1e-7f, {}},  {"logsigmoid", false, 30.0f, {}}, {"softplus", false, -80.0f, {}},
  };
  for (const Case& c : cases) {
    const auto* ref = FindReference(c.name);
    ASSERT_NE(ref, nullptr);
    std::vector<double> p = ref->param_sets.front();
    for (const auto& [name, value] : c.params) {
      for (std::size_t i = 0; i < p.size(); ++i) {
        if (ref->param_names[i] == name) p[i] = value;
      }
    }
    const long double exact = c.derivative ? ref->derivative(c.x, p.data()) : ref->forward(c.x, p.data());
    const float got = c.derivative ? Derivative(c.name, c.x, c.params) : Forward(c.name, c.x, c.params);
    ASSERT_GE(std::fabs(static_cast<float>(exact)), FLT_MIN) << c.name << ": the case must have a normal result";
    EXPECT_LE(UlpDistance(got, static_cast<float>(exact)), 4)
        << c.name << (c.derivative ? "'" : "") << "(" << c.x << ") = " << got << ", exact " << exact;
  }
}

Status Resolve(std::string_view name, const GivenParams& given) {
  KernelArgs args;
  return ResolveParams(Get(name), given, &args);
}

void ExpectRejected(std::string_view name, const GivenParams& given, std::initializer_list<const char*> mentions) {
  const Status s = Resolve(name, given);
  ASSERT_FALSE(s.ok()) << name;
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  for (const char* m : mentions) EXPECT_NE(s.message().find(m), std::string::npos) << s.message() << " lacks " << m;
}

TEST(Params, RangesAndRelationsAreChecked) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  ExpectRejected("softplus", {{"beta", 0.0}}, {"beta", "0", "(0, inf)"});
  ExpectRejected("softplus", {{"beta", -1.0}}, {"beta", "-1"});
  ExpectRejected("softplus", {{"threshold", inf}}, {"threshold", "inf"});
  ExpectRejected("celu", {{"alpha", 0.0}}, {"alpha", "!= 0"});
  ExpectRejected("elu", {{"alpha", nan}}, {"alpha", "nan"});
  ExpectRejected("hardtanh", {{"min_val", 2.0}, {"max_val", 1.0}}, {"min_val", "2", "max_val", "1"});
  ExpectRejected("hardtanh", {{"min_val", 1.0}}, {"min_val", "max_val"});
  ExpectRejected("gelu", {{"approximate", 0.5}}, {"approximate", "0.5", "0", "1"});
  ExpectRejected("softshrink", {{"lambd", -0.1}}, {"lambd", "-0.1", "[0, inf)"});
  ExpectRejected("threshold", {{"value", 1.0}}, {"threshold", "required"});
  ExpectRejected("threshold", {}, {"threshold", "required"});
  ExpectRejected("selu", {{"alpha", 1.0}}, {"alpha", "no parameters"});
  ExpectRejected("elu", {{"beta", 1.0}}, {"beta", "unknown", "alpha"});
  EXPECT_TRUE(Resolve("hardtanh", {{"min_val", -2.0}, {"max_val", 3.0}}).ok());
  EXPECT_TRUE(Resolve("celu", {{"alpha", -1.0}}).ok());
  EXPECT_TRUE(Resolve("gelu", {{"approximate", 1.0}}).ok());
  EXPECT_TRUE(Resolve("threshold", {{"threshold", 0.5}, {"value", 0.0}}).ok());
}

}  // namespace
}  // namespace activation::testing
