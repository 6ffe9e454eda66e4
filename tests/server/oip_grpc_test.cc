// inference.GRPCInferenceService (Open Inference Protocol, KServe v2) through
// a client generated from proto/inference/grpc_predict_v2.proto, against the
// same in-process server's activation.v1 answers: every activation, both
// outputs, the VJP, parameters, shapes, raw and typed contents, bit for bit;
// and the protocol's errors.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compute/dtype.h"
#include "compute/registry.h"
#include "inference/grpc_predict_v2.grpc.pb.h"
#include "tests/server/oip_common.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using inference::ModelInferRequest;
using inference::ModelInferResponse;

struct OipServer : TestServer {
  OipServer() : oip(inference::GRPCInferenceService::NewStub(channel)) {}
  std::unique_ptr<inference::GRPCInferenceService::Stub> oip;
};

// Specials, kinks and a spread of magnitudes; an even count so that it
// reshapes to two rows.
std::vector<float> Inputs() {
  std::vector<float> xs = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 3.0f, -3.0f, 6.0f, 20.0f, -20.0f, 1e-30f,
                           -1e-30f, 88.0f, -104.0f, INFINITY, -INFINITY, NAN, 0.25f, 2.5f};
  for (int i = 0; i < 44; ++i) xs.push_back(std::ldexp(static_cast<float>((i * 37) % 23) - 11.0f, (i % 9) - 4));
  return xs;
}

std::vector<float> GradOutputs(std::size_t n) {
  std::vector<float> g(n);
  for (std::size_t i = 0; i < n; ++i) g[i] = 0.25f * static_cast<float>(static_cast<int>(i % 7) - 3);
  return g;
}

void AddInput(ModelInferRequest* request, const std::string& name, const std::vector<float>& data,
              const std::vector<std::int64_t>& shape, bool raw) {
  auto* input = request->add_inputs();
  input->set_name(name);
  input->set_datatype("FP32");
  input->mutable_shape()->Add(shape.begin(), shape.end());
  if (raw) {
    request->add_raw_input_contents()->assign(reinterpret_cast<const char*>(data.data()), data.size() * 4);
  } else {
    input->mutable_contents()->mutable_fp32_contents()->Add(data.begin(), data.end());
  }
}

// The floats of output `name`, checking the form (raw or typed) and shape.
std::vector<float> OutputOf(const ModelInferResponse& response, const std::string& name, bool raw,
                            const std::vector<std::int64_t>& shape) {
  for (int i = 0; i < response.outputs_size(); ++i) {
    const auto& output = response.outputs(i);
    if (output.name() != name) continue;
    EXPECT_EQ(output.datatype(), "FP32");
    EXPECT_EQ(std::vector<std::int64_t>(output.shape().begin(), output.shape().end()), shape);
    EXPECT_EQ(response.raw_output_contents_size() > 0, raw) << "the response's form differs from the request's";
    if (raw) {
      const std::string& bytes = response.raw_output_contents(i);
      std::vector<float> out(bytes.size() / 4);
      std::memcpy(out.data(), bytes.data(), bytes.size());
      return out;
    }
    return {output.contents().fp32_contents().begin(), output.contents().fp32_contents().end()};
  }
  ADD_FAILURE() << "no output " << name;
  return {};
}

class OipGrpcTest : public ::testing::Test {
 protected:
  grpc::Status Infer(const ModelInferRequest& request, ModelInferResponse* response) {
    grpc::ClientContext context;
    return server_.oip->ModelInfer(&context, request, response);
  }
  OipServer server_;
};

TEST_F(OipGrpcTest, ServerLiveReadyMetadata) {
  {
    grpc::ClientContext context;
    inference::ServerLiveResponse response;
    ASSERT_TRUE(server_.oip->ServerLive(&context, {}, &response).ok());
    EXPECT_TRUE(response.live());
  }
  {
    grpc::ClientContext context;
    inference::ServerReadyResponse response;
    ASSERT_TRUE(server_.oip->ServerReady(&context, {}, &response).ok());
    EXPECT_TRUE(response.ready());
  }
  grpc::ClientContext context;
  inference::ServerMetadataResponse response;
  ASSERT_TRUE(server_.oip->ServerMetadata(&context, {}, &response).ok());
  EXPECT_EQ(response.name(), "activation-server");
  EXPECT_EQ(response.version(), ACTIVATION_SERVER_VERSION);
}

TEST_F(OipGrpcTest, ModelReadyForEveryNameAndAlias) {
  for (const Activation& a : Catalogue()) {
    std::vector<std::string_view> names = a.aliases;
    names.push_back(a.name);
    for (std::string_view name : names) {
      for (const char* version : {"", "1"}) {
        inference::ModelReadyRequest request;
        request.set_name(std::string(name));
        request.set_version(version);
        inference::ModelReadyResponse response;
        grpc::ClientContext context;
        ASSERT_TRUE(server_.oip->ModelReady(&context, request, &response).ok()) << name;
        EXPECT_TRUE(response.ready()) << name;
      }
    }
  }
}

TEST_F(OipGrpcTest, UnknownModelOrVersionIsNotFound) {
  for (const auto& [name, version] : std::vector<std::pair<std::string, std::string>>{
           {"bogus", ""}, {"sigmoid", "2"}, {"", ""}}) {
    inference::ModelReadyRequest request;
    request.set_name(name);
    request.set_version(version);
    inference::ModelReadyResponse ready;
    grpc::ClientContext context;
    const grpc::Status status = server_.oip->ModelReady(&context, request, &ready);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << name << " " << version;

    inference::ModelMetadataRequest metadata_request;
    metadata_request.set_name(name);
    metadata_request.set_version(version);
    inference::ModelMetadataResponse metadata;
    grpc::ClientContext metadata_context;
    EXPECT_EQ(server_.oip->ModelMetadata(&metadata_context, metadata_request, &metadata).error_code(),
              grpc::StatusCode::NOT_FOUND);

    ModelInferRequest infer;
    infer.set_model_name(name);
    infer.set_model_version(version);
    AddInput(&infer, "x", {1}, {1}, false);
    ModelInferResponse response;
    EXPECT_EQ(Infer(infer, &response).error_code(), grpc::StatusCode::NOT_FOUND) << name << " " << version;
  }
  ModelInferRequest infer;
  infer.set_model_name("bogus");
  ModelInferResponse response;
  const grpc::Status status = Infer(infer, &response);
  EXPECT_NE(status.error_message().find("model 'bogus' not found"), std::string::npos) << status.error_message();
}

TEST_F(OipGrpcTest, ModelMetadataDescribesInputsAndOutputs) {
  inference::ModelMetadataRequest request;
  request.set_name("swish");  // an alias: the metadata names the model itself
  inference::ModelMetadataResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.oip->ModelMetadata(&context, request, &response).ok());
  EXPECT_EQ(response.name(), "silu");
  ASSERT_EQ(response.versions_size(), 1);
  EXPECT_EQ(response.versions(0), "1");
  ASSERT_EQ(response.inputs_size(), 2);
  EXPECT_EQ(response.inputs(0).name(), "x");
  EXPECT_EQ(response.inputs(1).name(), "grad_output");
  ASSERT_EQ(response.outputs_size(), 2);
  EXPECT_EQ(response.outputs(0).name(), "y");
  EXPECT_EQ(response.outputs(1).name(), "grad_input");
  for (const auto& tensor : response.inputs()) EXPECT_EQ(tensor.datatype(), "FP32");
  for (const auto& tensor : response.outputs()) EXPECT_EQ(tensor.datatype(), "FP32");
}

// Every activation with parameters, in both forms, with a 2-D shape (rows
// for softmax): y and grad_input in one call, then the VJP, each equal to
// activation.v1's answer from the same server bit for bit.
TEST_F(OipGrpcTest, EveryActivationEqualsActivationV1) {
  const std::vector<float> xs = Inputs();
  const std::vector<float> gs = GradOutputs(xs.size());
  const std::vector<std::int64_t> shape = {2, static_cast<std::int64_t>(xs.size() / 2)};
  for (const Activation& a : Catalogue()) {
    const auto params = OipParams(a);
    // activation.v1: f, f' and the VJP.
    v1::GradientRequest v1_request;
    v1_request.set_activation(std::string(a.name));
    for (const auto& [name, value] : params) (*v1_request.mutable_params())[name] = value;
    *v1_request.mutable_input() = MakeTensor(xs, Encoding::kRaw, shape);
    v1_request.set_include_output(true);
    v1::GradientResponse v1_derivative, v1_vjp;
    {
      grpc::ClientContext context;
      ASSERT_TRUE(server_.stub->Gradient(&context, v1_request, &v1_derivative).ok()) << a.name;
    }
    *v1_request.mutable_grad_output() = MakeTensor(gs, Encoding::kRaw, shape);
    {
      grpc::ClientContext context;
      ASSERT_TRUE(server_.stub->Gradient(&context, v1_request, &v1_vjp).ok()) << a.name;
    }
    const std::vector<float> want_y = ReadTensor(v1_derivative.output(), v1_request.input());
    const std::vector<float> want_d = ReadTensor(v1_derivative.grad_input(), v1_request.input());
    const std::vector<float> want_vjp = ReadTensor(v1_vjp.grad_input(), v1_request.input());

    for (bool raw : {false, true}) {
      const std::string what = std::string(a.name) + (raw ? " raw" : " typed");
      ModelInferRequest request;
      request.set_model_name(std::string(a.name));
      request.set_id("call-" + std::string(a.name));
      for (const auto& [name, value] : params) (*request.mutable_parameters())[name].set_double_param(value);
      AddInput(&request, "x", xs, shape, raw);
      request.add_outputs()->set_name("grad_input");
      request.add_outputs()->set_name("y");
      ModelInferResponse response;
      const grpc::Status status = Infer(request, &response);
      ASSERT_TRUE(status.ok()) << what << ": " << status.error_message();
      EXPECT_EQ(response.id(), request.id());
      EXPECT_EQ(response.model_name(), a.name);
      EXPECT_EQ(response.model_version(), "1");
      ASSERT_EQ(response.outputs_size(), 2);
      EXPECT_EQ(response.outputs(0).name(), "grad_input");  // in the order asked for
      ExpectBitEqual(OutputOf(response, "y", raw, shape), want_y, what + " y");
      ExpectBitEqual(OutputOf(response, "grad_input", raw, shape), want_d, what + " f'");

      ModelInferRequest vjp;
      vjp.set_model_name(std::string(a.name));
      *vjp.mutable_parameters() = request.parameters();
      AddInput(&vjp, "grad_output", gs, shape, raw);  // any order of inputs
      AddInput(&vjp, "x", xs, shape, raw);
      vjp.add_outputs()->set_name("grad_input");
      ModelInferResponse vjp_response;
      ASSERT_TRUE(Infer(vjp, &vjp_response).ok()) << what;
      ASSERT_EQ(vjp_response.outputs_size(), 1);
      ExpectBitEqual(OutputOf(vjp_response, "grad_input", raw, shape), want_vjp, what + " VJP");
    }
  }
}

TEST_F(OipGrpcTest, DefaultOutputIsY) {
  ModelInferRequest request;
  request.set_model_name("logistic");
  AddInput(&request, "x", {0.0f}, {1}, false);
  ModelInferResponse response;
  ASSERT_TRUE(Infer(request, &response).ok());
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(OutputOf(response, "y", false, {1}), std::vector<float>{0.5f});
  EXPECT_EQ(response.model_name(), "logistic");
}

// A parameter as double, int64, uint64 or a string holding a number: the
// same answer as activation.v1 given that number.
TEST_F(OipGrpcTest, ParameterKinds) {
  const std::vector<float> xs = {-2.0f, -1.0f, 0.5f, 3.0f};
  v1::EvaluateRequest v1_request;
  v1_request.set_activation("celu");
  (*v1_request.mutable_params())["alpha"] = 2;
  *v1_request.mutable_input() = MakeTensor(xs, Encoding::kValues);
  v1::EvaluateResponse v1_response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_.stub->Evaluate(&context, v1_request, &v1_response).ok());
  const std::vector<float> want(v1_response.output().values().begin(), v1_response.output().values().end());

  for (int kind = 0; kind < 4; ++kind) {
    ModelInferRequest request;
    request.set_model_name("celu");
    auto& alpha = (*request.mutable_parameters())["alpha"];
    if (kind == 0) alpha.set_double_param(2);
    if (kind == 1) alpha.set_int64_param(2);
    if (kind == 2) alpha.set_uint64_param(2);
    if (kind == 3) alpha.set_string_param("2.0");
    AddInput(&request, "x", xs, {4}, false);
    ModelInferResponse response;
    const grpc::Status status = Infer(request, &response);
    ASSERT_TRUE(status.ok()) << kind << ": " << status.error_message();
    ExpectBitEqual(OutputOf(response, "y", false, {4}), want, "kind " + std::to_string(kind));
  }
}

TEST_F(OipGrpcTest, ScalarShape) {
  ModelInferRequest request;
  request.set_model_name("relu");
  AddInput(&request, "x", {-3.0f}, {}, true);
  ModelInferResponse response;
  ASSERT_TRUE(Infer(request, &response).ok());
  EXPECT_EQ(OutputOf(response, "y", true, {}), std::vector<float>{0.0f});
}

// Bad requests: the status the protocol expects and a message naming the
// field; the same message as activation.v1 where both check the same thing.
TEST_F(OipGrpcTest, BadRequests) {
  struct Case {
    const char* what;
    std::function<void(ModelInferRequest*)> edit;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"unknown output", [](ModelInferRequest* r) { r->add_outputs()->set_name("z"); },
       "outputs[0].name: unknown output 'z'"},
      {"output twice",
       [](ModelInferRequest* r) {
         r->add_outputs()->set_name("y");
         r->add_outputs()->set_name("y");
       },
       "outputs[1].name: output 'y' is asked for twice"},
      {"unknown input", [](ModelInferRequest* r) { r->mutable_inputs(0)->set_name("input0"); },
       "inputs[0].name: unknown input 'input0'"},
      {"no inputs", [](ModelInferRequest* r) { r->clear_inputs(); }, "inputs: no input named x"},
      {"datatype", [](ModelInferRequest* r) { r->mutable_inputs(0)->set_datatype("INT32"); },
       "inputs[0].datatype: 'INT32' is not supported"},
      {"shape", [](ModelInferRequest* r) { r->mutable_inputs(0)->set_shape(0, 3); }, "x.shape"},
      {"unknown parameter", [](ModelInferRequest* r) { (*r->mutable_parameters())["slope"].set_double_param(1); },
       "slope"},
      {"bool parameter", [](ModelInferRequest* r) { (*r->mutable_parameters())["beta"].set_bool_param(true); },
       "parameters.beta: must be a number"},
      {"text parameter", [](ModelInferRequest* r) { (*r->mutable_parameters())["beta"].set_string_param("2x"); },
       "parameters.beta: '2x' is not a number"},
      {"out of range", [](ModelInferRequest* r) { (*r->mutable_parameters())["beta"].set_double_param(-1); },
       "softplus.beta: value -1 is out of range"},
      {"grad_output without grad_input",
       [](ModelInferRequest* r) { AddInput(r, "grad_output", {1, 1}, {2}, false); },
       "grad_output: only the output grad_input uses it"},
      {"grad_output shape",
       [](ModelInferRequest* r) {
         AddInput(r, "grad_output", {1, 1}, {1, 2}, false);
         r->add_outputs()->set_name("grad_input");
       },
       "grad_output.shape [1, 2] differs from x.shape [2]"},
      {"raw and typed",
       [](ModelInferRequest* r) {
         r->add_raw_input_contents()->assign(8, '\0');
       },
       "inputs[0].contents: set together with raw_input_contents"},
      {"raw count",
       [](ModelInferRequest* r) {
         r->mutable_inputs(0)->clear_contents();
         r->add_raw_input_contents()->assign(8, '\0');
         r->add_raw_input_contents()->assign(8, '\0');
       },
       "raw_input_contents: 2 entries for 1 inputs"},
      {"raw length",
       [](ModelInferRequest* r) {
         r->mutable_inputs(0)->clear_contents();
         r->add_raw_input_contents()->assign(7, '\0');
       },
       "raw_input_contents[0]: 7 bytes is not a multiple of 4"},
      {"int contents", [](ModelInferRequest* r) { r->mutable_inputs(0)->mutable_contents()->add_int_contents(1); },
       "inputs[0].contents: FP32 data goes in fp32_contents"},
  };
  for (const Case& c : cases) {
    ModelInferRequest request;
    request.set_model_name("softplus");
    AddInput(&request, "x", {1, 2}, {2}, false);
    c.edit(&request);
    ModelInferResponse response;
    const grpc::Status status = Infer(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what;
    EXPECT_NE(status.error_message().find(c.message), std::string::npos)
        << c.what << ": " << status.error_message();
  }
  // The server keeps serving.
  ModelInferRequest request;
  request.set_model_name("softplus");
  AddInput(&request, "x", {1, 2}, {2}, false);
  ModelInferResponse response;
  EXPECT_TRUE(Infer(request, &response).ok());
}

// One validation path: a bad parameter gets activation.v1's own message.
TEST_F(OipGrpcTest, ParameterErrorsMatchActivationV1) {
  v1::EvaluateRequest v1_request;
  v1_request.set_activation("hardtanh");
  (*v1_request.mutable_params())["min_val"] = 3;
  *v1_request.mutable_input() = MakeTensor({1}, Encoding::kValues);
  v1::EvaluateResponse v1_response;
  grpc::ClientContext context;
  const grpc::Status v1_status = server_.stub->Evaluate(&context, v1_request, &v1_response);
  ASSERT_EQ(v1_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  ModelInferRequest request;
  request.set_model_name("hardtanh");
  (*request.mutable_parameters())["min_val"].set_int64_param(3);
  AddInput(&request, "x", {1}, {1}, false);
  ModelInferResponse response;
  const grpc::Status status = Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), v1_status.error_message());
}

}  // namespace
}  // namespace activation::server::testing

namespace activation::server::testing {
namespace {

std::string Bytes16(const std::vector<std::uint16_t>& bits) {
  return std::string(reinterpret_cast<const char*>(bits.data()), bits.size() * 2);
}

// FP16 and BF16 (raw contents): every activation answers, in the request's
// datatype, what activation.v1 answers for that dtype (tests/server/dtype_test.cc
// checks those against the exact values), forward, derivative and VJP.
TEST_F(OipGrpcTest, Float16AndBFloat16EqualActivationV1) {
  const std::vector<float> xs = Inputs();
  const std::vector<float> gs = GradOutputs(xs.size());
  const std::vector<std::int64_t> shape = {2, static_cast<std::int64_t>(xs.size() / 2)};
  const struct {
    const char* datatype;
    v1::DataType wire;
    DataType dtype;
  } types[] = {{"FP16", v1::DATA_TYPE_FLOAT16, DataType::kFloat16}, {"BF16", v1::DATA_TYPE_BFLOAT16, DataType::kBFloat16}};
  for (const auto& type : types) {
    std::vector<std::uint16_t> x(xs.size()), g(gs.size());
    RoundToNarrow(type.dtype, xs.data(), x.data(), xs.size());
    RoundToNarrow(type.dtype, gs.data(), g.data(), gs.size());
    for (const Activation& a : Catalogue()) {
      const auto params = OipParams(a);
      const std::string what = std::string(a.name) + " " + type.datatype;
      v1::GradientRequest v1_request;
      v1_request.set_activation(std::string(a.name));
      for (const auto& [name, value] : params) (*v1_request.mutable_params())[name] = value;
      v1::Tensor* input = v1_request.mutable_input();
      input->set_dtype(type.wire);
      input->set_raw(Bytes16(x));
      input->mutable_shape()->Add(shape.begin(), shape.end());
      v1_request.set_include_output(true);
      v1::GradientResponse v1_answer, v1_vjp;
      {
        grpc::ClientContext context;
        ASSERT_TRUE(server_.stub->Gradient(&context, v1_request, &v1_answer).ok()) << what;
      }
      *v1_request.mutable_grad_output() = *input;
      v1_request.mutable_grad_output()->set_raw(Bytes16(g));
      {
        grpc::ClientContext context;
        ASSERT_TRUE(server_.stub->Gradient(&context, v1_request, &v1_vjp).ok()) << what;
      }

      ModelInferRequest request;
      request.set_model_name(std::string(a.name));
      for (const auto& [name, value] : params) (*request.mutable_parameters())[name].set_double_param(value);
      for (const char* name : {"x", "grad_output"}) {
        auto* tensor = request.add_inputs();
        tensor->set_name(name);
        tensor->set_datatype(type.datatype);
        tensor->mutable_shape()->Add(shape.begin(), shape.end());
        request.add_raw_input_contents()->assign(Bytes16(std::string(name) == "x" ? x : g));
      }
      request.add_outputs()->set_name("y");
      request.add_outputs()->set_name("grad_input");
      ModelInferResponse response;
      const grpc::Status status = Infer(request, &response);
      ASSERT_TRUE(status.ok()) << what << ": " << status.error_message();
      ASSERT_EQ(response.outputs_size(), 2);
      ASSERT_EQ(response.raw_output_contents_size(), 2);
      for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(response.outputs(i).datatype(), type.datatype) << what;
        EXPECT_EQ(std::vector<std::int64_t>(response.outputs(i).shape().begin(), response.outputs(i).shape().end()),
                  shape);
      }
      EXPECT_EQ(response.raw_output_contents(0), v1_vjp.output().raw()) << what << " y";
      EXPECT_EQ(response.raw_output_contents(1), v1_vjp.grad_input().raw()) << what << " VJP";
      EXPECT_EQ(v1_answer.output().raw(), v1_vjp.output().raw()) << what;
    }
  }
}

TEST_F(OipGrpcTest, Float16Errors) {
  ModelInferRequest request;
  request.set_model_name("relu");
  auto* x = request.add_inputs();
  x->set_name("x");
  x->set_datatype("FP16");
  x->add_shape(1);
  x->mutable_contents()->add_fp32_contents(1.0f);
  ModelInferResponse response;
  grpc::Status status = Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "inputs[0]: FP16 data goes in raw_input_contents");

  x->clear_contents();
  request.add_raw_input_contents()->assign(std::string("\0\x3c", 2));
  auto* g = request.add_inputs();
  g->set_name("grad_output");
  g->set_datatype("BF16");
  g->add_shape(1);
  request.add_raw_input_contents()->assign(std::string("\x80\x3f", 2));
  request.add_outputs()->set_name("grad_input");
  status = Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "grad_output.dtype bfloat16 differs from x.dtype float16; they must be equal");

  g->set_datatype("INT32");
  status = Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "inputs[1].datatype: 'INT32' is not supported; send FP32, FP16, BF16 or FP64");
}

// FP64 in raw_input_contents or fp64_contents: answered in FP64 in the same
// form, equal to activation.v1's float64 answers, for every function.
TEST_F(OipGrpcTest, Float64EqualsActivationV1InBothForms) {
  const std::vector<float> narrow_xs = Inputs();
  const std::vector<float> narrow_gs = GradOutputs(narrow_xs.size());
  const std::vector<double> x(narrow_xs.begin(), narrow_xs.end()), g(narrow_gs.begin(), narrow_gs.end());
  const std::vector<std::int64_t> shape = {2, static_cast<std::int64_t>(x.size() / 2)};
  const auto bytes = [](const std::vector<double>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
  };
  for (const Activation& a : Catalogue()) {
    const auto params = OipParams(a);
    v1::GradientRequest v1_request;
    v1_request.set_activation(std::string(a.name));
    for (const auto& [name, value] : params) (*v1_request.mutable_params())[name] = value;
    v1_request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT64);
    v1_request.mutable_input()->mutable_double_values()->Add(x.begin(), x.end());
    v1_request.mutable_input()->mutable_shape()->Add(shape.begin(), shape.end());
    *v1_request.mutable_grad_output() = v1_request.input();
    v1_request.mutable_grad_output()->mutable_double_values()->Clear();
    v1_request.mutable_grad_output()->mutable_double_values()->Add(g.begin(), g.end());
    v1_request.set_include_output(true);
    v1::GradientResponse v1_answer;
    grpc::ClientContext context;
    const grpc::Status v1_status = server_.stub->Gradient(&context, v1_request, &v1_answer);
    for (bool raw : {false, true}) {
      const std::string what = std::string(a.name) + (raw ? " raw" : " fp64_contents");
      ModelInferRequest request;
      request.set_model_name(std::string(a.name));
      for (const auto& [name, value] : params) (*request.mutable_parameters())[name].set_double_param(value);
      for (const char* name : {"x", "grad_output"}) {
        const std::vector<double>& data = std::string(name) == "x" ? x : g;
        auto* tensor = request.add_inputs();
        tensor->set_name(name);
        tensor->set_datatype("FP64");
        tensor->mutable_shape()->Add(shape.begin(), shape.end());
        if (raw) {
          request.add_raw_input_contents()->assign(bytes(data));
        } else {
          tensor->mutable_contents()->mutable_fp64_contents()->Add(data.begin(), data.end());
        }
      }
      request.add_outputs()->set_name("y");
      request.add_outputs()->set_name("grad_input");
      ModelInferResponse response;
      const grpc::Status status = Infer(request, &response);
      ASSERT_TRUE(v1_status.ok()) << what << ": " << v1_status.error_message();
      ASSERT_TRUE(status.ok()) << what << ": " << status.error_message();
      ASSERT_EQ(response.outputs_size(), 2);
      for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(response.outputs(i).datatype(), "FP64") << what;
        EXPECT_EQ(std::vector<std::int64_t>(response.outputs(i).shape().begin(), response.outputs(i).shape().end()),
                  shape);
      }
      const auto& y_v1 = v1_answer.output().double_values();
      const auto& vjp_v1 = v1_answer.grad_input().double_values();
      ASSERT_EQ(static_cast<std::size_t>(y_v1.size()), x.size()) << what;
      ASSERT_EQ(static_cast<std::size_t>(vjp_v1.size()), x.size()) << what;
      if (raw) {
        ASSERT_EQ(response.raw_output_contents_size(), 2);
        EXPECT_EQ(response.raw_output_contents(0), bytes({y_v1.begin(), y_v1.end()})) << what << " y";
        EXPECT_EQ(response.raw_output_contents(1), bytes({vjp_v1.begin(), vjp_v1.end()})) << what << " VJP";
      } else {
        EXPECT_EQ(response.raw_output_contents_size(), 0);
        const auto& y = response.outputs(0).contents().fp64_contents();
        const auto& vjp = response.outputs(1).contents().fp64_contents();
        EXPECT_EQ(bytes({y.begin(), y.end()}), bytes({y_v1.begin(), y_v1.end()})) << what << " y";
        EXPECT_EQ(bytes({vjp.begin(), vjp.end()}), bytes({vjp_v1.begin(), vjp_v1.end()})) << what << " VJP";
      }
    }
  }
}

TEST_F(OipGrpcTest, Float64Errors) {
  ModelInferRequest request;
  request.set_model_name("relu");
  auto* x = request.add_inputs();
  x->set_name("x");
  x->set_datatype("FP64");
  x->add_shape(1);
  x->mutable_contents()->add_fp32_contents(1.0f);
  ModelInferResponse response;
  grpc::Status status = Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "inputs[0].contents: FP64 data goes in fp64_contents (or in raw_input_contents)");

  x->clear_contents();
  request.add_raw_input_contents()->assign(std::string(9, '\0'));
  status = Infer(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "raw_input_contents[0]: 9 bytes is not a multiple of 8 (FP64 elements)");
}

}  // namespace
}  // namespace activation::server::testing
