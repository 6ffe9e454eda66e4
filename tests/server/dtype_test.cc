// Tensor.dtype through real gRPC calls: float16 and bfloat16 answers equal
// the exact values (the independent long double reference of
// tests/compute/reference.cc) rounded once, for all 65,536 inputs of every
// elementwise function at its default parameters; answers carry the
// request's dtype and encoding; mismatches are refused naming both fields.
#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "compute/dtype.h"
#include "compute/registry.h"
#include "tests/compute/harness.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

v1::Tensor NarrowTensor(v1::DataType dtype, const std::vector<std::uint16_t>& bits) {
  v1::Tensor t;
  t.set_dtype(dtype);
  t.mutable_raw()->assign(reinterpret_cast<const char*>(bits.data()), bits.size() * 2);
  return t;
}

std::vector<std::uint16_t> ReadNarrow(const v1::Tensor& t, v1::DataType dtype) {
  EXPECT_EQ(t.dtype(), dtype);
  EXPECT_EQ(t.values_size(), 0);
  std::vector<std::uint16_t> bits(t.raw().size() / 2);
  std::memcpy(bits.data(), t.raw().data(), bits.size() * 2);
  return bits;
}

bool SameNarrow(DataType dtype, std::uint16_t a, std::uint16_t b) {
  const float fa = NarrowToFloat(dtype, a), fb = NarrowToFloat(dtype, b);
  if (std::isnan(fa) || std::isnan(fb)) return std::isnan(fa) && std::isnan(fb);
  return fa == fb;
}

struct Case {
  v1::DataType wire;
  DataType dtype;
};
const Case kCases[] = {{v1::DATA_TYPE_FLOAT16, DataType::kFloat16}, {v1::DATA_TYPE_BFLOAT16, DataType::kBFloat16}};

TEST(DtypeTest, EveryNarrowInputOfEveryFunctionIsCorrectlyRounded) {
  TestServer server;
  std::vector<std::uint16_t> all(65536);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  std::size_t functions = 0;
  for (const Activation& activation : Catalogue()) {
    const accuracy::ReferenceFunction* ref = accuracy::FindReference(activation.name);
    if (activation.rowwise || ref == nullptr) continue;
    ++functions;
    const std::vector<double>& values = ref->param_sets.front();
    for (const Case& c : kCases) {
      v1::GradientRequest request;
      request.set_activation(std::string(activation.name));
      for (std::size_t i = 0; i < values.size(); ++i) {
        (*request.mutable_params())[std::string(ref->param_names[i])] = values[i];
      }
      *request.mutable_input() = NarrowTensor(c.wire, all);
      request.set_include_output(true);
      v1::GradientResponse response;
      grpc::ClientContext context;
      const grpc::Status status = server.stub->Gradient(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      const std::vector<std::uint16_t> forward = ReadNarrow(response.output(), c.wire);
      const std::vector<std::uint16_t> derivative = ReadNarrow(response.grad_input(), c.wire);
      ASSERT_EQ(forward.size(), all.size());
      ASSERT_EQ(derivative.size(), all.size());
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < all.size(); ++i) {
        const float x = NarrowToFloat(c.dtype, all[i]);
        std::uint16_t want_forward = all[i], want_derivative = all[i];  // NaN in, NaN out
        if (!std::isnan(x)) {
          const long double arg = accuracy::ReferenceArgument(x);
          want_forward = LongDoubleToNarrow(c.dtype, ref->forward(arg, values.data()));
          want_derivative = LongDoubleToNarrow(c.dtype, ref->derivative(arg, values.data()));
        }
        if (!SameNarrow(c.dtype, forward[i], want_forward) || !SameNarrow(c.dtype, derivative[i], want_derivative)) {
          if (wrong++ < 3) ADD_FAILURE() << activation.name << " " << DataTypeName(c.dtype) << " x=" << x;
        }
      }
      EXPECT_EQ(wrong, 0u) << activation.name << " " << DataTypeName(c.dtype);
    }
  }
  EXPECT_GE(functions, 20u);
}

TEST(DtypeTest, ValuesEncodingKeepsDtypeAndRoundsToIt) {
  TestServer server;
  v1::EvaluateRequest request;
  request.set_activation("relu");
  request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT16);
  request.mutable_input()->add_shape(3);
  for (float v : {-1.0f, 0.1f, 70000.0f}) request.mutable_input()->add_values(v);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->Evaluate(&context, request, &response).ok());
  EXPECT_EQ(response.output().dtype(), v1::DATA_TYPE_FLOAT16);
  EXPECT_TRUE(response.output().raw().empty());
  ASSERT_EQ(response.output().values_size(), 3);
  EXPECT_EQ(response.output().shape_size(), 1);
  EXPECT_EQ(response.output().values(0), 0.0f);
  EXPECT_EQ(response.output().values(1), 0.0999755859375f);  // 0.1 as a float16
  EXPECT_TRUE(std::isinf(response.output().values(2)));       // past float16's range
}

TEST(DtypeTest, Float32AnswersKeepAnExplicitDtype) {
  TestServer server;
  v1::EvaluateRequest request;
  request.set_activation("relu");
  *request.mutable_input() = MakeTensor({-1.0f, 2.0f}, Encoding::kRaw);
  request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT32);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->Evaluate(&context, request, &response).ok());
  EXPECT_EQ(response.output().dtype(), v1::DATA_TYPE_FLOAT32);
  EXPECT_EQ(response.output().raw().size(), 8u);
}

TEST(DtypeTest, VjpRoundsTheProductOnce) {
  TestServer server;
  // silu'(2) * 3 in float16: computed with the derivative in float32 and rounded once.
  v1::GradientRequest request;
  request.set_activation("silu");
  *request.mutable_input() = NarrowTensor(v1::DATA_TYPE_FLOAT16, {FloatToNarrow(DataType::kFloat16, 2.0f)});
  *request.mutable_grad_output() = NarrowTensor(v1::DATA_TYPE_FLOAT16, {FloatToNarrow(DataType::kFloat16, 3.0f)});
  v1::GradientResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->Gradient(&context, request, &response).ok());
  const std::vector<std::uint16_t> got = ReadNarrow(response.grad_input(), v1::DATA_TYPE_FLOAT16);
  ASSERT_EQ(got.size(), 1u);
  const long double s = 1 / (1 + std::exp(-2.0L));
  const long double exact = 3 * (s * (1 + 2 * (1 - s)));
  EXPECT_EQ(got[0], LongDoubleToNarrow(DataType::kFloat16, exact));
}

grpc::Status Evaluate(TestServer& server, const v1::GradientRequest& request) {
  v1::GradientResponse response;
  grpc::ClientContext context;
  return server.stub->Gradient(&context, request, &response);
}

TEST(DtypeTest, MismatchesAreRefusedNamingBoth) {
  TestServer server;
  v1::GradientRequest request;
  request.set_activation("tanh");
  *request.mutable_input() = NarrowTensor(v1::DATA_TYPE_FLOAT16, {0x3C00, 0x4000});
  *request.mutable_grad_output() = NarrowTensor(v1::DATA_TYPE_BFLOAT16, {0x3F80, 0x4000});
  grpc::Status status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "grad_output.dtype bfloat16 differs from input.dtype float16; they must be equal");

  request.clear_grad_output();
  request.mutable_input()->mutable_raw()->push_back('\0');
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "input.raw: 5 bytes is not a multiple of 2 (float16 elements)");

  request.mutable_input()->Clear();
  request.mutable_input()->set_dtype(v1::DATA_TYPE_BFLOAT16);
  request.mutable_input()->add_double_values(1.0);
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "input.double_values: carries float64, but input.dtype is DATA_TYPE_BFLOAT16; set dtype "
            "DATA_TYPE_FLOAT64 or send values or raw");

  request.mutable_input()->set_dtype(static_cast<v1::DataType>(9));
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("input.dtype: unknown value 9"), std::string::npos) << status.error_message();

  request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT64);
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "input.dtype: float64 is not served yet; send float32, float16 or bfloat16");

  request.mutable_input()->Clear();
  request.mutable_input()->add_values(1.0f);
  request.mutable_input()->add_double_values(1.0);
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("input: more than one of values"), std::string::npos)
      << status.error_message();
}

TEST(DtypeTest, StreamsAnswerInTheChunksDtype) {
  TestServer server;
  grpc::ClientContext context;
  auto stream = server.stub->EvaluateStream(&context);
  for (const Case& c : kCases) {
    v1::EvaluateRequest request;
    request.set_activation("sigmoid");
    *request.mutable_input() = NarrowTensor(c.wire, {FloatToNarrow(c.dtype, 1.0f), FloatToNarrow(c.dtype, -3.0f)});
    ASSERT_TRUE(stream->Write(request));
    v1::EvaluateResponse response;
    ASSERT_TRUE(stream->Read(&response));
    const std::vector<std::uint16_t> got = ReadNarrow(response.output(), c.wire);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], LongDoubleToNarrow(c.dtype, 1 / (1 + std::exp(-1.0L))));
    EXPECT_EQ(got[1], LongDoubleToNarrow(c.dtype, 1 / (1 + std::exp(3.0L))));
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace activation::server::testing
