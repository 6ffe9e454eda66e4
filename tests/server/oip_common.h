// What the Open Inference Protocol tests (gRPC and HTTP) share: parameter
// values for every activation and a bit-for-bit comparison.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compute/activation.h"

namespace activation::server::testing {

// A valid value for every parameter of `a`: defaults moved a little where
// that stays in range, so that a parameter that is ignored shows.
inline std::vector<std::pair<std::string, double>> OipParams(const Activation& a) {
  std::vector<std::pair<std::string, double>> params;
  for (const ParamSpec& p : a.params) {
    double value = p.required ? 0.5 : p.default_value;
    if (p.name == "approximate") value = 1;
    else if (p.name == "threshold" && a.name == "softplus") value = 15;
    else if (p.name == "min_val") value = -0.75;
    else if (p.name == "max_val") value = 2;
    else if (!p.required && value != 0) value *= 1.25;
    params.emplace_back(std::string(p.name), value);
  }
  return params;
}

inline void ExpectBitEqual(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &want[i], 4);
    EXPECT_EQ(a, b) << what << " [" << i << "]: " << got[i] << " vs activation.v1's " << want[i];
  }
}

}  // namespace activation::server::testing
