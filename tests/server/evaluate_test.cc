// Evaluate and Gradient through real gRPC calls, both encodings, against
// double-precision formulas written in tests/server/reference.h.
#include <gtest/gtest.h>

#include "tests/server/expect_close.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

// The parameter each classic activation takes, and its default.
const char* ParamName(const std::string& name) {
  return name == "step" ? "threshold" : name == "leaky_relu" ? "negative_slope" : nullptr;
}
double DefaultParam(const std::string& name) { return name == "leaky_relu" ? 0.01 : 0.0; }

std::vector<double> Reference(const std::string& name, double p, bool derivative,
                              const std::vector<float>& xs, const std::vector<float>* grad = nullptr) {
  std::vector<double> out;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double d = derivative ? ReferenceDerivative(name, xs[i], p) : ReferenceForward(name, xs[i], p);
    out.push_back(grad != nullptr ? (*grad)[i] * d : d);
  }
  return out;
}

class EvaluateTest : public ::testing::TestWithParam<std::tuple<std::string, Encoding>> {
 protected:
  TestServer server_;
};

TEST_P(EvaluateTest, ForwardMatchesReference) {
  const auto& [name, encoding] = GetParam();
  v1::EvaluateRequest request;
  request.set_activation(name);
  *request.mutable_input() = MakeTensor(SampleInputs(), encoding);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.stub->Evaluate(&context, request, &response).ok());
  ExpectClose(ReadTensor(response.output(), request.input()),
              Reference(name, DefaultParam(name), false, SampleInputs()), SampleInputs(), name);
}

TEST_P(EvaluateTest, DerivativeMatchesReference) {
  const auto& [name, encoding] = GetParam();
  v1::GradientRequest request;
  request.set_activation(name);
  *request.mutable_input() = MakeTensor(SampleInputs(), encoding);
  v1::GradientResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.stub->Gradient(&context, request, &response).ok());
  ExpectClose(ReadTensor(response.grad_input(), request.input()),
              Reference(name, DefaultParam(name), true, SampleInputs()), SampleInputs(), name + "'");
  EXPECT_FALSE(response.has_output());
}

// grad_output in the other encoding than input: the answer follows input's.
TEST_P(EvaluateTest, VectorJacobianProductWithOutput) {
  const auto& [name, encoding] = GetParam();
  std::vector<float> grad;
  for (std::size_t i = 0; i < SampleInputs().size(); ++i) grad.push_back(0.5f + 0.25f * static_cast<float>(i % 5));
  v1::GradientRequest request;
  request.set_activation(name);
  *request.mutable_input() = MakeTensor(SampleInputs(), encoding, {4, 5});
  *request.mutable_grad_output() =
      MakeTensor(grad, encoding == Encoding::kRaw ? Encoding::kValues : Encoding::kRaw);
  request.set_include_output(true);
  v1::GradientResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.stub->Gradient(&context, request, &response).ok());
  ExpectClose(ReadTensor(response.grad_input(), request.input()),
              Reference(name, DefaultParam(name), true, SampleInputs(), &grad), SampleInputs(), name + " vjp");
  ExpectClose(ReadTensor(response.output(), request.input()),
              Reference(name, DefaultParam(name), false, SampleInputs()), SampleInputs(), name + " output");
}

// The classic activations that take a parameter.
class ParameterTest : public EvaluateTest {};

TEST_P(ParameterTest, ParametersAreApplied) {
  const auto& [name, encoding] = GetParam();
  const char* param = ParamName(name);
  const double value = name == "step" ? 0.5 : 0.2;
  v1::GradientRequest request;
  request.set_activation(name);
  (*request.mutable_params())[param] = value;
  *request.mutable_input() = MakeTensor(SampleInputs(), encoding);
  request.set_include_output(true);
  v1::GradientResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.stub->Gradient(&context, request, &response).ok());
  ExpectClose(ReadTensor(response.output(), request.input()), Reference(name, value, false, SampleInputs()),
              SampleInputs(), name);
  ExpectClose(ReadTensor(response.grad_input(), request.input()), Reference(name, value, true, SampleInputs()),
              SampleInputs(), name + "'");
}

TEST_P(EvaluateTest, EmptyInputGivesEmptyOutput) {
  const auto& [name, encoding] = GetParam();
  v1::EvaluateRequest request;
  request.set_activation(name);
  *request.mutable_input() = MakeTensor({}, encoding, {0, 3});
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.stub->Evaluate(&context, request, &response).ok());
  EXPECT_EQ(response.output().values_size(), 0);
  EXPECT_TRUE(response.output().raw().empty());
  EXPECT_EQ(response.output().shape_size(), 2);
}

INSTANTIATE_TEST_SUITE_P(Classic, EvaluateTest,
                         ::testing::Combine(::testing::ValuesIn(ClassicFive()),
                                            ::testing::Values(Encoding::kValues, Encoding::kRaw)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + EncodingName(std::get<1>(info.param));
                         });

INSTANTIATE_TEST_SUITE_P(Classic, ParameterTest,
                         ::testing::Combine(::testing::Values("step", "leaky_relu"),
                                            ::testing::Values(Encoding::kValues, Encoding::kRaw)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + EncodingName(std::get<1>(info.param));
                         });

// The figures of the product's acceptance check, by alias.
TEST(EvaluateAcceptance, SigmoidAliasAndTails) {
  TestServer server;
  v1::EvaluateRequest request;
  request.set_activation("logistic");
  *request.mutable_input() = MakeTensor({0.f, 1.f, -20.f}, Encoding::kValues);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->Evaluate(&context, request, &response).ok());
  ASSERT_EQ(response.output().values_size(), 3);
  EXPECT_EQ(response.output().values(0), 0.5f);
  EXPECT_NEAR(response.output().values(1), 0.731058598, 1e-7);
  EXPECT_NEAR(response.output().values(2) / 2.06115369e-09, 1.0, 1e-6);
}

TEST(EvaluateAcceptance, LargeRawTensorRoundTrips) {
  TestServer server;
  std::vector<float> xs(1 << 20);
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = -8.f + 16.f * static_cast<float>(i) / xs.size();
  v1::EvaluateRequest request;
  request.set_activation("tanh");
  *request.mutable_input() = MakeTensor(xs, Encoding::kRaw, {1024, 1024});
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->Evaluate(&context, request, &response).ok());
  ExpectClose(ReadTensor(response.output(), request.input()), Reference("tanh", 0, false, xs), xs, "tanh");
}

}  // namespace
}  // namespace activation::server::testing
