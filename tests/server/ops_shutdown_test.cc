// SIGTERM under load, against the real binary: health turns NOT_SERVING,
// open streams keep being answered, new calls are refused (UNAVAILABLE),
// every call the server took on completes (the server's own log of
// finished calls matches what the clients received), and the process exits
// 0 well within --shutdown-grace. With --shutdown-grace 0 this test fails.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "activation/v1/activation.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/reliability/child_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
namespace v1 = activation::v1;
using activation::reliability::ChildServer;

constexpr int kUnaryElements = 1 << 21;  // 8 MiB per request: calls take long enough to overlap SIGTERM

std::size_t Count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// One caller of big unary Evaluate calls until the server refuses one.
struct UnaryCaller {
  void Run(std::shared_ptr<grpc::Channel> channel) {
    auto stub = v1::ActivationService::NewStub(channel);
    v1::EvaluateRequest request;
    request.set_activation("relu");
    std::vector<float> xs(kUnaryElements);
    for (int i = 0; i < kUnaryElements; ++i) xs[i] = static_cast<float>(i % 7) - 3.0f;
    request.mutable_input()->mutable_values()->Add(xs.begin(), xs.end());
    for (;;) {
      v1::EvaluateResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      const grpc::Status status = stub->Evaluate(&context, request, &response);
      if (!status.ok()) {
        last_code = status.error_code();
        last_message = status.error_message();
        return;
      }
      bool right = response.output().values_size() == kUnaryElements;
      for (int i = 0; right && i < kUnaryElements; i += 9973) right = response.output().values(i) == std::max(xs[i], 0.0f);
      (right ? ok : wrong)++;
    }
  }
  int ok = 0, wrong = 0;
  grpc::StatusCode last_code = grpc::StatusCode::OK;
  std::string last_message;
};

TEST(OpsShutdownTest, SigtermUnderLoadLosesNoAcceptedCall) {
  ChildServer server({"--log-requests", "--log-format", "json", "--shutdown-grace", "10",
                      "--max-concurrent-calls", "0", "--max-message-bytes", "67108864"});
  ASSERT_GT(server.port(), 0) << server.Log();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  // Separate connections, as separate clients would have.
  args.SetInt("ops_test_channel", 1);
  auto channel = grpc::CreateCustomChannel(server.target(), grpc::InsecureChannelCredentials(), args);

  // Health is watched on a stream opened before the signal.
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext health_context;
  HealthCheckRequest health_request;
  health_request.set_service("activation.v1.ActivationService");
  auto watch = health->Watch(&health_context, health_request);
  HealthCheckResponse health_status;
  ASSERT_TRUE(watch->Read(&health_status));
  ASSERT_EQ(health_status.status(), HealthCheckResponse::SERVING);

  // A stream opened before the signal and answered once.
  auto stub = v1::ActivationService::NewStub(channel);
  grpc::ClientContext stream_context;
  auto stream = stub->EvaluateStream(&stream_context);
  auto chunk = [&](int i) {
    v1::EvaluateRequest request;
    request.set_activation("sigmoid");
    request.mutable_input()->add_values(static_cast<float>(i));
    v1::EvaluateResponse response;
    return stream->Write(request) && stream->Read(&response) && response.output().values_size() == 1 &&
           std::fabs(response.output().values(0) - 1.0 / (1.0 + std::exp(-static_cast<double>(i)))) < 1e-6;
  };
  ASSERT_TRUE(chunk(0));

  std::vector<UnaryCaller> callers(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    grpc::ChannelArguments own = args;
    own.SetInt("ops_test_channel", 2 + i);
    auto caller_channel = grpc::CreateCustomChannel(server.target(), grpc::InsecureChannelCredentials(), own);
    threads.emplace_back([&callers, i, caller_channel] { callers[i].Run(caller_channel); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const Clock::time_point signalled = Clock::now();
  server.Signal(SIGTERM);

  ASSERT_TRUE(watch->Read(&health_status));
  EXPECT_EQ(health_status.status(), HealthCheckResponse::NOT_SERVING);
  // The open stream is still served after the signal, chunk after chunk.
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(chunk(i)) << "chunk " << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stream->WritesDone();
  const grpc::Status stream_status = stream->Finish();
  EXPECT_TRUE(stream_status.ok()) << stream_status.error_message();

  for (auto& t : threads) t.join();
  health_context.TryCancel();
  const int exit_code = server.WaitExit(std::chrono::seconds(10));
  const double seconds = std::chrono::duration<double>(Clock::now() - signalled).count();
  EXPECT_EQ(exit_code, 0);
  EXPECT_LT(seconds, 10.0);

  int ok = 0;
  for (const UnaryCaller& c : callers) {
    ok += c.ok;
    EXPECT_EQ(c.wrong, 0);
    // Each caller ends on a refusal (UNAVAILABLE: retry elsewhere), never on
    // a call cut short (CANCELLED) after the server took it on.
    EXPECT_EQ(c.last_code, grpc::StatusCode::UNAVAILABLE) << c.last_message;
  }
  EXPECT_GT(ok, 0);
  // The server finished exactly the calls the clients saw succeed, and cut none.
  const std::string log = server.Log();
  EXPECT_EQ(Count(log, R"("msg":"call","method":"Evaluate")"), static_cast<std::size_t>(ok)) << log.substr(0, 4000);
  EXPECT_EQ(Count(log, "CANCELLED"), 0u);
  EXPECT_EQ(Count(log, R"("msg":"call","method":"EvaluateStream","activation":"sigmoid","elements":6,"chunks":6)"),
            1u)
      << log.substr(0, 4000);
}

}  // namespace
