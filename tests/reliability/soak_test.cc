// Soak: 64 concurrent callers over 8 connections mix every RPC, both
// encodings, valid and invalid requests, cancellations and missed deadlines
// against the server binary for SOAK_SECONDS (default 60). Every answer is
// checked (a busy refusal is a right answer: see kBusy); the server must
// survive, keep its resident memory flat after the warm-up (a third of the
// run) and exit 0 on SIGTERM. Small leaks are
// LeakSanitizer's job (the ASan stage runs this soak); the RSS check is for
// memory kept per call, such as a buffer not reused.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "tests/reliability/child_server.h"
#include "tests/reliability/mixed_load.h"

namespace activation::reliability {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kCallers = 64;
constexpr int kConnections = 8;

// What RSS may still grow after the warm-up: glibc's per-thread arenas and
// gRPC's on-demand threads settle a few MiB later on a busy machine (CI saw
// 40.2 -> 44.3 MiB in 60 s). A request buffer kept per call would add
// >= 1 KiB x ~100k calls = 100 MiB.
long AllowedGrowthKib(long warm_kib) { return std::max(warm_kib / 10, 16L * 1024); }

// Relative weights of the call kinds, in CallKind order: mostly valid work.
constexpr int kWeights[] = {6, 6, 1, 3, 3, 2, 2, 1, 1};
static_assert(sizeof kWeights / sizeof kWeights[0] == static_cast<int>(CallKind::kCount));

double SoakSeconds() {
  const char* text = std::getenv("SOAK_SECONDS");
  return text != nullptr ? std::atof(text) : 60.0;
}

std::shared_ptr<grpc::Channel> Connection(const std::string& target, int index) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetInt("reliability.connection", index);  // distinct args: a connection of its own
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

TEST(SoakTest, MixedCallsFromManyCallersStayCorrectAndMemoryStaysFlat) {
  ChildServer server({"--log-level", "warn", "--shutdown-grace", "5"});
  ASSERT_NE(server.port(), 0) << server.Log();
  // Connected before the load starts: a first connection attempt that fails
  // on a loaded machine would otherwise fail every call on that channel for
  // gRPC's reconnect backoff (about a second), which is not what this soaks.
  std::vector<std::unique_ptr<v1::ActivationService::Stub>> stubs;
  for (int i = 0; i < kConnections; ++i) {
    const std::shared_ptr<grpc::Channel> channel = Connection(server.target(), i);
    ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30)))
        << "connection " << i << " to the server\n" << server.Log();
    stubs.push_back(v1::ActivationService::NewStub(channel));
  }

  const double seconds = SoakSeconds();
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  std::atomic<long> calls_by_kind[static_cast<int>(CallKind::kCount)] = {};
  std::atomic<long> failures{0}, busy{0};
  std::mutex mutex;
  std::vector<std::string> first_failures;
  double first_failure_s = -1, last_failure_s = -1;  // when in the run the failures came

  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      std::mt19937_64 rng(1000 + t);
      std::discrete_distribution<int> pick(std::begin(kWeights), std::end(kWeights));
      while (Clock::now() < end) {
        const auto kind = static_cast<CallKind>(pick(rng));
        const std::string error = MakeCheckedCall(*stubs[t % kConnections], kind, rng);
        ++calls_by_kind[static_cast<int>(kind)];
        if (error == kBusy) {
          ++busy;
        } else if (!error.empty()) {
          ++failures;
          const double at = std::chrono::duration<double>(Clock::now() - start).count();
          std::lock_guard<std::mutex> lock(mutex);
          if (first_failure_s < 0) first_failure_s = at;
          last_failure_s = at;
          if (first_failures.size() < 10) first_failures.push_back(std::string(CallKindName(kind)) + ": " + error);
        }
      }
    });
  }

  // RSS: the level once warm, then every second until the end.
  std::this_thread::sleep_until(start + (end - start) / 3);
  const long warm_kib = server.RssKib();
  long peak_kib = warm_kib, last_kib = warm_kib;
  while (Clock::now() + std::chrono::seconds(1) < end) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    last_kib = server.RssKib();
    peak_kib = std::max(peak_kib, last_kib);
  }
  for (std::thread& caller : callers) caller.join();

  long total = 0;
  std::string mix;
  for (int k = 0; k < static_cast<int>(CallKind::kCount); ++k) {
    total += calls_by_kind[k];
    mix += std::string(k ? ", " : "") + CallKindName(static_cast<CallKind>(k)) + " " + std::to_string(calls_by_kind[k]);
  }
  std::printf("soak: %.0f s, %d callers, %ld calls (%s), %ld refused as busy; server RSS warm %ld KiB, last %ld "
              "KiB, peak %ld KiB (%+.1f bytes per call after the warm-up)\n",
              seconds, kCallers, total, mix.c_str(), busy.load(), warm_kib, last_kib, peak_kib,
              (last_kib - warm_kib) * 1024.0 / std::max(1L, total * 2 / 3));
  for (const std::string& failure : first_failures) ADD_FAILURE() << failure;
  if (failures.load() > 0) {
    const std::string log = server.Log();
    ADD_FAILURE() << failures.load() << " failed calls from " << first_failure_s << " s to " << last_failure_s
                  << " s into the run; the server's log ends:\n"
                  << log.substr(log.size() - std::min<std::size_t>(log.size(), 4000));
  }
  EXPECT_LT(busy.load(), total / 2) << "the server refused most calls as busy";
  for (int k = 0; k < static_cast<int>(CallKind::kCount); ++k) {
    EXPECT_GT(calls_by_kind[k], 0) << CallKindName(static_cast<CallKind>(k)) << " never ran";
  }
  ASSERT_EQ(server.WaitExit(std::chrono::milliseconds(0)), -1) << "the server died:\n" << server.Log();
  EXPECT_GT(warm_kib, 0);
  // SOAK_RSS_CHECK=0: the TSan stage, where the server's RSS also holds TSan's
  // own shadow and race history, which grow with the run whatever the server does.
  const char* rss_check = std::getenv("SOAK_RSS_CHECK");
  if (rss_check == nullptr || std::string(rss_check) != "0") {
    EXPECT_LT(last_kib - warm_kib, AllowedGrowthKib(warm_kib)) << "server RSS kept growing after the warm-up";
  }

  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(20)), 0) << server.Log();
}

}  // namespace
}  // namespace activation::reliability
