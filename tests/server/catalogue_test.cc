// ListActivations mirrors the catalogue, and every activation in it (present
// and future) is served faithfully through gRPC in both encodings.
#include <cmath>

#include <gtest/gtest.h>

#include "compute/compute.h"
#include "compute/registry.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

TEST(ListActivationsTest, EveryCatalogueEntryWithItsParameters) {
  TestServer server;
  v1::ListActivationsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->ListActivations(&context, {}, &response).ok());
  ASSERT_EQ(static_cast<std::size_t>(response.activations_size()), Catalogue().size());
  for (std::size_t i = 0; i < Catalogue().size(); ++i) {
    const Activation& a = Catalogue()[i];
    const v1::ActivationInfo& info = response.activations(static_cast<int>(i));
    EXPECT_EQ(info.name(), a.name);
    EXPECT_EQ(static_cast<std::size_t>(info.aliases_size()), a.aliases.size());
    EXPECT_FALSE(info.formula().empty()) << a.name;
    EXPECT_FALSE(info.derivative_formula().empty()) << a.name;
    EXPECT_EQ(info.rowwise(), a.rowwise);
    EXPECT_FALSE(info.accuracy().method().empty());
    // The running target's figures, among the per-target ones, within the published worst.
    const v1::AccuracyInfo& accuracy = info.accuracy();
    // float16 and bfloat16: correctly rounded for every elementwise function (dtype_test.cc checks it).
    ASSERT_EQ(accuracy.dtypes_size(), 3) << a.name;
    EXPECT_EQ(accuracy.dtypes(0).dtype(), v1::DATA_TYPE_FLOAT16);
    EXPECT_EQ(accuracy.dtypes(1).dtype(), v1::DATA_TYPE_BFLOAT16);
    for (int d = 0; d < 2; ++d) {
      EXPECT_EQ(accuracy.dtypes(d).forward_max_ulp(), a.rowwise ? -1 : 0) << a.name;
      EXPECT_EQ(accuracy.dtypes(d).derivative_max_ulp(), a.rowwise ? -1 : 0) << a.name;
      EXPECT_FALSE(accuracy.dtypes(d).method().empty());
    }
    // float64: the catalogue's measured figures (float64_test.cc holds the kernels to them).
    const v1::DtypeAccuracy& wide = accuracy.dtypes(2);
    EXPECT_EQ(wide.dtype(), v1::DATA_TYPE_FLOAT64);
    EXPECT_EQ(wide.forward_max_ulp(), a.accuracy.float64.forward) << a.name;
    EXPECT_EQ(wide.derivative_max_ulp(), a.accuracy.float64.derivative) << a.name;
    EXPECT_GE(wide.forward_max_ulp(), 0) << a.name;
    EXPECT_GE(wide.derivative_max_ulp(), 0) << a.name;
    EXPECT_FALSE(wide.method().empty());
    EXPECT_EQ(accuracy.this_server().target(), response.simd_target()) << a.name;
    bool listed = false;
    for (const v1::TargetAccuracy& t : accuracy.targets()) {
      EXPECT_LE(t.forward_max_ulp(), accuracy.forward_max_ulp()) << a.name << " " << t.target();
      EXPECT_LE(t.derivative_max_ulp(), accuracy.derivative_max_ulp()) << a.name << " " << t.target();
      if (t.target() == accuracy.this_server().target()) {
        listed = true;
        EXPECT_EQ(t.forward_max_ulp(), accuracy.this_server().forward_max_ulp()) << a.name;
        EXPECT_EQ(t.derivative_max_ulp(), accuracy.this_server().derivative_max_ulp()) << a.name;
      }
    }
    EXPECT_TRUE(listed) << a.name << ": no figures for " << response.simd_target();
    ASSERT_EQ(static_cast<std::size_t>(info.parameters_size()), a.params.size()) << a.name;
    for (std::size_t p = 0; p < a.params.size(); ++p) {
      const v1::ParameterInfo& param = info.parameters(static_cast<int>(p));
      EXPECT_EQ(param.name(), a.params[p].name);
      EXPECT_EQ(param.default_value(), a.params[p].default_value);
      EXPECT_FALSE(param.range().empty());
    }
  }
  // The classic five and the documented alias are there.
  auto has = [&](const std::string& name) {
    for (const auto& info : response.activations()) {
      if (info.name() == name) return true;
    }
    return false;
  };
  for (const char* name : {"step", "sigmoid", "tanh", "relu", "leaky_relu"}) EXPECT_TRUE(has(name)) << name;
  EXPECT_TRUE(has("sigmoid") && FindActivation("logistic") != nullptr);
}

// A value a required parameter accepts (defaults cover the rest).
double InRangeValue(const ParamSpec& spec) {
  if (!spec.required) return spec.default_value;
  if (std::isfinite(spec.min) && std::isfinite(spec.max)) return (spec.min + spec.max) / 2;
  if (std::isfinite(spec.min)) return spec.min + 1;
  if (std::isfinite(spec.max)) return spec.max - 1;
  return 1;
}

// Here the expectation is the compute library run locally: this test checks
// the transport (decoding, parameters, shapes, both encodings) bit for bit;
// the numbers themselves are checked against references in tests/compute.
TEST(CatalogueOverGrpcTest, EveryActivationBothEncodingsBitExact) {
  TestServer server;
  std::vector<float> xs;
  for (int i = 0; i < 64; ++i) xs.push_back((i % 2 ? -1.f : 1.f) * std::ldexp(1.f, i - 32) * (1.f + i / 64.f));
  std::vector<float> grad(xs.size());
  for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = 0.5f + static_cast<float>(i % 7);
  const std::vector<std::int64_t> shape = {8, 8};

  for (const Activation& a : Catalogue()) {
    KernelArgs args;
    GivenParams given;
    for (const ParamSpec& spec : a.params) given.emplace_back(spec.name, InRangeValue(spec));
    ASSERT_TRUE(ResolveParams(a, given, &args).ok()) << a.name;
    args.row_length = 8;
    std::vector<float> forward(xs.size()), vjp(xs.size());
    Compute(a, Mode::kForward, args, xs.data(), nullptr, forward.data(), xs.size());
    Compute(a, Mode::kVjp, args, xs.data(), grad.data(), vjp.data(), xs.size());

    for (Encoding encoding : {Encoding::kValues, Encoding::kRaw}) {
      SCOPED_TRACE(std::string(a.name) + " " + EncodingName(encoding));
      v1::GradientRequest request;
      request.set_activation(std::string(a.name));
      for (const auto& [name, value] : given) (*request.mutable_params())[std::string(name)] = value;
      *request.mutable_input() = MakeTensor(xs, encoding, shape);
      *request.mutable_grad_output() = MakeTensor(grad, encoding, shape);
      request.set_include_output(true);
      v1::GradientResponse response;
      grpc::ClientContext context;
      ASSERT_TRUE(server.stub->Gradient(&context, request, &response).ok());
      const std::vector<float> got_vjp = ReadTensor(response.grad_input(), request.input());
      const std::vector<float> got_forward = ReadTensor(response.output(), request.input());
      EXPECT_EQ(0, std::memcmp(got_vjp.data(), vjp.data(), vjp.size() * sizeof(float)));
      EXPECT_EQ(0, std::memcmp(got_forward.data(), forward.data(), forward.size() * sizeof(float)));
    }
  }
}

}  // namespace
}  // namespace activation::server::testing
