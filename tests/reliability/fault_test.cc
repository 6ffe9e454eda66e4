// Faults from the client side against the server binary: cancellations,
// missed deadlines, vanished clients, SIGTERM with 100 calls in flight, and
// malformed HTTP/2 and gRPC framing sent raw to the port. After each, the
// server must still answer a normal call exactly.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include "activation/v1/activation.grpc.pb.h"
#include "tests/reliability/child_server.h"
#include "tests/reliability/raw_http2.h"
#include "tests/server/tensors.h"

namespace activation::reliability {
namespace {

using server::testing::Encoding;
using server::testing::MakeTensor;
namespace h2 = http2;

constexpr char kEvaluatePath[] = "/activation.v1.ActivationService/Evaluate";

std::unique_ptr<v1::ActivationService::Stub> NewStub(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  return v1::ActivationService::NewStub(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
}

v1::EvaluateRequest Relu(std::vector<float> x, Encoding encoding = Encoding::kValues) {
  v1::EvaluateRequest request;
  request.set_activation("relu");
  *request.mutable_input() = MakeTensor(x, encoding);
  return request;
}

// A new connection gets relu(-1, 2.5) = (0, 2.5).
void ExpectServes(const std::string& target) {
  auto stub = NewStub(target);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::Status status = stub->Evaluate(&context, Relu({-1, 2.5f}), &response);
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  ASSERT_EQ(response.output().values_size(), 2);
  EXPECT_EQ(response.output().values(0), 0.f);
  EXPECT_EQ(response.output().values(1), 2.5f);
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(server_.port(), 0) << server_.Log(); }
  void TearDown() override {
    EXPECT_EQ(server_.WaitExit(std::chrono::milliseconds(0)), -1) << "the server died:\n" << server_.Log();
  }
  ChildServer server_{{"--log-level", "warn"}};
};

TEST_F(FaultTest, ClientCancelsMidStream) {
  auto stub = NewStub(server_.target());
  for (int round = 0; round < 20; ++round) {
    grpc::ClientContext context;
    auto stream = stub->EvaluateStream(&context);
    for (int i = 0; i < round % 4; ++i) {
      v1::EvaluateResponse response;
      ASSERT_TRUE(stream->Write(Relu({-1, static_cast<float>(i)})));
      ASSERT_TRUE(stream->Read(&response));
      EXPECT_EQ(response.output().values(1), static_cast<float>(i));
    }
    stream->Write(Relu(std::vector<float>(100000, 1.f), Encoding::kRaw));  // in flight when cancelled
    context.TryCancel();
    v1::EvaluateResponse response;
    while (stream->Read(&response)) {
    }
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ExpectServes(server_.target());
}

TEST_F(FaultTest, DeadlineExceededOnALargeCall) {
  auto stub = NewStub(server_.target());
  const v1::EvaluateRequest big = Relu(std::vector<float>(4 << 20, -1.f), Encoding::kRaw);
  for (int round = 0; round < 5; ++round) {
    v1::EvaluateResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1));
    EXPECT_EQ(stub->Evaluate(&context, big, &response).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  ExpectServes(server_.target());
}

// A client that sends half a message and vanishes (its socket closes, as
// when the process dies), many times over, some in the middle of a stream.
TEST_F(FaultTest, ClientDisconnectsMidMessage) {
  v1::EvaluateRequest request = Relu(std::vector<float>(1000, 1.f), Encoding::kRaw);
  const std::string message = h2::GrpcMessage(request.SerializeAsString());
  for (int round = 0; round < 50; ++round) {
    h2::Connection connection(server_.port());
    ASSERT_TRUE(connection.connected());
    const std::string path = round % 2 ? kEvaluatePath : "/activation.v1.ActivationService/EvaluateStream";
    connection.Send(h2::kPreface + h2::Frame(h2::kSettings, 0, 0, "") +
                    h2::GrpcRequestHeaders(1, path, server_.target()) +
                    h2::Frame(h2::kData, 0, 1, message.substr(0, static_cast<std::size_t>(round) * 80)));
    if (round % 3 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ExpectServes(server_.target());
}

// Raw bytes that break HTTP/2 or gRPC framing in a different way each. The
// server must go on serving others; where the bytes are complete enough to
// be judged (`must_end`), it must also end the call or the connection rather
// than wait. (A frame cut short might still be completed by later bytes, and
// gRPC skips frames for streams it does not know.)
struct Malformed {
  const char* what;
  std::string bytes;
  bool must_end = true;
};

std::vector<Malformed> MalformedTraffic(const std::string& authority) {
  const std::string hello = h2::kPreface + h2::Frame(h2::kSettings, 0, 0, "");
  const std::string headers = hello + h2::GrpcRequestHeaders(1, kEvaluatePath, authority);
  const std::string body = Relu({1, 2}).SerializeAsString();
  auto data = [](const std::string& payload) { return h2::Frame(h2::kData, h2::kEndStream, 1, payload); };
  return {
      {"not HTTP/2 at all", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"garbage instead of the preface", std::string(64, '\xff')},
      {"garbage after the preface", hello + std::string(100, '\x5a')},
      {"frame longer than the max frame size", hello + h2::Frame(h2::kData, 0, 1, "abc", 0xffffff)},
      {"truncated frame header", hello + std::string("\x00\x00", 2), false},
      {"DATA on stream 0", hello + h2::Frame(h2::kData, h2::kEndStream, 0, "abc"), false},
      {"HEADERS with garbage HPACK", hello + h2::Frame(h2::kHeaders, h2::kEndHeaders | h2::kEndStream, 1,
                                                       std::string(30, '\xfe'))},
      {"even (server-side) stream id", hello + h2::GrpcRequestHeaders(2, kEvaluatePath, authority), false},
      {"truncated gRPC length prefix", headers + data(std::string("\x00\x00\x00", 3))},
      {"length prefix longer than the body", headers + data(h2::GrpcMessage(body, 0, 1000))},
      {"length prefix of 4 GiB", headers + data(h2::GrpcMessage(body, 0, 0xffffffff))},
      {"compressed flag without grpc-encoding", headers + data(h2::GrpcMessage(body, 1))},
      {"message that is not a protobuf", headers + data(h2::GrpcMessage(std::string(40, '\xff')))},
      {"two messages on a unary call", headers + data(h2::GrpcMessage(body) + h2::GrpcMessage(body))},
      {"no message on a unary call", headers + data("")},
      {"unknown method", hello + h2::GrpcRequestHeaders(1, "/activation.v1.ActivationService/Nope", authority) +
                             data(h2::GrpcMessage(body))},
  };
}

// True once the server has ended stream 1 (trailers or RST_STREAM) or the
// whole connection (GOAWAY).
bool StreamOrConnectionEnded(const std::string& bytes) {
  for (const h2::FrameHeader& f : h2::ParseFrames(bytes)) {
    if (f.type == h2::kGoaway) return true;
    if (f.stream == 1 && (f.type == h2::kRstStream || (f.type == h2::kHeaders && (f.flags & h2::kEndStream)))) {
      return true;
    }
  }
  return false;
}

TEST_F(FaultTest, MalformedFramesSentRawEndTheCallAndTheServerGoesOn) {
  for (const Malformed& m : MalformedTraffic(server_.target())) {
    SCOPED_TRACE(m.what);
    h2::Connection connection(server_.port());
    ASSERT_TRUE(connection.connected());
    connection.Send(m.bytes);
    if (m.must_end) {
      bool closed = false;
      const std::string answer = connection.Receive(std::chrono::seconds(10), &closed, StreamOrConnectionEnded);
      EXPECT_TRUE(closed || StreamOrConnectionEnded(answer)) << "the server neither answered nor hung up";
    }
    ExpectServes(server_.target());  // while the bad connection is still open
  }
}

// The gRPC-level twin of "not a protobuf": a generic call carrying bytes
// that do not parse as an EvaluateRequest.
grpc::Status GenericEvaluate(grpc::GenericStub& generic, const std::string& bytes) {
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&context, kEvaluatePath, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mutex);
    status = std::move(s);
    done = true;
    done_cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  return status;
}

TEST_F(FaultTest, UndecodableRequestBytesAreRejected) {
  grpc::GenericStub generic(grpc::CreateChannel(server_.target(), grpc::InsecureChannelCredentials()));
  // The same path with valid bytes works, so a rejection below is about the bytes.
  const grpc::Status valid = GenericEvaluate(generic, Relu({1}).SerializeAsString());
  EXPECT_TRUE(valid.ok()) << valid.error_code() << " " << valid.error_message();
  for (const std::string& bytes : {std::string(40, '\xff'), std::string("\x1a\x05\x12", 3), std::string("\x0a\xff", 2)}) {
    const grpc::Status status = GenericEvaluate(generic, bytes);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNKNOWN) << status.error_message();
    std::printf("undecodable request: status %d (%s)\n", status.error_code(), status.error_message().c_str());
  }
  ExpectServes(server_.target());
}

// 100 callers each keep a large call in flight; SIGTERM arrives. Each call
// either completes with the right answer or is refused UNAVAILABLE; none
// hangs, none comes back with anything else, and the server exits 0.
// Returns how many calls completed after the signal.
int SigtermRound() {
  ChildServer server({"--log-level", "warn", "--shutdown-grace", "20"});
  EXPECT_NE(server.port(), 0) << server.Log();
  if (server.port() == 0) return 0;
  constexpr int kCallers = 100;
  constexpr int kElements = 1 << 18;
  std::vector<float> x(kElements);
  for (int i = 0; i < kElements; ++i) x[i] = static_cast<float>(i % 200 - 100);
  const v1::EvaluateRequest request = Relu(x, Encoding::kRaw);

  std::atomic<int> completed{0}, refused{0}, wrong{0};
  std::atomic<bool> signalled{false};
  std::vector<std::string> wrong_status(kCallers);
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      auto stub = NewStub(server.target());
      // Calls until one is refused after the signal (each call checked).
      for (;;) {
        v1::EvaluateResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        const grpc::Status status = stub->Evaluate(&context, request, &response);
        if (status.ok()) {
          bool right = response.output().raw().size() == x.size() * 4;
          for (int i = 0; right && i < kElements; i += 997) {
            float y;
            std::memcpy(&y, response.output().raw().data() + i * 4, 4);
            right = y == std::max(x[i], 0.f);
          }
          ++completed;
          wrong += !right;
          if (signalled) return;
        } else {
          if (status.error_code() == grpc::StatusCode::UNAVAILABLE && signalled) {
            ++refused;
          } else {
            ++wrong;
            wrong_status[t] = std::to_string(status.error_code()) + " " + status.error_message();
          }
          return;
        }
      }
    });
  }
  // Signal in the steady state: every caller past its first answer, so that
  // at any moment some calls are inside the server (answers being sent), not
  // all still arriving. On a slow machine the first wave alone can take
  // seconds; the deadline only keeps a broken server from hanging the test.
  const auto steady_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (completed < kCallers + kCallers / 2 && std::chrono::steady_clock::now() < steady_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int completed_before = completed;
  signalled = true;
  server.Signal(SIGTERM);
  for (std::thread& caller : callers) caller.join();
  std::map<std::string, int> wrong_by_status;  // one line per distinct status, not a hundred
  for (const std::string& s : wrong_status) wrong_by_status[s] += !s.empty();
  for (const auto& [s, n] : wrong_by_status) EXPECT_EQ(n, 0) << s;
  EXPECT_EQ(wrong.load(), 0) << server.Log().substr(0, 3000);
  std::printf("SIGTERM: %d calls completed before, %d after the signal, %d refused UNAVAILABLE\n",
              completed_before, completed - completed_before, refused.load());
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(30)), 0) << server.Log();
  return completed - completed_before;
}

// The drain is only exercised when some call is inside the server at the
// signal. On a loaded machine the callers can all be between calls (or their
// requests still arriving) at that instant; such a round checks the rest and
// is run again, up to three times.
TEST(SigtermFaultTest, HundredCallsInFlightEachCompleteOrAreRefused) {
  int completed_after = 0;
  for (int round = 0; round < 3 && completed_after == 0 && !::testing::Test::HasFailure(); ++round) {
    completed_after = SigtermRound();
  }
  EXPECT_GE(completed_after, 1) << "no call was in flight at the signal in three rounds";
}

// At debug verbosity gRPC logs its own teardown, which ends after the server
// has stopped and its logger is gone: those lines must not take the process
// down on its way out.
TEST(SigtermFaultTest, ExitsCleanlyWhileGrpcLogsItsTeardown) {
  setenv("GRPC_VERBOSITY", "DEBUG", 1);  // the child inherits it
  ChildServer server({"--log-level", "warn"});
  unsetenv("GRPC_VERBOSITY");
  ASSERT_NE(server.port(), 0) << server.Log();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(20)), 0) << server.Log();
}

// Many concurrent large calls against a small --max-memory-bytes: every call
// ends OK (with the right answer) or RESOURCE_EXHAUSTED (from the server's
// budget, or gRPC's quota resetting streams it has no room for), the server
// serves afterwards, and its peak RSS grows by no more than the design
// allows: the calls' reservations (at most the budget), gRPC's buffers for
// messages still arriving (its ResourceQuota: five eighths of the budget),
// the received bytes of the admitted requests while they are parsed (at most
// half their reservations), and a fixed allowance for the allocator.
TEST(MemoryBudgetTest, ConcurrentLargeCallsStayWithinTheBudget) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's quarantine and shadow memory are not the server's memory";
#endif
  constexpr long kBudget = 64 << 20;
  constexpr int kCallers = 32;
  constexpr int kElements = 3 << 20;  // 12 MiB raw: request + response 24 MiB
  ChildServer server({"--log-level", "error", "--max-memory-bytes", std::to_string(kBudget)});
  ASSERT_NE(server.port(), 0) << server.Log();
  ExpectServes(server.target());
  const long warm_kib = server.RssKib();
  std::vector<float> x(kElements);
  for (int i = 0; i < kElements; ++i) x[i] = static_cast<float>(i % 7) - 3.0f;
  const v1::EvaluateRequest request = Relu(x, Encoding::kRaw);
  std::atomic<int> ok{0}, refused{0}, wrong{0};
  std::vector<std::string> messages(kCallers);
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      auto stub = NewStub(server.target());
      v1::EvaluateResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      const grpc::Status status = stub->Evaluate(&context, request, &response);
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++refused;
        messages[t] = status.error_message().substr(0, 60);
        return;
      }
      bool right = status.ok() && response.output().raw().size() == x.size() * 4;
      for (int i = 0; right && i < kElements; i += 4099) {
        float y;
        std::memcpy(&y, response.output().raw().data() + i * 4, 4);
        right = y == std::max(x[i], 0.f);
      }
      ++(right ? ok : wrong);
    });
  }
  for (std::thread& caller : callers) caller.join();
  std::map<std::string, int> refusals;  // one line per kind, not 32
  for (const std::string& m : messages) refusals[m] += !m.empty();
  for (const auto& [m, n] : refusals) {
    if (n > 0) std::printf("%d refused: %s...\n", n, m.c_str());
  }
  const long peak_kib = server.PeakRssKib();
  const long allowed_kib = (kBudget + (kBudget / 2 + kBudget / 8) + kBudget / 2 + (16 << 20)) / 1024;
  std::printf("memory budget %ld MiB: %d OK, %d RESOURCE_EXHAUSTED; server RSS warm %ld KiB, peak %ld KiB "
              "(growth allowed %ld KiB)\n",
              kBudget >> 20, ok.load(), refused.load(), warm_kib, peak_kib, allowed_kib);
  EXPECT_EQ(wrong.load(), 0);  // every other call ended OK or RESOURCE_EXHAUSTED
  EXPECT_LE(peak_kib - warm_kib, allowed_kib);
  ExpectServes(server.target());
}

}  // namespace
}  // namespace activation::reliability
