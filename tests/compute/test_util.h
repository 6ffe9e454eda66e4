// Small helpers for running one activation in the tests.
#pragma once

#include <string_view>
#include <vector>

#include "compute/activation.h"
#include "compute/registry.h"

namespace activation::testing {

// The catalogue entry; fails the test (and returns a null kernel set) when missing.
const Activation& Get(std::string_view name);

// f(x) or f'(x) for one input with the given parameters (defaults when empty).
float Forward(std::string_view name, float x, const GivenParams& params = {});
float Derivative(std::string_view name, float x, const GivenParams& params = {});

}  // namespace activation::testing
