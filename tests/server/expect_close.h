// Comparing served floats with the double-precision reference.
#pragma once

#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/reference.h"

namespace activation::server::testing {

// Within kMaxUlp where the true result is a normal float; within FLT_MIN
// where it is subnormal or zero (no accuracy promise there).
inline void ExpectClose(const std::vector<float>& got, const std::vector<double>& expected,
                        const std::vector<float>& inputs, const std::string& what) {
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const float want = static_cast<float>(expected[i]);
    if (std::isfinite(want) && std::fabs(want) < FLT_MIN) {
      EXPECT_LT(std::fabs(got[i] - want), FLT_MIN) << what << " at x=" << inputs[i];
    } else {
      EXPECT_LE(UlpDistance(got[i], want), kMaxUlp)
          << what << " at x=" << inputs[i] << ": got " << got[i] << ", want " << want;
    }
  }
}

inline const std::vector<float>& SampleInputs() {
  static const std::vector<float> inputs = {
      -INFINITY, -100.f, -20.f, -9.f, -2.5f, -1.f, -0.5f, -1e-30f, -0.f, 0.f, 1e-30f,
      0.25f,     0.5f,   1.f,   2.5f, 9.f,   20.f, 100.f, INFINITY, NAN};
  return inputs;
}

inline const std::vector<std::string>& ClassicFive() {
  static const std::vector<std::string> names = {"step", "sigmoid", "tanh", "relu", "leaky_relu"};
  return names;
}

}  // namespace activation::server::testing
