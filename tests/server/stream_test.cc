// EvaluateStream and GradientStream: in order, one answer per chunk, a bad
// chunk ends the stream naming its index.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/server/expect_close.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

std::vector<float> Chunk(int index, std::size_t n) {
  std::vector<float> xs(n);
  for (std::size_t i = 0; i < n; ++i) xs[i] = static_cast<float>(index) - 3.f + 0.01f * static_cast<float>(i);
  return xs;
}

TEST(StreamTest, EvaluateStreamAnswersEveryChunkInOrder) {
  TestServer server;
  grpc::ClientContext context;
  auto stream = server.stub->EvaluateStream(&context);
  for (int chunk = 0; chunk < 8; ++chunk) {
    v1::EvaluateRequest request;
    request.set_activation(chunk % 2 ? "sigmoid" : "tanh");
    const std::vector<float> xs = Chunk(chunk, 100 + chunk);
    *request.mutable_input() = MakeTensor(xs, chunk % 3 ? Encoding::kRaw : Encoding::kValues);
    ASSERT_TRUE(stream->Write(request));
    v1::EvaluateResponse response;
    ASSERT_TRUE(stream->Read(&response));
    std::vector<double> want;
    for (float x : xs) want.push_back(ReferenceForward(request.activation(), x, 0));
    ExpectClose(ReadTensor(response.output(), request.input()), want, xs, "chunk " + std::to_string(chunk));
  }
  stream->WritesDone();
  v1::EvaluateResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());
}

// The client writes everything first: answers still come back in order.
TEST(StreamTest, GradientStreamPipelinedWrites) {
  TestServer server;
  grpc::ClientContext context;
  auto stream = server.stub->GradientStream(&context);
  constexpr int kChunks = 16;
  std::thread writer([&] {
    for (int chunk = 0; chunk < kChunks; ++chunk) {
      v1::GradientRequest request;
      request.set_activation("sigmoid");
      *request.mutable_input() = MakeTensor(Chunk(chunk, 1000), Encoding::kRaw);
      *request.mutable_grad_output() = MakeTensor(std::vector<float>(1000, 2.f), Encoding::kValues);
      stream->Write(request);
    }
    stream->WritesDone();
  });
  int answered = 0;
  v1::GradientResponse response;
  while (stream->Read(&response)) {
    const std::vector<float> xs = Chunk(answered, 1000);
    std::vector<double> want;
    for (float x : xs) want.push_back(2.0 * ReferenceDerivative("sigmoid", x, 0));
    ASSERT_EQ(response.grad_input().raw().size(), 4000u);
    v1::Tensor like = MakeTensor(xs, Encoding::kRaw);
    ExpectClose(ReadTensor(response.grad_input(), like), want, xs, "chunk " + std::to_string(answered));
    ++answered;
  }
  writer.join();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(answered, kChunks);
}

TEST(StreamTest, BadChunkEndsStreamNamingItsIndex) {
  TestServer server;
  grpc::ClientContext context;
  auto stream = server.stub->EvaluateStream(&context);
  for (int chunk = 0; chunk < 5; ++chunk) {
    v1::EvaluateRequest request;
    request.set_activation("relu");
    *request.mutable_input() = MakeTensor({1.f, -1.f}, Encoding::kValues);
    if (chunk == 3) request.mutable_input()->set_raw("abc");  // both encodings, ragged
    if (!stream->Write(request)) break;
    v1::EvaluateResponse response;
    if (chunk < 3) {
      ASSERT_TRUE(stream->Read(&response));
      EXPECT_EQ(response.output().values(0), 1.f);
    }
  }
  v1::EvaluateResponse response;
  EXPECT_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("chunk 3: input"));
}

TEST(StreamTest, EmptyStreamFinishesOk) {
  TestServer server;
  grpc::ClientContext context;
  auto stream = server.stub->GradientStream(&context);
  stream->WritesDone();
  v1::GradientResponse response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace activation::server::testing
