// Requests refused by the wire library through real gRPC calls: an answer
// over the send limit (refused before computing), a shape rank over the cap,
// a grad_output whose shape differs from the input's. Each names what to
// change, and the server keeps serving.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr std::int64_t kLimit = 8192;

v1::GradientRequest BothOutputs(std::size_t n) {
  v1::GradientRequest request;
  request.set_activation("sigmoid");
  request.set_include_output(true);
  *request.mutable_input() = MakeTensor(std::vector<float>(n, 0.f), Encoding::kRaw);
  return request;
}

// What protobuf itself says the answer to BothOutputs(n) serializes to.
std::size_t AnswerBytes(std::size_t n) {
  v1::GradientResponse answer;
  answer.mutable_grad_input()->set_raw(std::string(4 * n, '\0'));
  answer.mutable_output()->set_raw(std::string(4 * n, '\0'));
  return answer.ByteSizeLong();
}

TEST(SendLimitTest, AnAnswerOverTheLimitIsRefusedWithBothSizesAndTheFlag) {
  ServerConfig config = TestServer::Defaults();
  config.max_message_bytes = kLimit;
  TestServer server(config);
  std::size_t fits = 0;
  while (AnswerBytes(fits + 1) <= static_cast<std::size_t>(kLimit)) ++fits;
  ASSERT_LT(BothOutputs(fits + 1).ByteSizeLong(), static_cast<std::size_t>(kLimit));  // the request fits

  v1::GradientResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server.stub->Gradient(&context, BothOutputs(fits), &response).ok());
    EXPECT_EQ(response.ByteSizeLong(), AnswerBytes(fits));
  }
  {
    grpc::ClientContext context;
    const grpc::Status status = server.stub->Gradient(&context, BothOutputs(fits + 1), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(), AllOf(HasSubstr(std::to_string(AnswerBytes(fits + 1)) + " bytes"),
                                              HasSubstr(std::to_string(kLimit)), HasSubstr("--max-message-bytes")));
  }
  grpc::ClientContext context;
  EXPECT_TRUE(server.stub->Gradient(&context, BothOutputs(1), &response).ok());
}

class ShapeTest : public ::testing::Test {
 protected:
  grpc::Status Gradient(const std::vector<std::int64_t>& input_shape, const std::vector<std::int64_t>& grad_shape,
                        std::size_t n) {
    v1::GradientRequest request;
    request.set_activation("tanh");
    *request.mutable_input() = MakeTensor(std::vector<float>(n, 0.5f), Encoding::kValues);
    request.mutable_input()->mutable_shape()->Add(input_shape.begin(), input_shape.end());
    *request.mutable_grad_output() = MakeTensor(std::vector<float>(n, 1.f), Encoding::kValues);
    request.mutable_grad_output()->mutable_shape()->Add(grad_shape.begin(), grad_shape.end());
    v1::GradientResponse response;
    grpc::ClientContext context;
    return server_.stub->Gradient(&context, request, &response);
  }
  TestServer server_;
};

TEST_F(ShapeTest, RankAboveTheCapIsInvalidArgument) {
  EXPECT_TRUE(Gradient(std::vector<std::int64_t>(32, 1), {}, 1).ok());
  for (std::size_t rank : {33, 1000}) {
    const grpc::Status status = Gradient(std::vector<std::int64_t>(rank, 1), {}, 1);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                AllOf(HasSubstr("input.shape"), HasSubstr("rank " + std::to_string(rank)), HasSubstr("32")));
  }
  EXPECT_TRUE(Gradient({2, 3}, {}, 6).ok());  // still serving
}

TEST_F(ShapeTest, GradOutputShapeMustEqualTheInputShape) {
  EXPECT_TRUE(Gradient({2, 3}, {2, 3}, 6).ok());
  EXPECT_TRUE(Gradient({2, 3}, {}, 6).ok());  // no shape: the element count must match
  EXPECT_TRUE(Gradient({}, {6}, 6).ok());     // no input shape means [n]
  const grpc::Status transposed = Gradient({2, 3}, {3, 2}, 6);
  EXPECT_EQ(transposed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(transposed.error_message(), AllOf(HasSubstr("grad_output.shape [3, 2]"), HasSubstr("input.shape [2, 3]")));
  const grpc::Status flat = Gradient({2, 3}, {6}, 6);
  EXPECT_EQ(flat.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(flat.error_message(), AllOf(HasSubstr("grad_output.shape [6]"), HasSubstr("input.shape [2, 3]")));
}

}  // namespace
}  // namespace activation::server::testing
