// The public API (include/activation/compute.h) through the shared library,
// against the compute library it wraps: the same catalogue, the same checks,
// the same numbers bit for bit, and sizes checked before any work.
#include "activation/compute.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compute/compute.h"
#include "compute/registry.h"

namespace {

namespace api = activation::api;

std::vector<float> Inputs(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = -12.0f + 24.0f * static_cast<float>(i) / static_cast<float>(n);
  return x;
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(LibraryApi, CatalogueMirrorsTheComputeLibrary) {
  const auto& internal = activation::Catalogue();
  const auto& published = api::Catalogue();
  ASSERT_EQ(published.size(), internal.size());
  for (std::size_t i = 0; i < internal.size(); ++i) {
    const activation::Activation& a = internal[i];
    const api::ActivationInfo& p = published[i];
    EXPECT_EQ(p.name, a.name);
    EXPECT_EQ(p.aliases.size(), a.aliases.size()) << p.name;
    EXPECT_EQ(p.formula, a.formula) << p.name;
    EXPECT_EQ(p.rowwise, a.rowwise) << p.name;
    EXPECT_EQ(p.accuracy.max_ulp.forward, a.accuracy.forward_max_ulp) << p.name;
    EXPECT_EQ(p.accuracy.max_ulp.derivative, a.accuracy.derivative_max_ulp) << p.name;
    EXPECT_GE(p.accuracy.max_ulp.forward, 0) << p.name << ": published without a measured bound";
    ASSERT_EQ(p.accuracy.targets.size(), a.accuracy.targets.size()) << p.name;
    for (std::size_t t = 0; t < a.accuracy.targets.size(); ++t) {
      EXPECT_EQ(p.accuracy.targets[t].target, a.accuracy.targets[t].target) << p.name;
      EXPECT_EQ(p.accuracy.targets[t].ulp.forward, a.accuracy.targets[t].ulp.forward) << p.name;
      EXPECT_EQ(p.accuracy.targets[t].ulp.derivative, a.accuracy.targets[t].ulp.derivative) << p.name;
    }
    ASSERT_EQ(p.parameters.size(), a.params.size()) << p.name;
    for (std::size_t j = 0; j < a.params.size(); ++j) {
      EXPECT_EQ(p.parameters[j].name, a.params[j].name);
      EXPECT_EQ(p.parameters[j].default_value, a.params[j].default_value);
      EXPECT_EQ(p.parameters[j].range, activation::DescribeRange(a.params[j]));
    }
  }
}

TEST(LibraryApi, FindsNamesAndAliasesOnly) {
  const api::ActivationInfo* silu = api::Find("silu");
  ASSERT_NE(silu, nullptr);
  EXPECT_EQ(api::Find("swish"), silu);
  EXPECT_EQ(api::Find("Silu"), nullptr);
  EXPECT_EQ(api::Find(""), nullptr);
  EXPECT_EQ(api::Find("bogus"), nullptr);
}

TEST(LibraryApi, MakeResolvesDefaultsAndGivenValues) {
  api::Function leaky;
  ASSERT_TRUE(api::Function::Make("leakyrelu", {}, &leaky).ok());
  EXPECT_EQ(leaky.info().name, "leaky_relu");
  EXPECT_EQ(leaky.parameter_values(), std::vector<double>{0.01});
  ASSERT_TRUE(api::Function::Make("leaky_relu", {{"negative_slope", 0.2}}, &leaky).ok());
  EXPECT_EQ(leaky.parameter_values(), std::vector<double>{0.2});
}

TEST(LibraryApi, MakeRefusesBadNamesAndParametersNamingThem) {
  api::Function f;
  api::Status s = api::Function::Make("bogus", {}, &f);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bogus"), std::string::npos) << s.message();
  EXPECT_FALSE(f.valid()) << "a failed Make must leave the Function empty";

  s = api::Function::Make("gelu", {{"approximate", 2}}, &f);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("approximate"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("[0, 1]"), std::string::npos) << s.message();

  s = api::Function::Make("elu", {{"alpha", std::nan("")}}, &f);
  EXPECT_FALSE(s.ok()) << "NaN parameter accepted";
  s = api::Function::Make("threshold", {{"threshold", 1}}, &f);
  EXPECT_FALSE(s.ok()) << "missing required 'value' accepted";
  EXPECT_NE(s.message().find("value"), std::string::npos) << s.message();
  s = api::Function::Make("hardtanh", {{"min_val", 2}, {"max_val", 1}}, &f);
  EXPECT_FALSE(s.ok()) << "min_val > max_val accepted";
  s = api::Function::Make("relu", {{"alpha", 1}}, &f);
  EXPECT_FALSE(s.ok()) << "unknown parameter accepted";
}

// Every mode of every activation equals activation::Compute bit for bit.
TEST(LibraryApi, ComputesWhatTheComputeLibraryComputes) {
  const std::size_t n = 1000;  // rows of 10 for the row-wise ones
  const std::vector<float> x = Inputs(n);
  std::vector<float> g(n);
  for (std::size_t i = 0; i < n; ++i) g[i] = 0.5f - static_cast<float>(i % 7) * 0.25f;
  for (const api::ActivationInfo& info : api::Catalogue()) {
    std::vector<api::Param> params;
    if (info.name == "threshold") params = {{"threshold", 0.5}, {"value", -1}};
    api::Function f;
    ASSERT_TRUE(api::Function::Make(info.name, params, &f).ok()) << info.name;

    const activation::Activation* a = activation::FindActivation(info.name);
    activation::KernelArgs args;
    activation::GivenParams given;
    for (const api::Param& p : params) given.emplace_back(p.name, p.value);
    ASSERT_TRUE(activation::ResolveParams(*a, given, &args).ok());
    const std::size_t row = info.rowwise ? 10 : 0;
    args.row_length = row;

    std::vector<float> got(n), want(n);
    ASSERT_TRUE(f.Forward(x, got, row).ok()) << info.name;
    activation::Compute(*a, activation::Mode::kForward, args, x.data(), nullptr, want.data(), n);
    EXPECT_TRUE(SameBits(got, want)) << info.name << " forward";
    ASSERT_TRUE(f.Derivative(x, got, row).ok()) << info.name;
    activation::Compute(*a, activation::Mode::kDerivative, args, x.data(), nullptr, want.data(), n);
    EXPECT_TRUE(SameBits(got, want)) << info.name << " derivative";
    ASSERT_TRUE(f.Vjp(x, g, got, row).ok()) << info.name;
    activation::Compute(*a, activation::Mode::kVjp, args, x.data(), g.data(), want.data(), n);
    EXPECT_TRUE(SameBits(got, want)) << info.name << " vjp";
  }
}

TEST(LibraryApi, KnownValues) {
  api::Function sigmoid, softmax;
  ASSERT_TRUE(api::Function::Make("sigmoid", {}, &sigmoid).ok());
  float x[] = {0.0f, -200.0f};
  float y[2];
  ASSERT_TRUE(sigmoid.Forward(x, y).ok());
  EXPECT_EQ(y[0], 0.5f);
  EXPECT_EQ(y[1], 0.0f);
  // In place, for an elementwise function.
  ASSERT_TRUE(sigmoid.Forward({x, 2}, {x, 2}).ok());
  EXPECT_EQ(x[0], 0.5f);

  ASSERT_TRUE(api::Function::Make("softmax", {}, &softmax).ok());
  const std::vector<float> rows = {1, 1, 1, 1, 0, 0, 0, 5};
  std::vector<float> out(rows.size());
  ASSERT_TRUE(softmax.Forward(rows, out, 4).ok());
  EXPECT_EQ(out[0], 0.25f);
  float second_row = 0;
  for (std::size_t i = 4; i < 8; ++i) second_row += out[i];
  EXPECT_NEAR(second_row, 1.0f, 1e-6f);
  ASSERT_TRUE(softmax.Forward(rows, out).ok());  // one row of 8
  float all = 0;
  for (float v : out) all += v;
  EXPECT_NEAR(all, 1.0f, 1e-6f);
  EXPECT_LT(out[0], 0.25f);
}

TEST(LibraryApi, RefusesMismatchedSizesBeforeComputing) {
  api::Function tanh, softmax;
  ASSERT_TRUE(api::Function::Make("tanh", {}, &tanh).ok());
  ASSERT_TRUE(api::Function::Make("softmax", {}, &softmax).ok());
  std::vector<float> x(8, 1.0f), short_out(7, -1.0f), g(5, 1.0f), out(8, -1.0f);
  EXPECT_FALSE(tanh.Forward(x, short_out).ok());
  EXPECT_EQ(short_out[0], -1.0f) << "wrote before refusing";
  EXPECT_FALSE(tanh.Vjp(x, g, out).ok());
  EXPECT_EQ(out[0], -1.0f) << "wrote before refusing";
  EXPECT_FALSE(softmax.Forward(x, out, 3).ok()) << "8 elements are not rows of 3";
  EXPECT_TRUE(softmax.Forward(api::Span<const float>(), api::Span<float>()).ok()) << "empty input";
  api::Function empty;
  EXPECT_FALSE(empty.Forward(x, out).ok());
}

// ActiveTarget() names the entry of AccuracyInfo::targets that applies here.
TEST(LibraryApi, ReportsVersionAndTheTargetsFigures) {
  EXPECT_STREQ(api::Version(), ACTIVATION_EXPECTED_VERSION);
  const std::string here = api::ActiveTarget();
  for (const api::ActivationInfo& info : api::Catalogue()) {
    bool listed = false;
    for (const api::TargetAccuracy& t : info.accuracy.targets) listed = listed || t.target == here;
    EXPECT_TRUE(listed) << info.name << ": no figures for the active target " << here;
  }
}

}  // namespace
