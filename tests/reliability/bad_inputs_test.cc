// The bad-inputs table of docs/reliability.md, row by row, through real gRPC calls to one
// in-process server: every class of bad input gets its status code and a
// message naming the field, and the server answers a good call after each.
// BAD_INPUTS_PRINT=1 prints each row with the server's real message, in the
// docs table's format (that is where the docs' examples come from).
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kMaxMessageBytes = 64 * 1024;

// One call of any RPC; returns its status and (for OK) what it answered.
struct Outcome {
  grpc::Status status;
  std::vector<float> output;  // Evaluate output or Gradient grad_input
};

struct Row {
  std::string input_class;
  grpc::StatusCode code;
  std::vector<std::string> message_parts;  // all must appear in the message
  std::function<Outcome(v1::ActivationService::Stub&)> call;
  std::function<void(const std::vector<float>&)> check_output = nullptr;  // OK rows only
};

v1::EvaluateRequest Eval(const std::string& activation, v1::Tensor input,
                         std::vector<std::pair<std::string, double>> params = {}) {
  v1::EvaluateRequest request;
  request.set_activation(activation);
  for (const auto& [name, value] : params) (*request.mutable_params())[name] = value;
  *request.mutable_input() = std::move(input);
  return request;
}

v1::GradientRequest Grad(const std::string& activation, v1::Tensor input, v1::Tensor grad_output) {
  v1::GradientRequest request;
  request.set_activation(activation);
  *request.mutable_input() = std::move(input);
  *request.mutable_grad_output() = std::move(grad_output);
  return request;
}

std::function<Outcome(v1::ActivationService::Stub&)> Call(v1::EvaluateRequest request) {
  return [request](v1::ActivationService::Stub& stub) {
    v1::EvaluateResponse response;
    grpc::ClientContext context;
    Outcome outcome{stub.Evaluate(&context, request, &response), {}};
    if (outcome.status.ok()) outcome.output = ReadTensor(response.output(), request.input());
    return outcome;
  };
}

std::function<Outcome(v1::ActivationService::Stub&)> Call(v1::GradientRequest request) {
  return [request](v1::ActivationService::Stub& stub) {
    v1::GradientResponse response;
    grpc::ClientContext context;
    Outcome outcome{stub.Gradient(&context, request, &response), {}};
    if (outcome.status.ok()) outcome.output = ReadTensor(response.grad_input(), request.input());
    return outcome;
  };
}

// A stream whose second chunk is bad: the first is answered, then the
// stream ends naming the bad chunk's index.
std::function<Outcome(v1::ActivationService::Stub&)> StreamWithBadSecondChunk() {
  return [](v1::ActivationService::Stub& stub) {
    grpc::ClientContext context;
    auto stream = stub.EvaluateStream(&context);
    stream->Write(Eval("relu", MakeTensor({-1, 2}, Encoding::kValues)));
    stream->Write(Eval("relu", MakeTensor({1}, Encoding::kValues), {{"slope", 1}}));
    stream->WritesDone();
    v1::EvaluateResponse response;
    int answered = 0;
    while (stream->Read(&response)) ++answered;
    Outcome outcome{stream->Finish(), {}};
    EXPECT_EQ(answered, 1) << "the good chunk before the bad one is answered";
    return outcome;
  };
}

std::vector<Row> Table() {
  const v1::Tensor one = MakeTensor({1}, Encoding::kValues);
  v1::Tensor both = MakeTensor({1, 2}, Encoding::kValues);
  both.set_raw(std::string(8, '\0'));
  v1::Tensor ragged;
  ragged.set_raw(std::string(7, '\0'));
  const float inf = INFINITY, nan = NAN;
  using C = grpc::StatusCode;
  return {
      {"empty activation name", C::INVALID_ARGUMENT, {"activation", "must not be empty", "valid names", "sigmoid"},
       Call(Eval("", one))},
      {"unknown activation", C::INVALID_ARGUMENT, {"activation", "'swishh'", "valid names", "relu"},
       Call(Eval("swishh", one))},
      {"unknown parameter", C::INVALID_ARGUMENT, {"params: leaky_relu.alpha", "unknown parameter", "negative_slope"},
       Call(Eval("leaky_relu", one, {{"alpha", 0.1}}))},
      {"parameter for an activation without any", C::INVALID_ARGUMENT, {"params: relu.slope", "takes no parameters"},
       Call(Eval("relu", one, {{"slope", 1}}))},
      {"out-of-range parameter", C::INVALID_ARGUMENT, {"params: softplus.beta", "out of range", "valid range: (0, inf)"},
       Call(Eval("softplus", one, {{"beta", -1}}))},
      {"NaN parameter", C::INVALID_ARGUMENT, {"params: leaky_relu.negative_slope", "nan", "out of range", "finite"},
       Call(Eval("leaky_relu", one, {{"negative_slope", NAN}}))},
      {"infinite parameter", C::INVALID_ARGUMENT, {"params: elu.alpha", "inf", "out of range", "finite"},
       Call(Eval("elu", one, {{"alpha", -INFINITY}}))},
      {"missing required parameter", C::INVALID_ARGUMENT, {"params: threshold.threshold", "required parameter is missing"},
       Call(Eval("threshold", one))},
      {"both encodings set", C::INVALID_ARGUMENT, {"input", "both values", "raw", "send exactly one"},
       Call(Eval("relu", both))},
      {"ragged raw bytes", C::INVALID_ARGUMENT, {"input.raw", "7 bytes", "not a multiple of 4"},
       Call(Eval("relu", ragged))},
      {"shape does not match the element count", C::INVALID_ARGUMENT, {"input.shape", "[3,2]", "element count 4"},
       Call(Eval("relu", MakeTensor({1, 2, 3, 4}, Encoding::kRaw, {3, 2})))},
      {"negative dimension", C::INVALID_ARGUMENT, {"input.shape[0]", "-2", "negative"},
       Call(Eval("relu", MakeTensor({1, 2}, Encoding::kValues, {-2, -1})))},
      {"grad_output count differs from input", C::INVALID_ARGUMENT,
       {"grad_output", "2 elements", "input has 3", "must match"},
       Call(Grad("tanh", MakeTensor({1, 2, 3}, Encoding::kValues), MakeTensor({1, 2}, Encoding::kRaw)))},
      {"grad_output with both encodings", C::INVALID_ARGUMENT, {"grad_output", "both values"},
       Call(Grad("tanh", MakeTensor({1, 2}, Encoding::kRaw), both))},
      {"grad_output ragged raw bytes", C::INVALID_ARGUMENT, {"grad_output.raw", "not a multiple of 4"},
       Call(Grad("tanh", MakeTensor({1, 2}, Encoding::kRaw), ragged))},
      {"bad chunk in a stream", C::INVALID_ARGUMENT, {"chunk 1", "params: relu.slope"}, StreamWithBadSecondChunk()},
      {"message over --max-message-bytes", C::RESOURCE_EXHAUSTED, {"larger than max"},
       Call(Eval("relu", MakeTensor(std::vector<float>(kMaxMessageBytes / 4 + 16, 1.f), Encoding::kRaw)))},
      {"empty input (valid)", C::OK, {},
       Call(Eval("sigmoid", MakeTensor({}, Encoding::kRaw))),
       [](const std::vector<float>& out) { EXPECT_TRUE(out.empty()); }},
      {"NaN and +-inf data (valid)", C::OK, {},
       Call(Eval("sigmoid", MakeTensor({nan, inf, -inf}, Encoding::kValues))),
       [](const std::vector<float>& out) {
         ASSERT_EQ(out.size(), 3u);
         EXPECT_TRUE(std::isnan(out[0]));
         EXPECT_EQ(out[1], 1.f);
         EXPECT_EQ(out[2], 0.f);
       }},
      {"NaN and +-inf data in a gradient (valid)", C::OK, {},
       Call(Grad("relu", MakeTensor({nan, inf, -inf}, Encoding::kRaw), MakeTensor({1, 2, 3}, Encoding::kRaw))),
       [](const std::vector<float>& out) {
         ASSERT_EQ(out.size(), 3u);
         EXPECT_TRUE(std::isnan(out[0]));
         EXPECT_EQ(out[1], 2.f);
         EXPECT_EQ(out[2], 0.f);
       }},
  };
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    default: return "other";
  }
}

// The good call made after every row: the server still answers it exactly.
void ExpectStillServing(v1::ActivationService::Stub& stub) {
  const Outcome outcome = Call(Eval("relu", MakeTensor({-3, 0.5f}, Encoding::kRaw)))(stub);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.output, (std::vector<float>{0, 0.5f}));
}

TEST(BadInputsTableTest, EveryRowHasItsCodeAndMessageAndTheServerGoesOn) {
  ServerConfig config = TestServer::Defaults();
  config.max_message_bytes = kMaxMessageBytes;
  TestServer server(config);
  const bool print = std::getenv("BAD_INPUTS_PRINT") != nullptr;
  for (const Row& row : Table()) {
    SCOPED_TRACE(row.input_class);
    const Outcome outcome = row.call(*server.stub);
    EXPECT_EQ(outcome.status.error_code(), row.code) << outcome.status.error_message();
    for (const std::string& part : row.message_parts) EXPECT_THAT(outcome.status.error_message(), HasSubstr(part));
    if (row.check_output && outcome.status.ok()) row.check_output(outcome.output);
    if (print) {
      std::cout << "| " << row.input_class << " | `" << CodeName(row.code) << "` | "
                << (outcome.status.ok() ? "" : "`" + outcome.status.error_message() + "`") << " |\n";
    }
    ExpectStillServing(*server.stub);
  }
}

}  // namespace
}  // namespace activation::server::testing
