// Independent double-precision formulas of the classic activations, written
// here from their definitions (PyTorch conventions) and not taken from the
// compute library, plus a ULP comparison.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace activation::server::testing {

// f(x) and f'(x) of `name` with its single parameter p (threshold or slope).
inline double ReferenceForward(const std::string& name, double x, double p) {
  if (name == "step") return std::isnan(x) ? x : (x > p ? 1.0 : 0.0);
  if (name == "sigmoid") return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
  if (name == "tanh") return std::tanh(x);
  if (name == "relu") return std::isnan(x) ? x : (x > 0 ? x : 0.0);
  if (name == "leaky_relu") return std::isnan(x) ? x : (x >= 0 ? x : p * x);
  return NAN;
}

inline double ReferenceDerivative(const std::string& name, double x, double p) {
  if (std::isnan(x)) return x;
  if (name == "step") return 0.0;
  if (name == "sigmoid") {
    const double e = std::exp(-std::fabs(x));
    return e / ((1.0 + e) * (1.0 + e));
  }
  if (name == "tanh") {
    const double c = std::cosh(x);
    return 1.0 / (c * c);
  }
  if (name == "relu") return x > 0 ? 1.0 : 0.0;
  if (name == "leaky_relu") return x > 0 ? 1.0 : p;
  return NAN;
}

// Distance in float32 units in the last place; 0 for two NaNs.
inline std::int64_t UlpDistance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  auto ordered = [](float f) {
    std::int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i < 0 ? static_cast<std::int64_t>(INT32_MIN) - i : static_cast<std::int64_t>(i);
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

inline constexpr std::int64_t kMaxUlp = 4;

}  // namespace activation::server::testing
