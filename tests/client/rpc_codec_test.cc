// Chunks to activation.v1 messages and back, and the channel's service config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "client/batch/rpc_codec.h"
#include "client/channel.h"
#include "tests/client/elements_util.h"

namespace activation::client {
namespace {

using ::testing::HasSubstr;

TEST(RpcCodec, RawCarriesLittleEndianBytesAndRowsBecomeAShape) {
  Job job;
  job.activation = "softmax";
  job.params = {{"dim", 1}};
  Chunk chunk;
  chunk.input = MakeElements(std::vector<float>{1.5f, -2.f, 3.f, 4.f});
  chunk.row_length = 2;
  activation::v1::EvaluateRequest request;
  BuildRequest(job, chunk, &request);
  EXPECT_EQ(request.activation(), "softmax");
  EXPECT_EQ(request.params().at("dim"), 1.0);
  EXPECT_EQ(request.input().values_size(), 0);
  ASSERT_EQ(request.input().raw().size(), 16u);
  EXPECT_EQ(std::memcmp(request.input().raw().data(), chunk.input.data(), 16), 0);
  EXPECT_THAT(request.input().shape(), ::testing::ElementsAre(2, 2));
}

TEST(RpcCodec, ValuesEncodingAndVjpFields) {
  Job job;
  job.mode = Mode::kVjp;
  job.include_output = true;
  job.raw_encoding = false;
  Chunk chunk;
  chunk.input = MakeElements(std::vector<float>{1, 2});
  chunk.grad_output = MakeElements(std::vector<float>{3, 4});
  activation::v1::GradientRequest request;
  BuildRequest(job, chunk, &request);
  EXPECT_THAT(request.input().values(), ::testing::ElementsAre(1, 2));
  EXPECT_THAT(request.grad_output().values(), ::testing::ElementsAre(3, 4));
  EXPECT_TRUE(request.include_output());
  EXPECT_TRUE(request.input().shape().empty());
}

TEST(RpcCodec, ResponsesDecodeFromEitherEncoding) {
  Job job;
  job.mode = Mode::kDerivative;
  job.include_output = true;
  Chunk chunk;
  chunk.input = MakeElements(std::vector<float>{0, 0});
  activation::v1::GradientResponse response;
  response.mutable_grad_input()->add_values(0.25f);
  response.mutable_grad_input()->add_values(0.5f);
  const float out[2] = {0.5f, 0.75f};
  response.mutable_output()->set_raw(std::string(reinterpret_cast<const char*>(out), 8));
  TakeResponse(job, response, &chunk);
  EXPECT_EQ(ValuesOf<float>(chunk.result), (std::vector<float>{0.25f, 0.5f}));
  EXPECT_EQ(ValuesOf<float>(chunk.output), (std::vector<float>{0.5f, 0.75f}));
}

TEST(RpcCodec, AResponseOfTheWrongSizeIsAnError) {
  Chunk chunk;
  chunk.input = MakeElements(std::vector<float>{1, 2, 3});
  activation::v1::EvaluateResponse response;
  response.mutable_output()->add_values(1);
  try {
    TakeResponse(Job{}, response, &chunk);
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("server sent output: 1 float32 elements for 3 float32 inputs"));
  }
}

TEST(Channel, ServiceConfigBalancesAndRetriesTheIdempotentCalls) {
  ConnectionOptions options;
  options.lb = "round_robin";
  const std::string config = ServiceConfigJson(options);
  EXPECT_THAT(config, HasSubstr("{\"round_robin\": {}}"));
  EXPECT_THAT(config, HasSubstr("\"method\": \"Evaluate\""));
  EXPECT_THAT(config, HasSubstr("\"method\": \"Gradient\""));
  EXPECT_THAT(config, HasSubstr("\"retryableStatusCodes\": [\"UNAVAILABLE\"]"));
  EXPECT_THAT(config, HasSubstr("\"maxAttempts\": 4"));
  options.retries = 1;
  EXPECT_THAT(ServiceConfigJson(options), ::testing::Not(HasSubstr("retryPolicy")));
}

TEST(Channel, StatusNamesAndDescriptions) {
  EXPECT_STREQ(StatusCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(DescribeStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "input: bad")),
            "INVALID_ARGUMENT: input: bad");
}

TEST(Channel, CertificateWithoutKeyIsRefused) {
  ConnectionOptions options;
  options.tls_cert = "/dev/null";
  EXPECT_THROW(MakeChannel(options), std::runtime_error);
}

}  // namespace
}  // namespace activation::client
