#include "tests/compute/test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "compute/compute.h"

namespace activation::testing {
namespace {

float RunOne(std::string_view name, Mode mode, float x, const GivenParams& params) {
  const Activation& a = Get(name);
  KernelArgs args;
  const Status status = ResolveParams(a, params, &args);
  EXPECT_TRUE(status.ok()) << status.message();
  args.row_length = 1;
  float out = 0;
  Compute(a, mode, args, &x, nullptr, &out, 1);
  return out;
}

}  // namespace

const Activation& Get(std::string_view name) {
  const Activation* a = FindActivation(name);
  if (a == nullptr) {
    ADD_FAILURE() << "activation '" << name << "' is not in the catalogue";
    std::abort();
  }
  return *a;
}

float Forward(std::string_view name, float x, const GivenParams& params) {
  return RunOne(name, Mode::kForward, x, params);
}
float Derivative(std::string_view name, float x, const GivenParams& params) {
  return RunOne(name, Mode::kDerivative, x, params);
}

}  // namespace activation::testing
