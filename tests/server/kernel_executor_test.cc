// --threads N: the same answers when the kernels run on a worker pool.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/server/expect_close.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

ServerConfig WithPool() {
  ServerConfig config = TestServer::Defaults();
  config.threads = 2;
  return config;
}

TEST(KernelExecutorTest, UnaryCallsFromManyCallers) {
  TestServer server(WithPool());
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 30; ++i) {
        v1::GradientRequest request;
        request.set_activation("tanh");
        *request.mutable_input() = MakeTensor(SampleInputs(), i % 2 ? Encoding::kRaw : Encoding::kValues);
        request.set_include_output(true);
        v1::GradientResponse response;
        grpc::ClientContext context;
        if (!server.stub->Gradient(&context, request, &response).ok()) {
          ++wrong;
          continue;
        }
        const std::vector<float> got = ReadTensor(response.output(), request.input());
        for (std::size_t k = 0; k < got.size(); ++k) {
          wrong += UlpDistance(got[k], static_cast<float>(ReferenceForward("tanh", SampleInputs()[k], 0))) > kMaxUlp;
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(KernelExecutorTest, StreamAnswersInOrderThenRejectsBadChunk) {
  TestServer server(WithPool());
  grpc::ClientContext context;
  auto stream = server.stub->EvaluateStream(&context);
  for (int chunk = 0; chunk < 4; ++chunk) {
    v1::EvaluateRequest request;
    request.set_activation("relu");
    *request.mutable_input() = MakeTensor({static_cast<float>(chunk), -1.f}, Encoding::kRaw);
    ASSERT_TRUE(stream->Write(request));
    v1::EvaluateResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(ReadTensor(response.output(), request.input()), (std::vector<float>{static_cast<float>(chunk), 0.f}));
  }
  v1::EvaluateRequest bad;
  bad.set_activation("relu");
  (*bad.mutable_params())["slope"] = 1;
  stream->Write(bad);
  v1::EvaluateResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("chunk 4: params"));
}

}  // namespace
}  // namespace activation::server::testing
