// Limits: --max-concurrent-calls turns calls past the limit away with
// RESOURCE_EXHAUSTED (streams hold their slot while open), and
// --max-connection-age makes the server close aged connections so clients
// reconnect (and rebalance behind an L4 load balancer).
#include <chrono>
#include <thread>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "server/config.h"
#include "tests/server/ops_server.h"

namespace activation::server::testing {
namespace {

using Stream = grpc::ClientReaderWriter<v1::EvaluateRequest, v1::EvaluateResponse>;

// An EvaluateStream that has been answered once, so the server holds it.
struct OpenStream {
  explicit OpenStream(v1::ActivationService::Stub& stub) : stream(stub.EvaluateStream(&context)) {
    v1::EvaluateRequest request;
    request.set_activation("relu");
    request.mutable_input()->add_values(-1.0f);
    v1::EvaluateResponse response;
    answered = stream->Write(request) && stream->Read(&response) && response.output().values(0) == 0.0f;
  }
  grpc::Status Close() {
    stream->WritesDone();
    return stream->Finish();
  }
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream;
  bool answered = false;
};

TEST(OpsLimitsTest, CallsPastMaxConcurrentCallsAreResourceExhausted) {
  ServerConfig config = OpsDefaults();
  config.max_concurrent_calls = 2;
  OpsServer server(config);
  auto stub = v1::ActivationService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));

  OpenStream first(*stub), second(*stub);
  ASSERT_TRUE(first.answered);
  ASSERT_TRUE(second.answered);

  const grpc::Status refused = EvaluateSigmoid(*stub);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("--max-concurrent-calls"), std::string::npos) << refused.error_message();
  OpenStream third(*stub);
  EXPECT_FALSE(third.answered);
  EXPECT_EQ(third.Close().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  ASSERT_TRUE(first.Close().ok());
  // The slot frees when the server has sent the stream's status, just after
  // the client sees it.
  grpc::Status after = EvaluateSigmoid(*stub);
  for (int i = 0; i < 100 && !after.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    after = EvaluateSigmoid(*stub);
  }
  EXPECT_TRUE(after.ok()) << after.error_message();
  EXPECT_TRUE(second.Close().ok());
}

// The channel's connection after `wait`: READY if the server kept it,
// IDLE if the server sent GOAWAY and nothing has reconnected yet.
grpc_connectivity_state StateAfterIdling(double max_connection_age_seconds, std::chrono::milliseconds wait) {
  ServerConfig config = OpsDefaults();
  config.max_connection_age_seconds = max_connection_age_seconds;
  config.shutdown_grace_seconds = 0.1;
  OpsServer server(config);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials());
  auto stub = v1::ActivationService::NewStub(channel);
  EXPECT_TRUE(EvaluateSigmoid(*stub).ok());
  EXPECT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  std::this_thread::sleep_for(wait);
  const grpc_connectivity_state state = channel->GetState(false);
  EXPECT_TRUE(EvaluateSigmoid(*stub).ok());  // clients simply reconnect
  return state;
}

TEST(OpsLimitsTest, MaxConnectionAgeClosesAgedConnections) {
  EXPECT_EQ(StateAfterIdling(0.5, std::chrono::milliseconds(1500)), GRPC_CHANNEL_IDLE);
}

TEST(OpsLimitsTest, WithoutMaxConnectionAgeConnectionsStay) {
  EXPECT_EQ(StateAfterIdling(0, std::chrono::milliseconds(1500)), GRPC_CHANNEL_READY);
}

TEST(OpsLimitsTest, BadLimitValuesNameTheFlag) {
  ServerConfig config = OpsDefaults();
  config.max_concurrent_calls = -1;
  EXPECT_EQ(ValidateServerConfig(config), "--max-concurrent-calls: -1 is outside [0, 1000000] (0 = unlimited)");
  config = OpsDefaults();
  config.keepalive_time_seconds = 0;
  EXPECT_EQ(ValidateServerConfig(config), "--keepalive-time: 0 is outside [1, 86400] (seconds)");
  config = OpsDefaults();
  config.max_connection_age_seconds = -2;
  EXPECT_EQ(ValidateServerConfig(config), "--max-connection-age: -2 is outside [0, 604800] (seconds, 0 = never)");
  config = OpsDefaults();
  config.metrics_listen = "9090";
  EXPECT_EQ(ValidateServerConfig(config), "--metrics-listen: '9090' is not HOST:PORT with a port in [0, 65535]");
}

}  // namespace
}  // namespace activation::server::testing
