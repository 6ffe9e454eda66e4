// Hostile clients: junk method paths and names add no metrics series, a huge
// name comes back bounded in the message, a call over the memory budget is
// refused naming the flag, and the server keeps serving.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "tests/server/ops_http.h"
#include "tests/server/ops_server.h"

namespace activation::server::testing {
namespace {

// The bytes still reserved once every call has ended: a call releases its
// reservation when gRPC is done sending its answer (OnDone), which may come
// just after the client has it, so wait for that (at most 10 s).
std::int64_t ReservedOnceSettled(const OpsServer& server) {
  for (int i = 0; i < 1000 && server.server->calls().reserved_bytes() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return server.server->calls().reserved_bytes();
}

std::size_t SeriesCount(const std::string& scrape) {
  std::istringstream lines(scrape);
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) count += line.rfind("activation_server_", 0) == 0;
  return count;
}

grpc::Status EvaluateNamed(v1::ActivationService::Stub& stub, const std::string& name) {
  v1::EvaluateRequest request;
  request.set_activation(name);
  request.mutable_input()->add_values(1.0f);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  return stub.Evaluate(&context, request, &response);
}

grpc::Status CallJunkPath(grpc::GenericStub& stub, const std::string& path) {
  grpc::ClientContext context;
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status status;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mutex);
    status = std::move(s);
    done = true;
    done_cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  return status;
}

// A call's metrics land just after the client has its answer: the scrape
// once `count` junk calls of each kind have been counted.
std::string ScrapeAfterJunk(int metrics_port, double count) {
  const std::map<std::string, std::string> path = {
      {"grpc_service", "unknown"}, {"grpc_method", "unknown"}, {"activation", ""}, {"grpc_code", "UNIMPLEMENTED"}};
  const std::map<std::string, std::string> name = {{"grpc_service", "activation.v1.ActivationService"},
                                                   {"grpc_method", "Evaluate"},
                                                   {"activation", "unknown"},
                                                   {"grpc_code", "INVALID_ARGUMENT"}};
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text = HttpGet(metrics_port, "/metrics");
    if (Sample(text, "activation_server_requests_total", path) == count &&
        Sample(text, "activation_server_requests_total", name) == count) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return text;
}

TEST(OpsHostileTest, JunkPathsAndNamesAddNoSeries) {
  ServerConfig config = OpsDefaults();
  config.metrics_listen = "127.0.0.1:0";
  OpsServer server(config);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials());
  auto stub = v1::ActivationService::NewStub(channel);
  grpc::GenericStub generic(channel);
  // One junk call of each kind first, so that the "unknown" series exist.
  ASSERT_EQ(CallJunkPath(generic, "/evil.Svc/Method").error_code(), grpc::StatusCode::UNIMPLEMENTED);
  ASSERT_EQ(EvaluateNamed(*stub, "evil").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::string first = ScrapeAfterJunk(server.operations->metrics_port(), 1);
  const std::size_t before = SeriesCount(first);
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(CallJunkPath(generic, "/evil.Svc" + std::to_string(i) + "/Method" + std::to_string(i)).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_EQ(EvaluateNamed(*stub, "evil_" + std::to_string(i)).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  const std::string last = ScrapeAfterJunk(server.operations->metrics_port(), 301);
  EXPECT_EQ(Sample(last, "activation_server_requests_total",
                   {{"grpc_service", "unknown"}, {"grpc_method", "unknown"}, {"activation", ""},
                    {"grpc_code", "UNIMPLEMENTED"}}),
            301);
  EXPECT_EQ(SeriesCount(last), before);
  EXPECT_TRUE(EvaluateSigmoid(*stub).ok());
}

TEST(OpsHostileTest, AHugeOrMultiLineNameComesBackBoundedAndEscaped) {
  OpsServer server(OpsDefaults());
  auto stub = v1::ActivationService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));
  const grpc::Status huge = EvaluateNamed(*stub, std::string(200 * 1024, 'x'));
  EXPECT_EQ(huge.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(huge.error_message().size(), 1024u) << huge.error_message().substr(0, 200);
  EXPECT_NE(huge.error_message().find("(204800 bytes)"), std::string::npos) << huge.error_message().substr(0, 400);
  const grpc::Status forged = EvaluateNamed(*stub, "relu\n2026-01-01T00:00:00Z E forged");
  EXPECT_EQ(forged.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(forged.error_message().find('\n'), std::string::npos) << forged.error_message();
  EXPECT_NE(forged.error_message().find("relu\\n2026"), std::string::npos) << forged.error_message();
  EXPECT_TRUE(EvaluateSigmoid(*stub).ok());
}

TEST(OpsHostileTest, ACallOverTheMemoryBudgetIsRefusedNamingTheFlag) {
  ServerConfig config = OpsDefaults();
  config.max_memory_bytes = 1 << 20;
  OpsServer server(config);
  auto stub = v1::ActivationService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));
  v1::EvaluateRequest request;
  request.set_activation("relu");
  // Over half the budget: request + response > 1 MiB, but the request fits
  // gRPC's quota (five eighths of the budget), so the server itself refuses it.
  request.mutable_input()->mutable_raw()->assign(540 * 1024, '\0');
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  const grpc::Status refused = stub->Evaluate(&context, request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("--max-memory-bytes"), std::string::npos) << refused.error_message();
  EXPECT_NE(refused.error_message().find("1048576-byte budget"), std::string::npos) << refused.error_message();
  EXPECT_EQ(ReservedOnceSettled(server), 0);
  // Far over it: gRPC has no room to receive it and resets the stream.
  request.mutable_input()->mutable_raw()->assign(4 << 20, '\0');
  grpc::ClientContext far_context;
  EXPECT_EQ(stub->Evaluate(&far_context, request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ReservedOnceSettled(server), 0);
  EXPECT_TRUE(EvaluateSigmoid(*stub).ok());
}

// Many concurrent large calls under a small budget: each ends OK (with the
// right answer) or is refused, the server ends every call it saw OK or
// RESOURCE_EXHAUSTED, and it serves afterwards. Refused: RESOURCE_EXHAUSTED
// from the budget, or from gRPC resetting a stream it has no room for
// ("Received RST_STREAM with error code 11"); or UNAVAILABLE when gRPC, its
// buffers full, sends the connection a GOAWAY ("Buffers full"). gRPC picks
// the streams it resets: one may be an answer the server has computed
// (docs/operations.md, admission and the memory budget); the server counts
// it CANCELLED, as its client saw it, never OK.
TEST(OpsHostileTest, AHostileLoadEndsOkOrRefused) {
  ServerConfig config = OpsDefaults();
  config.max_memory_bytes = 32 << 20;
  config.threads = 2;
  config.metrics_listen = "127.0.0.1:0";
  OpsServer server(config);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // the answers are 8 MiB, over gRPC's default 4 MiB
  auto stub = v1::ActivationService::NewStub(grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials(), args));
  constexpr int kCalls = 12;
  constexpr std::size_t kElements = 2 << 20;  // 8 MiB raw: request + response 16 MiB
  std::vector<grpc::Status> statuses(kCalls);
  std::vector<int> wrong(kCalls, 0);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCalls; ++c) {
    callers.emplace_back([&, c] {
      v1::EvaluateRequest request;
      request.set_activation("relu");
      std::vector<float> input(kElements, -2.0f);
      for (std::size_t i = 0; i < kElements; i += 2) input[i] = 3.0f;
      request.mutable_input()->set_raw(input.data(), input.size() * sizeof(float));
      v1::EvaluateResponse response;
      grpc::ClientContext context;
      statuses[c] = stub->Evaluate(&context, request, &response);
      if (!statuses[c].ok()) return;
      std::vector<float> output(kElements);
      if (response.output().raw().size() != output.size() * sizeof(float)) {
        wrong[c] = 1;
        return;
      }
      std::memcpy(output.data(), response.output().raw().data(), response.output().raw().size());
      for (std::size_t i = 0; i < kElements; ++i) wrong[c] += output[i] != (i % 2 == 0 ? 3.0f : 0.0f);
    });
  }
  for (std::thread& t : callers) t.join();
  double ok = 0, exhausted = 0;
  std::string outcomes;  // for failure messages
  for (int c = 0; c < kCalls; ++c) {
    const grpc::StatusCode code = statuses[c].error_code();
    outcomes += "call " + std::to_string(c) + ": " + std::to_string(code) + " " + statuses[c].error_message() + "\n";
    ok += code == grpc::StatusCode::OK;
    exhausted += code == grpc::StatusCode::RESOURCE_EXHAUSTED;
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                code == grpc::StatusCode::UNAVAILABLE)
        << "call " << c << ": " << code << " " << statuses[c].error_message();
    EXPECT_EQ(wrong[c], 0) << "call " << c;
  }
  EXPECT_EQ(ReservedOnceSettled(server), 0);
  // The server's own count: its OKs are the clients' OKs, and every other
  // call it saw ended RESOURCE_EXHAUSTED or CANCELLED (reset by gRPC).
  std::string scrape;
  auto ended = [&scrape](const std::string& code) {
    const double count = Sample(scrape, "activation_server_requests_total",
                                {{"grpc_service", "activation.v1.ActivationService"},
                                 {"grpc_method", "Evaluate"},
                                 {"activation", "relu"},
                                 {"grpc_code", code}});
    return std::isnan(count) ? 0.0 : count;  // a series appears with its first call
  };
  for (int i = 0; i < 300; ++i) {  // a call's metrics land just after its answer
    scrape = HttpGet(server.operations->metrics_port(), "/metrics");
    if (ended("OK") == ok) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(ended("OK"), ok) << outcomes << scrape;
  EXPECT_LE(ended("RESOURCE_EXHAUSTED"), exhausted) << scrape;
  for (const char* code : {"UNAVAILABLE", "INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED"}) {
    EXPECT_EQ(ended(code), 0) << code << "\n" << scrape;
  }
  EXPECT_TRUE(EvaluateSigmoid(*stub).ok());
}

}  // namespace
}  // namespace activation::server::testing
