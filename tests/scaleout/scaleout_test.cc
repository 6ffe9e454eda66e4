// Scale-out: three activation-server replicas on loopback behind one client
// target with round_robin. The batch spreads over every replica (their
// metrics show a share each), and when one replica is killed mid-run the
// batch still completes with correct values and no failed call (the client's
// retries on UNAVAILABLE and stream reconnects).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/scaleout/replicas.h"

namespace activation::scaleout {
namespace {

constexpr std::size_t kElements = 8 << 20;  // 32 MiB of float32
constexpr int kReplicas = 3;

// x spread evenly over [-16, 16), where sigmoid is a normal float32.
float Input(std::size_t i) { return -16.0f + 32.0f * static_cast<float>(i) / static_cast<float>(kElements); }

std::int64_t UlpDistance(float a, float b) {
  std::int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  return std::llabs(static_cast<std::int64_t>(ia) - ib);  // same sign here: sigmoid > 0
}

class ScaleOutTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = ::testing::TempDir() + "scaleout_" + std::to_string(getpid()) + "_" + name;
    std::filesystem::create_directories(dir_);
    std::vector<float> x(kElements);
    for (std::size_t i = 0; i < kElements; ++i) x[i] = Input(i);
    std::ofstream(input_path(), std::ios::binary)
        .write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
    for (int i = 0; i < kReplicas; ++i) replicas_.push_back(std::make_unique<Replica>(dir_, i));
  }
  void TearDown() override {
    replicas_.clear();
    std::filesystem::remove_all(dir_);
  }

  std::string input_path() const { return dir_ + "/x.f32"; }
  std::string output_path() const { return dir_ + "/y.f32"; }

  // activation-client eval over every replica, unary calls or streams (the test parameter).
  std::unique_ptr<Process> StartClient() {
    std::string target = "ipv4:";
    for (const auto& r : replicas_) target += (target.size() > 5 ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(r->port());
    return std::make_unique<Process>(
        std::vector<std::string>{CLIENT_BINARY, "eval", "--target", target, "--lb", "round_robin", "--activation",
                                 "sigmoid", "--input", input_path(), "--output", output_path(), "--rpc", GetParam(),
                                 "--chunk", "16384", "--quiet"},
        dir_ + "/client");
  }

  // Every output within 4 ULP of sigmoid computed in double.
  void ExpectCorrectOutput() {
    std::vector<float> y(kElements);
    std::ifstream in(output_path(), std::ios::binary);
    in.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(y.size() * sizeof(float)));
    ASSERT_EQ(static_cast<std::size_t>(in.gcount()), kElements * sizeof(float)) << "output is short";
    ASSERT_EQ(in.peek(), std::char_traits<char>::eof()) << "output is longer than the input";
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < kElements; ++i) {
      const float want = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(Input(i)))));
      if (UlpDistance(y[i], want) > 4 && wrong++ < 5) {
        ADD_FAILURE() << "sigmoid(" << Input(i) << ") = " << y[i] << ", want " << want << " (element " << i << ")";
      }
    }
    EXPECT_EQ(wrong, 0u) << "wrong elements";
  }

  std::string dir_;
  std::vector<std::unique_ptr<Replica>> replicas_;
};

TEST_P(ScaleOutTest, BatchSpreadsOverEveryReplica) {
  auto client = StartClient();
  ASSERT_EQ(client->Wait(std::chrono::seconds(60)), 0) << client->err();
  ExpectCorrectOutput();
  double total = 0;
  for (int i = 0; i < kReplicas; ++i) {
    const double share = replicas_[i]->ServedElements();
    total += share;
    std::printf("replica %d served %.0f elements (%.1f%%)\n", i, share, 100.0 * share / kElements);
    // round_robin: about a third each; a tenth proves each replica took part.
    EXPECT_GE(share, kElements / 10.0) << "replica " << i << " got too small a share";
  }
  EXPECT_EQ(total, static_cast<double>(kElements)) << "every element evaluated exactly once";
}

TEST_P(ScaleOutTest, BatchSurvivesAReplicaKilledMidRun) {
  Replica& victim = *replicas_[1];
  auto client = StartClient();
  while (!victim.Busy() && client->running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(client->running()) << "the batch finished before the replica could be killed";
  victim.process().Kill(SIGKILL);
  const double survivors_before = replicas_[0]->ServedElements() + replicas_[2]->ServedElements();

  ASSERT_EQ(client->Wait(std::chrono::seconds(60)), 0) << "a call failed: " << client->err();
  EXPECT_EQ(client->err().find("UNAVAILABLE"), std::string::npos) << client->err();
  ExpectCorrectOutput();
  const double survivors_after = replicas_[0]->ServedElements() + replicas_[2]->ServedElements();
  std::printf("survivors served %.0f elements before the kill, %.0f in all\n", survivors_before, survivors_after);
  EXPECT_GT(survivors_after, survivors_before) << "the survivors took over the rest of the batch";
  for (int i : {0, 2}) {
    EXPECT_EQ(replicas_[i]->process().err().find("call rejected"), std::string::npos) << replicas_[i]->process().err();
  }
}

INSTANTIATE_TEST_SUITE_P(Rpc, ScaleOutTest, ::testing::Values("unary", "stream"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace activation::scaleout
