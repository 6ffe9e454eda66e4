// Every rejection through real gRPC calls: the status code, a
// message naming the field, and a server that keeps serving.
#include <atomic>
#include <cmath>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class ErrorsTest : public ::testing::Test {
 protected:
  grpc::Status Evaluate(const v1::EvaluateRequest& request) {
    v1::EvaluateResponse response;
    grpc::ClientContext context;
    return server_.stub->Evaluate(&context, request, &response);
  }
  grpc::Status Gradient(const v1::GradientRequest& request) {
    v1::GradientResponse response;
    grpc::ClientContext context;
    return server_.stub->Gradient(&context, request, &response);
  }
  static v1::EvaluateRequest Request(const std::string& activation, v1::Tensor input) {
    v1::EvaluateRequest request;
    request.set_activation(activation);
    *request.mutable_input() = std::move(input);
    return request;
  }
  static v1::GradientRequest GradRequest(v1::Tensor input, v1::Tensor grad_output) {
    v1::GradientRequest request;
    request.set_activation("tanh");
    *request.mutable_input() = std::move(input);
    *request.mutable_grad_output() = std::move(grad_output);
    return request;
  }

  TestServer server_;
};

#define EXPECT_REJECTED(status, ...)                                      \
  do {                                                                    \
    const grpc::Status s_ = (status);                                     \
    EXPECT_EQ(s_.error_code(), grpc::StatusCode::INVALID_ARGUMENT);       \
    EXPECT_THAT(s_.error_message(), AllOf(__VA_ARGS__));                  \
  } while (0)

TEST_F(ErrorsTest, EmptyActivationListsValidNames) {
  EXPECT_REJECTED(Evaluate(Request("", MakeTensor({1}, Encoding::kValues))), HasSubstr("activation"),
                  HasSubstr("sigmoid"), HasSubstr("leaky_relu"));
}

TEST_F(ErrorsTest, UnknownActivationIsNamedWithValidNames) {
  EXPECT_REJECTED(Evaluate(Request("sigmoidd", MakeTensor({1}, Encoding::kValues))), HasSubstr("activation"),
                  HasSubstr("unknown activation 'sigmoidd'; valid names: "), HasSubstr("relu"));
}

TEST_F(ErrorsTest, UnknownParameterIsNamed) {
  v1::EvaluateRequest request = Request("leaky_relu", MakeTensor({1}, Encoding::kValues));
  (*request.mutable_params())["alpha"] = 1;
  EXPECT_REJECTED(Evaluate(request), HasSubstr("params"), HasSubstr("alpha"), HasSubstr("negative_slope"));
  request.set_activation("sigmoid");
  EXPECT_REJECTED(Evaluate(request), HasSubstr("alpha"), HasSubstr("takes no parameters"));
}

TEST_F(ErrorsTest, NonFiniteParameterIsOutOfRange) {
  for (double bad : {NAN, INFINITY, -INFINITY}) {
    v1::GradientRequest request = GradRequest(MakeTensor({1}, Encoding::kValues), MakeTensor({1}, Encoding::kValues));
    request.set_activation("leaky_relu");
    (*request.mutable_params())["negative_slope"] = bad;
    EXPECT_REJECTED(Gradient(request), HasSubstr("params: leaky_relu.negative_slope"), HasSubstr("range"));
  }
}

TEST_F(ErrorsTest, BothEncodingsSet) {
  v1::Tensor both = MakeTensor({1, 2}, Encoding::kValues);
  both.set_raw(std::string(8, '\0'));
  EXPECT_REJECTED(Evaluate(Request("relu", both)), HasSubstr("input"), HasSubstr("both values"));
  EXPECT_REJECTED(Gradient(GradRequest(MakeTensor({1, 2}, Encoding::kRaw), both)), HasSubstr("grad_output"),
                  HasSubstr("both values"));
}

TEST_F(ErrorsTest, RaggedRawBytes) {
  v1::Tensor ragged;
  ragged.set_raw(std::string(7, '\0'));
  EXPECT_REJECTED(Evaluate(Request("relu", ragged)), HasSubstr("input.raw"), HasSubstr("multiple of 4"));
  EXPECT_REJECTED(Gradient(GradRequest(MakeTensor({1, 2}, Encoding::kRaw), ragged)), HasSubstr("grad_output.raw"));
}

TEST_F(ErrorsTest, ShapeDoesNotMatchCount) {
  EXPECT_REJECTED(Evaluate(Request("relu", MakeTensor({1, 2, 3, 4}, Encoding::kRaw, {3, 2}))),
                  HasSubstr("input.shape"), HasSubstr("4"));
  EXPECT_REJECTED(Evaluate(Request("relu", MakeTensor({1, 2}, Encoding::kValues, {-1, -2}))),
                  HasSubstr("input.shape"), HasSubstr("negative"));
}

TEST_F(ErrorsTest, GradOutputCountMismatch) {
  EXPECT_REJECTED(Gradient(GradRequest(MakeTensor({1, 2, 3}, Encoding::kValues), MakeTensor({1, 2}, Encoding::kRaw))),
                  HasSubstr("grad_output"), HasSubstr("2 elements"), HasSubstr("input has 3"));
  // An empty grad_output that is present still means a VJP, so it must match.
  EXPECT_REJECTED(Gradient(GradRequest(MakeTensor({1}, Encoding::kValues), v1::Tensor())), HasSubstr("grad_output"));
}

TEST(OversizeTest, MessageAboveLimitIsResourceExhaustedAndServerGoesOn) {
  ServerConfig config = TestServer::Defaults();
  config.max_message_bytes = 64 * 1024;
  TestServer server(config);
  v1::EvaluateRequest big;
  big.set_activation("relu");
  *big.mutable_input() = MakeTensor(std::vector<float>(32 * 1024, 1.f), Encoding::kRaw);
  v1::EvaluateResponse response;
  {
    grpc::ClientContext context;
    EXPECT_EQ(server.stub->Evaluate(&context, big, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  *big.mutable_input() = MakeTensor(std::vector<float>(1024, -1.f), Encoding::kRaw);
  grpc::ClientContext context;
  ASSERT_TRUE(server.stub->Evaluate(&context, big, &response).ok());
  EXPECT_EQ(response.output().raw(), std::string(4096, '\0'));
}

// Bad calls interleaved with good ones from many threads: every good call is
// answered exactly, every bad one rejected.
TEST_F(ErrorsTest, RejectedCallsDoNotAffectOthers) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const bool bad = (i + t) % 2 == 0;
        const float x = static_cast<float>(i - 20);
        v1::EvaluateRequest request = Request(bad ? "nope" : "relu", MakeTensor({x, -x}, Encoding::kValues));
        v1::EvaluateResponse response;
        grpc::ClientContext context;
        const grpc::Status status = server_.stub->Evaluate(&context, request, &response);
        if (bad) {
          wrong += status.error_code() != grpc::StatusCode::INVALID_ARGUMENT;
        } else {
          wrong += !status.ok() || response.output().values_size() != 2 ||
                   response.output().values(0) != std::max(x, 0.f) || response.output().values(1) != std::max(-x, 0.f);
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace activation::server::testing
