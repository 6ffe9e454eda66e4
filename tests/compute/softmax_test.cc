// softmax and log_softmax: rows from the shape, no overflow, limits, and the
// row-coupled vector-Jacobian product against the long double reference.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "compute/compute.h"
#include "compute/registry.h"
#include "tests/compute/harness.h"
#include "tests/compute/reference.h"
#include "tests/compute/test_util.h"

namespace activation::testing {
namespace {

std::vector<float> RunRows(std::string_view name, Mode mode, const std::vector<float>& x,
                       const std::vector<std::int64_t>& shape, const std::vector<float>& g = {}) {
  KernelArgs args;
  EXPECT_TRUE(CheckShape(shape, x.size(), &args.row_length).ok());
  std::vector<float> out(x.size());
  Compute(Get(name), mode, args, x.data(), g.empty() ? nullptr : g.data(), out.data(), x.size());
  return out;
}

TEST(Softmax, RowsComeFromTheLastDimension) {
  const std::vector<float> x = {1, 2, 3, 1, 2, 3};
  const auto two_rows = RunRows("softmax", Mode::kForward, x, {2, 3});
  const auto one_row = RunRows("softmax", Mode::kForward, x, {});
  EXPECT_FLOAT_EQ(two_rows[0] + two_rows[1] + two_rows[2], 1.0f);
  EXPECT_FLOAT_EQ(two_rows[3], two_rows[0]);
  EXPECT_FLOAT_EQ(one_row[0] * 2, two_rows[0]);  // one row of six: half the mass each
  const auto columns = RunRows("softmax", Mode::kForward, x, {3, 2});
  EXPECT_FLOAT_EQ(columns[0] + columns[1], 1.0f);
  std::size_t row_length = 0;
  EXPECT_FALSE(CheckShape({4, 2}, 6, &row_length).ok());
  EXPECT_FALSE(CheckShape({-1, -6}, 6, &row_length).ok());
}

TEST(Softmax, NoOverflowForAnyFiniteRow) {
  const std::vector<float> x = {FLT_MAX, FLT_MAX, -FLT_MAX, 0.0f};
  const auto s = RunRows("softmax", Mode::kForward, x, {});
  EXPECT_EQ(s[0], 0.5f);
  EXPECT_EQ(s[1], 0.5f);
  EXPECT_EQ(s[2], 0.0f);
  EXPECT_EQ(s[3], 0.0f);
  const auto l = RunRows("log_softmax", Mode::kForward, x, {});
  EXPECT_FLOAT_EQ(l[0], -std::log(2.0f));
  EXPECT_FLOAT_EQ(l[2], -FLT_MAX);
  // 4 ULP of its magnitude even when the row is dominated by one element.
  const auto tiny = RunRows("log_softmax", Mode::kForward, {0.0f, -60.0f}, {});
  EXPECT_LE(accuracy::UlpDistance(tiny[0], static_cast<float>(-std::exp(-60.0L))), 4);
}

TEST(Softmax, LimitsAndNan) {
  const float inf = std::numeric_limits<float>::infinity();
  const auto one_inf = RunRows("softmax", Mode::kForward, {inf, 1.0f, -inf}, {});
  EXPECT_EQ(one_inf, (std::vector<float>{1.0f, 0.0f, 0.0f}));
  const auto log_one_inf = RunRows("log_softmax", Mode::kForward, {inf, 1.0f}, {});
  EXPECT_EQ(log_one_inf, (std::vector<float>{0.0f, -inf}));
  for (const std::vector<float>& undefined : {std::vector<float>{inf, inf}, std::vector<float>{-inf, -inf},
                                              std::vector<float>{1.0f, std::nanf("")}}) {
    for (const char* name : {"softmax", "log_softmax"}) {
      for (Mode mode : {Mode::kForward, Mode::kDerivative}) {
        for (float v : RunRows(name, mode, undefined, {})) EXPECT_TRUE(std::isnan(v)) << name;
      }
    }
  }
  // A NaN spoils only its own row.
  const auto rows = RunRows("softmax", Mode::kForward, {std::nanf(""), 0.0f, 0.0f, 0.0f}, {2, 2});
  EXPECT_TRUE(std::isnan(rows[1]));
  EXPECT_EQ(rows[2], 0.5f);
}

// The true VJP couples each row: compared with the long double reference,
// relative to the size of the terms it sums.
TEST(Softmax, VjpIsRowCoupled) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-8.0f, 8.0f);
  for (const char* name : {"softmax", "log_softmax"}) {
    const auto* ref = accuracy::FindRowReference(name);
    ASSERT_NE(ref, nullptr);
    for (std::size_t length : {1u, 2u, 5u, 64u}) {
      std::vector<float> x(4 * length), g(4 * length);
      for (float& v : x) v = value(rng);
      for (float& v : g) v = value(rng);
      const auto got = RunRows(name, Mode::kVjp, x, {4, static_cast<std::int64_t>(length)}, g);
      std::vector<long double> exact(length);
      for (std::size_t r = 0; r < 4; ++r) {
        ref->vjp(&x[r * length], &g[r * length], length, exact.data());
        long double scale = 0;
        for (std::size_t j = 0; j < length; ++j) scale = std::max(scale, std::fabs((long double)g[r * length + j]));
        for (std::size_t i = 0; i < length; ++i) {
          EXPECT_NEAR(got[r * length + i], exact[i], 1e-6 * scale) << name << " length " << length;
        }
      }
    }
  }
  // softmax VJP with g = 1 is 0 (the rows sum to a constant); log_softmax's is 1 - n s_i.
  const auto zero = RunRows("softmax", Mode::kVjp, {1, 2, 3}, {}, {1, 1, 1});
  for (float v : zero) EXPECT_NEAR(v, 0.0f, 1e-7f);
}

// Large calls are split across workers: only at row boundaries.
TEST(Softmax, LargeRowsStayWholeWhenComputeSplitsTheWork) {
  const std::size_t n = std::size_t{1} << 20;
  std::vector<float> x(n, 0.0f), out(n);
  for (std::size_t length : {std::size_t{0}, n, n / 4}) {
    KernelArgs args;
    args.row_length = length;  // 0: one row of all n
    Compute(Get("softmax"), Mode::kForward, args, x.data(), nullptr, out.data(), n);
    const std::size_t row = length == 0 ? n : length;
    EXPECT_FLOAT_EQ(out[0], 1.0f / static_cast<float>(row)) << length;
    EXPECT_FLOAT_EQ(out[n - 1], 1.0f / static_cast<float>(row)) << length;
  }
}

TEST(Softmax, DerivativeIsTheJacobianDiagonal) {
  const auto s = RunRows("softmax", Mode::kForward, {0.0f, 1.0f}, {});
  const auto d = RunRows("softmax", Mode::kDerivative, {0.0f, 1.0f}, {});
  EXPECT_FLOAT_EQ(d[0], s[0] * (1 - s[0]));
  const auto ld = RunRows("log_softmax", Mode::kDerivative, {0.0f, 1.0f}, {});
  EXPECT_FLOAT_EQ(ld[1], 1 - s[1]);
  EXPECT_FALSE(Get("softmax").gradient_note.empty());
}

}  // namespace
}  // namespace activation::testing
