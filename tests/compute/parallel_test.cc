// The worker pool and Compute()'s split of large arrays: every part runs
// exactly once, and a split call gives bit for bit what one kernel call over
// the whole array gives, for elementwise and row-wise functions.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <random>
#include <vector>

#include "compute/compute.h"
#include "compute/parallel.h"
#include "compute/registry.h"

namespace activation {
namespace {

TEST(WorkerPool, RunsEveryPartExactlyOnce) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  for (std::size_t parts : {1u, 2u, 3u, 7u, 100u}) {
    std::vector<std::atomic<int>> runs(parts);
    pool.Run(parts, [&](std::size_t part) { runs[part]++; });
    for (std::size_t i = 0; i < parts; ++i) EXPECT_EQ(runs[i].load(), 1) << "part " << i << " of " << parts;
  }
}

TEST(WorkerPool, SizeOneRunsInline) {
  WorkerPool pool(1);
  int runs = 0;
  pool.Run(5, [&](std::size_t) { ++runs; });  // not atomic: must all run on this thread
  EXPECT_EQ(runs, 5);
}

void ExpectSameBits(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(std::memcmp(&a[i], &b[i], 4), 0) << "element " << i << ": " << a[i] << " vs " << b[i];
  }
}

// From SplitThreshold() on, Compute() splits; the result must not change.
void CheckSplitMatchesWhole(const char* name, std::size_t row_length, std::size_t n) {
  const Activation* a = FindActivation(name);
  ASSERT_NE(a, nullptr);
  ASSERT_GE(n, SplitThreshold(*a));
  KernelArgs args;
  ASSERT_TRUE(ResolveParams(*a, {}, &args).ok());
  args.row_length = row_length;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> spread(-8.0f, 8.0f);
  std::vector<float> x(n), g(n);
  for (float& v : x) v = spread(rng);
  for (float& v : g) v = spread(rng);
  std::vector<float> split(n), whole(n);
  Compute(*a, Mode::kForward, args, x.data(), nullptr, split.data(), n);
  a->fast.forward(x.data(), whole.data(), n, args);
  ExpectSameBits(split, whole);
  Compute(*a, Mode::kVjp, args, x.data(), g.data(), split.data(), n);
  a->fast.vjp(x.data(), g.data(), whole.data(), n, args);
  ExpectSameBits(split, whole);
}

TEST(Compute, SplitsElementwiseArraysWithoutChangingTheResult) {
  CheckSplitMatchesWhole("tanh", 0, SplitThreshold(*FindActivation("tanh")) + 1001);
  CheckSplitMatchesWhole("relu", 0, SplitThreshold(*FindActivation("relu")) + 1001);
}

TEST(Compute, SplitsRowWiseArraysOnRowBoundaries) {
  // Rows of 999: a split inside a row would change every element of it.
  const std::size_t rows = SplitThreshold(*FindActivation("softmax")) / 999 + 3;
  CheckSplitMatchesWhole("softmax", 999, rows * 999);
}

// Work, not element count, decides: a memory-bound kernel gains from a second
// core only on larger arrays than a transcendental one (docs/architecture.md, "The worker pool").
TEST(Compute, CheaperFunctionsSplitLater) {
  const std::size_t relu = SplitThreshold(*FindActivation("relu"));
  const std::size_t sigmoid = SplitThreshold(*FindActivation("sigmoid"));
  const std::size_t gelu = SplitThreshold(*FindActivation("gelu"));
  EXPECT_EQ(relu, ParallelThreshold());
  EXPECT_LT(sigmoid, relu);
  EXPECT_LT(gelu, sigmoid);
  EXPECT_GE(gelu * static_cast<std::size_t>(Cost::kHeavy), ParallelThreshold());
}

}  // namespace
}  // namespace activation
