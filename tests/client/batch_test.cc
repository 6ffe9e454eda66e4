// The batch pipeline: results in input order whatever order the transport
// finishes them in, row-aligned chunks, bounded chunks in flight, and the
// rule that a failed run leaves no output that looks complete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "client/batch/batch.h"
#include "client/batch/local_transport.h"
#include "client/formats/byte_io.h"
#include "client/formats/open.h"

namespace activation::client {
namespace {

using ::testing::HasSubstr;

// Finishes chunks in scrambled order from several threads: doubles each
// input, and records the most chunks it held at once.
class ScramblingTransport : public Transport {
 public:
  explicit ScramblingTransport(int fail_at = -1) : fail_at_(fail_at) {}
  void Start(Done done, Fail fail) override {
    done_ = std::move(done);
    fail_ = std::move(fail);
  }
  void Submit(std::unique_ptr<Chunk> chunk) override {
    std::lock_guard<std::mutex> lock(mutex_);
    held_.push_back(std::move(chunk));
    max_held_ = std::max(max_held_, held_.size());
    if (held_.size() >= 3) ReleaseScrambled();
  }
  void Close() override {
    std::lock_guard<std::mutex> lock(mutex_);
    ReleaseScrambled();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  std::size_t max_held() const { return max_held_; }

 private:
  void ReleaseScrambled() {
    std::shuffle(held_.begin(), held_.end(), rng_);
    for (auto& chunk : held_) {
      threads_.emplace_back([this, c = std::move(chunk), delay = rng_() % 3]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        if (static_cast<int>(c->seq) == fail_at_) {
          fail_("chunk " + std::to_string(c->seq) + ": server went away");
          return;
        }
        c->result.resize(c->input.size());
        for (std::size_t i = 0; i < c->input.size(); ++i) c->result.as<float>()[i] = 2 * c->input.as<float>()[i];
        done_(std::move(c));
      });
    }
    held_.clear();
  }

  int fail_at_;
  Done done_;
  Fail fail_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Chunk>> held_;
  std::vector<std::thread> threads_;
  std::size_t max_held_ = 0;
  std::mt19937 rng_{11};
};

std::string Numbers(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += std::to_string(i) + "\n";
  return text;
}

TEST(Batch, KeepsInputOrderWhenChunksFinishOutOfOrder) {
  const std::string text = Numbers(10007);
  MemorySource source(text);
  auto reader = OpenReader(Format::kText, source);
  StringSink sink;
  auto writer = OpenWriter(Format::kRaw, sink, {});
  ScramblingTransport transport;
  BatchOptions options;
  options.chunk = 100;
  options.inflight = 6;
  Job job;
  const BatchResult r = RunBatch(job, *reader, nullptr, transport, *writer, options);
  writer->Finish();
  EXPECT_EQ(r.elements, 10007u);
  ASSERT_EQ(sink.bytes.size(), 10007u * 4);
  const float* out = reinterpret_cast<const float*>(sink.bytes.data());
  for (int i = 0; i < 10007; ++i) ASSERT_EQ(out[i], 2.f * i) << i;
  EXPECT_LE(transport.max_held(), 6u);  // bounded: never more than the window
}

TEST(Batch, TransportFailureStopsTheRunWithItsMessage) {
  const std::string text = Numbers(5000);
  MemorySource source(text);
  auto reader = OpenReader(Format::kText, source);
  StringSink sink;
  auto writer = OpenWriter(Format::kText, sink, {});
  ScramblingTransport transport(/*fail_at=*/7);
  BatchOptions options;
  options.chunk = 100;
  try {
    RunBatch(Job{}, *reader, nullptr, transport, *writer, options);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "chunk 7: server went away");
  }
}

TEST(Batch, MalformedInputMidwayFailsWithItsLocation) {
  const std::string text = Numbers(3000) + "12abc\n" + Numbers(10);
  MemorySource source(text, "big.txt");
  auto reader = OpenReader(Format::kText, source);
  StringSink sink;
  auto writer = OpenWriter(Format::kText, sink, {});
  ScramblingTransport transport;
  BatchOptions options;
  options.chunk = 64;
  try {
    RunBatch(Job{}, *reader, nullptr, transport, *writer, options);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "big.txt:3001:1: '12abc' is not a float32 number");
  }
}

// An independent softmax over rows, in double.
std::vector<double> SoftmaxRows(const std::vector<float>& x, std::size_t row) {
  std::vector<double> y(x.size());
  for (std::size_t r = 0; r < x.size(); r += row) {
    double m = -INFINITY, s = 0;
    for (std::size_t i = 0; i < row; ++i) m = std::max(m, static_cast<double>(x[r + i]));
    for (std::size_t i = 0; i < row; ++i) s += std::exp(x[r + i] - m);
    for (std::size_t i = 0; i < row; ++i) y[r + i] = std::exp(x[r + i] - m) / s;
  }
  return y;
}

TEST(Batch, RowwiseChunksHoldWholeRows) {
  // 7 rows of 5 with a chunk of 12 elements: chunks must be 10 (two rows).
  std::vector<float> x(35);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i)) * 4;
  OutputLayout in_layout;
  in_layout.shape = {7, 5};
  StringSink npy;
  auto npy_writer = OpenWriter(Format::kNpy, npy, in_layout);
  npy_writer->Write(x.data(), x.size());
  npy_writer->Finish();

  MemorySource source(npy.bytes);
  auto reader = OpenReader(Format::kNpy, source);
  StringSink sink;
  auto writer = OpenWriter(Format::kRaw, sink, {});
  Job job;
  job.activation = "softmax";
  auto transport = MakeLocalTransport(job, 2);
  BatchOptions options;
  options.chunk = 12;
  options.rowwise = true;
  RunBatch(job, *reader, nullptr, *transport, *writer, options);
  const std::vector<double> expected = SoftmaxRows(x, 5);
  const float* out = reinterpret_cast<const float*>(sink.bytes.data());
  ASSERT_EQ(sink.bytes.size(), 35u * 4);
  for (std::size_t i = 0; i < 35; ++i) EXPECT_NEAR(out[i], expected[i], 1e-6) << i;
}

TEST(Batch, VjpReadsTheUpstreamGradientAlongside) {
  MemorySource xs("-1 0 2 3"), gs("1 2 3 4");
  auto x = OpenReader(Format::kText, xs);
  auto g = OpenReader(Format::kText, gs);
  StringSink sink;
  OutputLayout layout;
  layout.width = 2;
  auto writer = OpenWriter(Format::kText, sink, layout);
  Job job;
  job.activation = "relu";
  job.mode = Mode::kVjp;
  job.include_output = true;
  auto transport = MakeLocalTransport(job, 1);
  RunBatch(job, *x, g.get(), *transport, *writer, BatchOptions{});
  writer->Finish();
  // pairs (relu(x), g * relu'(x)); relu'(0) = 0
  EXPECT_EQ(sink.bytes, "0 0\n0 0\n2 3\n3 4\n");
}

TEST(Batch, VjpRejectsAShortUpstreamGradient) {
  MemorySource xs("1 2 3"), gs("1 2");
  auto x = OpenReader(Format::kText, xs);
  auto g = OpenReader(Format::kText, gs);
  StringSink sink;
  auto writer = OpenWriter(Format::kText, sink, {});
  Job job;
  job.activation = "relu";
  job.mode = Mode::kVjp;
  auto transport = MakeLocalTransport(job, 1);
  EXPECT_THROW(RunBatch(job, *x, g.get(), *transport, *writer, BatchOptions{}), std::runtime_error);
}

// A fresh directory, removed with everything in it at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    char dir[] = "/tmp/client_test_XXXXXX";
    path_ = mkdtemp(dir);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  operator const std::string&() const { return path_; }
  std::string operator+(const char* name) const { return path_ + name; }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int CountFiles(const std::string& dir) {
  int n = 0;
  FILE* p = popen(("ls -A " + dir + " | wc -l").c_str(), "r");
  if (fscanf(p, "%d", &n) != 1) n = -1;
  pclose(p);
  return n;
}

TEST(AtomicOutput, UncommittedOutputLeavesNothingBehind) {
  const ScratchDir dir;
  {
    AtomicFileSink sink(dir + "/out.txt");
    sink.Write("partial");
  }
  EXPECT_EQ(CountFiles(dir), 0);
}

TEST(AtomicOutput, FailedRunKeepsThePreviousFile) {
  const ScratchDir dir;
  { std::ofstream(dir + "/out.txt") << "old complete result\n"; }
  {
    AtomicFileSink sink(dir + "/out.txt");
    sink.Write("new partial");
    EXPECT_EQ(Slurp(dir + "/out.txt"), "old complete result\n");  // not touched while writing
  }
  EXPECT_EQ(Slurp(dir + "/out.txt"), "old complete result\n");
  EXPECT_EQ(CountFiles(dir), 1);
}

TEST(AtomicOutput, CommitRenamesIntoPlace) {
  const ScratchDir dir;
  AtomicFileSink sink(dir + "/out.txt");
  sink.Write("done\n");
  sink.Commit();
  EXPECT_EQ(Slurp(dir + "/out.txt"), "done\n");
  EXPECT_EQ(CountFiles(dir), 1);
}

TEST(AtomicOutput, DevicesAreWrittenThrough) {
  AtomicFileSink sink("/dev/null");
  sink.Write("discarded");
  EXPECT_TRUE(sink.temp_path().empty());
  sink.Commit();
}

}  // namespace
}  // namespace activation::client
