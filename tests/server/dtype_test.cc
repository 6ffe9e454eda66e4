// Tensor.dtype through real gRPC calls: float16 and bfloat16 answers equal
// the exact values (the independent long double reference of
// tests/compute/reference.cc) rounded once, for all 65,536 inputs of every
// elementwise function at its default parameters; answers carry the
// request's dtype and encoding; mismatches are refused naming both fields.
// float64 answers are the compute library's float64 kernels' (tested
// against MPFR in tests/compute/float64_test.cc), in the request's encoding.
#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "compute/compute.h"
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

  request.mutable_input()->Clear();
  request.mutable_input()->add_values(1.0f);
  request.mutable_input()->add_double_values(1.0);
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("input: more than one of values"), std::string::npos)
      << status.error_message();
}

v1::Tensor Float64Tensor(const std::vector<double>& x, Encoding encoding, const std::vector<std::int64_t>& shape) {
  v1::Tensor t;
  t.set_dtype(v1::DATA_TYPE_FLOAT64);
  for (std::int64_t d : shape) t.add_shape(d);
  if (encoding == Encoding::kRaw) {
    t.mutable_raw()->assign(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(double));
  } else {
    t.mutable_double_values()->Add(x.begin(), x.end());
  }
  return t;
}

// The doubles of `t`, after checking it has the dtype, encoding and shape of `like`.
std::vector<double> ReadFloat64(const v1::Tensor& t, const v1::Tensor& like) {
  EXPECT_EQ(t.dtype(), v1::DATA_TYPE_FLOAT64);
  EXPECT_EQ(t.shape_size(), like.shape_size());
  EXPECT_EQ(t.values_size(), 0);
  EXPECT_EQ(t.raw().size(), like.raw().size());
  EXPECT_EQ(t.double_values_size(), like.double_values_size());
  if (t.raw().empty()) return {t.double_values().begin(), t.double_values().end()};
  std::vector<double> out(t.raw().size() / sizeof(double));
  std::memcpy(out.data(), t.raw().data(), t.raw().size());
  return out;
}

bool SameDouble(double a, double b) {
  return std::isnan(a) ? std::isnan(b) : std::memcmp(&a, &b, sizeof a) == 0;
}

// Through the service, every function answers f, f'
// and the VJP in float64, in the request's encoding and shape, bit for bit
// what the compute library's float64 kernels give (tests/compute/
// float64_test.cc holds those within 4 ULP of MPFR).
TEST(DtypeTest, Float64IsServedInTheRequestsEncodingByTheFloat64Kernels) {
  TestServer server;
  const std::vector<double> x = {-INFINITY, -800.0, -3.0, -1.25, -0.5, -1e-300, -0.0, 0.0, 1e-10,
                                 0.3, 1.0, 2.5, 6.0, 30.0, 1e300, INFINITY, NAN, 0.7};
  const std::vector<double> g = {1.0, -2.0, 0.5, 3.0, -1.0, 2.0, 1.0, -1.0, 1e10,
                                 0.25, -0.125, 7.0, 1.0, 2.0, 0.5, 1.0, 1.0, NAN};
  const std::vector<std::int64_t> shape = {3, 6};
  for (const Activation& activation : Catalogue()) {
    GivenParams given;
    if (activation.name == "threshold") given = {{"threshold", 0.5}, {"value", -2.0}};
    KernelArgs args;
    ASSERT_TRUE(ResolveParams(activation, given, &args).ok());
    if (activation.rowwise) args.row_length = static_cast<std::size_t>(shape.back());  // rows of the last axis
    std::vector<double> want_f(x.size()), want_vjp(x.size());
    ComputeFloat64(activation, Mode::kForward, args, x.data(), nullptr, want_f.data(), x.size());
    ComputeFloat64(activation, Mode::kVjp, args, x.data(), g.data(), want_vjp.data(), x.size());
    for (Encoding encoding : {Encoding::kValues, Encoding::kRaw}) {
      v1::GradientRequest request;
      request.set_activation(std::string(activation.name));
      for (const auto& [name, value] : given) (*request.mutable_params())[std::string(name)] = value;
      *request.mutable_input() = Float64Tensor(x, encoding, shape);
      *request.mutable_grad_output() = Float64Tensor(g, encoding, shape);
      request.set_include_output(true);
      v1::GradientResponse response;
      grpc::ClientContext context;
      const grpc::Status status = server.stub->Gradient(&context, request, &response);
      ASSERT_TRUE(status.ok()) << activation.name << ": " << status.error_message();
      const std::vector<double> f = ReadFloat64(response.output(), request.input());
      const std::vector<double> vjp = ReadFloat64(response.grad_input(), request.input());
      ASSERT_EQ(f.size(), x.size());
      ASSERT_EQ(vjp.size(), x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_TRUE(SameDouble(f[i], want_f[i])) << activation.name << " x=" << x[i] << " " << EncodingName(encoding);
        EXPECT_TRUE(SameDouble(vjp[i], want_vjp[i])) << activation.name << " x=" << x[i];
      }
      if (activation.name == "relu") {  // exact: max(x, 0), NaN kept
        for (std::size_t i = 0; i < x.size(); ++i) {
          EXPECT_TRUE(SameDouble(f[i], std::isnan(x[i]) ? x[i] : x[i] > 0 ? x[i] : 0.0)) << x[i];
        }
      }
    }
  }
}

TEST(DtypeTest, Float64EncodingErrorsNameTheField) {
  TestServer server;
  v1::GradientRequest request;
  request.set_activation("sigmoid");
  *request.mutable_input() = Float64Tensor({1.0, 2.0}, Encoding::kRaw, {});
  request.mutable_input()->mutable_raw()->push_back('\0');
  grpc::Status status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "input.raw: 17 bytes is not a multiple of 8 (float64 elements)");

  request.mutable_input()->Clear();
  request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT64);
  request.mutable_input()->add_values(1.0f);
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "input.values: carries float32, but input.dtype is DATA_TYPE_FLOAT64; send double_values or raw");

  *request.mutable_input() = Float64Tensor({1.0, 2.0}, Encoding::kValues, {});
  *request.mutable_grad_output() = MakeTensor({1.0f, 2.0f}, Encoding::kValues);
  status = Evaluate(server, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "grad_output.dtype float32 differs from input.dtype float64; they must be equal");
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
  // A float64 chunk on the same stream: answered in float64, in double_values.
  v1::EvaluateRequest request;
  request.set_activation("relu");
  *request.mutable_input() = Float64Tensor({-0.1, 0.1}, Encoding::kValues, {});
  ASSERT_TRUE(stream->Write(request));
  v1::EvaluateResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(ReadFloat64(response.output(), request.input()), (std::vector<double>{0.0, 0.1}));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace activation::server::testing
