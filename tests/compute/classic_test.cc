// The classic five: the named values, limits, kinks and NaN.
// Accuracy over the whole range is measured in accuracy_test.cc.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>

#include "tests/compute/test_util.h"

namespace activation::testing {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kDenorm = std::numeric_limits<float>::denorm_min();

TEST(Sigmoid, ValuesFromTheIssue) {
  EXPECT_EQ(Forward("sigmoid", 0.0f), 0.5f);
  EXPECT_FLOAT_EQ(Forward("sigmoid", 1.0f), 0.731058598f);
  EXPECT_FLOAT_EQ(Forward("sigmoid", -20.0f), 2.06115369e-09f);
}

TEST(Sigmoid, DerivativeKeepsTheTails) {
  // e^-20 / (1 + e^-20)^2 = 2.0611536139...e-9; s(1 - s) in float gives 0.
  EXPECT_NEAR(Derivative("sigmoid", 20.0f), 2.0611536e-9f, 2.0611536e-9f * 1e-6f);
  EXPECT_NEAR(Derivative("sigmoid", -20.0f), 2.0611536e-9f, 2.0611536e-9f * 1e-6f);
  EXPECT_GT(Derivative("sigmoid", 100.0f), 0.0f);  // 3.7e-44, a subnormal, not 0
  EXPECT_EQ(Derivative("sigmoid", 0.0f), 0.25f);
}

TEST(Sigmoid, Limits) {
  EXPECT_EQ(Forward("sigmoid", kInf), 1.0f);
  EXPECT_EQ(Forward("sigmoid", -kInf), 0.0f);
  EXPECT_EQ(Forward("sigmoid", FLT_MAX), 1.0f);
  EXPECT_EQ(Forward("sigmoid", -FLT_MAX), 0.0f);
  EXPECT_EQ(Derivative("sigmoid", kInf), 0.0f);
  EXPECT_EQ(Derivative("sigmoid", -kInf), 0.0f);
  EXPECT_EQ(Forward("sigmoid", kDenorm), 0.5f);
  EXPECT_EQ(Forward("sigmoid", -0.0f), 0.5f);
}

TEST(Sigmoid, AliasLogistic) { EXPECT_EQ(FindActivation("logistic"), FindActivation("sigmoid")); }

TEST(Tanh, DerivativeKeepsTheTails) {
  // 1 / cosh(9)^2 = 6.0919921...e-8; 1 - tanh^2 in float gives 0.
  EXPECT_NEAR(Derivative("tanh", 9.0f), 6.09199e-08f, 6.09199e-08f * 1e-5f);
  EXPECT_NEAR(Derivative("tanh", -9.0f), 6.09199e-08f, 6.09199e-08f * 1e-5f);
  EXPECT_EQ(Derivative("tanh", 0.0f), 1.0f);
}

TEST(Tanh, SignedZeroDenormalsAndLimits) {
  EXPECT_TRUE(std::signbit(Forward("tanh", -0.0f)));
  EXPECT_EQ(Forward("tanh", kDenorm), kDenorm);
  EXPECT_EQ(Forward("tanh", -kDenorm), -kDenorm);
  EXPECT_EQ(Forward("tanh", kInf), 1.0f);
  EXPECT_EQ(Forward("tanh", -kInf), -1.0f);
  EXPECT_EQ(Derivative("tanh", kInf), 0.0f);
  EXPECT_EQ(Derivative("tanh", -FLT_MAX), 0.0f);
}

TEST(Relu, KinkAndLimits) {
  EXPECT_EQ(Forward("relu", 0.0f), 0.0f);
  EXPECT_EQ(Derivative("relu", 0.0f), 0.0f);  // PyTorch: relu'(0) = 0
  EXPECT_EQ(Derivative("relu", -0.0f), 0.0f);
  EXPECT_EQ(Derivative("relu", kDenorm), 1.0f);
  EXPECT_EQ(Forward("relu", kDenorm), kDenorm);
  EXPECT_EQ(Forward("relu", -kDenorm), 0.0f);
  EXPECT_EQ(Forward("relu", kInf), kInf);
  EXPECT_EQ(Forward("relu", -kInf), 0.0f);
  EXPECT_EQ(Forward("relu", FLT_MAX), FLT_MAX);
}

TEST(LeakyRelu, DefaultSlopeKinkAndLimits) {
  EXPECT_FLOAT_EQ(Forward("leaky_relu", -2.0f), -0.02f);
  EXPECT_EQ(Derivative("leaky_relu", 0.0f), 0.01f);  // PyTorch: negative_slope at 0
  EXPECT_EQ(Derivative("leaky_relu", 1.0f), 1.0f);
  EXPECT_EQ(Forward("leaky_relu", -kInf), -kInf);
  EXPECT_EQ(Forward("leaky_relu", kInf), kInf);
  EXPECT_FLOAT_EQ(Forward("leaky_relu", -FLT_MAX), -FLT_MAX * 0.01f);
  EXPECT_FLOAT_EQ(Forward("leaky_relu", -3.0f, {{"negative_slope", 0.2}}), -0.6f);
  EXPECT_EQ(Derivative("leaky_relu", -3.0f, {{"negative_slope", 0.2}}), 0.2f);
}

TEST(Step, ThresholdConvention) {
  EXPECT_EQ(Forward("step", 0.0f), 0.0f);  // 1 only where x > threshold
  EXPECT_EQ(Forward("step", kDenorm), 1.0f);
  EXPECT_EQ(Forward("step", -kInf), 0.0f);
  EXPECT_EQ(Forward("step", kInf), 1.0f);
  EXPECT_EQ(Forward("step", 1.5f, {{"threshold", 1.5}}), 0.0f);
  EXPECT_EQ(Forward("step", std::nextafter(1.5f, 2.0f), {{"threshold", 1.5}}), 1.0f);
  EXPECT_EQ(Derivative("step", 0.0f), 0.0f);
  EXPECT_EQ(Derivative("step", 5.0f), 0.0f);
}

// PyTorch gives step(NaN) = 0 and relu'(NaN) = 1; we propagate NaN everywhere.
TEST(Classic, NanPropagatesThroughForwardAndDerivative) {
  for (const char* name : {"step", "sigmoid", "tanh", "relu", "leaky_relu"}) {
    EXPECT_TRUE(std::isnan(Forward(name, kNaN))) << name;
    EXPECT_TRUE(std::isnan(Derivative(name, kNaN))) << name;
    EXPECT_TRUE(std::isnan(Forward(name, -kNaN))) << name;
  }
}

}  // namespace
}  // namespace activation::testing
