// Run-time target selection for the vector kernels (see target.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compute/simd/target.cc"
#include <cstdint>

#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace activation::simd::HWY_NAMESPACE {
// Which target this copy of the code was compiled for.
std::int64_t CompiledTarget() { return HWY_TARGET; }
}  // namespace activation::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "compute/simd/target.h"
#include "hwy/targets.h"

namespace activation::simd {

HWY_EXPORT(CompiledTarget);

namespace {

// What the CPU supports, read once before anything restricts it.
const std::vector<std::int64_t>& Supported() {
  static const std::vector<std::int64_t> supported = [] {
    hwy::SetSupportedTargetsForTest(0);
    return hwy::SupportedAndGeneratedTargets();  // lowest bit first = best first
  }();
  return supported;
}

// The cap from ACTIVATION_SIMD_TARGET (a target bit; 0 when unset or
// invalid) and the error for an invalid value, read once on first use so
// that every caller sees it, whichever asks first.
struct EnvironmentCap {
  std::int64_t target = 0;
  std::string problem;
};
const EnvironmentCap& Environment() {
  static const EnvironmentCap cap = [] {
    EnvironmentCap c;
    Supported();  // before any restriction
    const char* value = std::getenv("ACTIVATION_SIMD_TARGET");
    if (value != nullptr && *value != '\0' && !ParseTargetCap(value, &c.target)) {
      c.target = 0;
      c.problem = std::string("ACTIVATION_SIMD_TARGET: unknown or unavailable target '") + value +
                  "'; valid: scalar, ssse3, sse4, avx2, avx512";
    }
    if (c.target != 0) hwy::SetSupportedTargetsForTest(c.target);
    return c;
  }();
  return cap;
}

}  // namespace

std::vector<std::int64_t> AvailableTargets() {
  const std::int64_t cap = Environment().target;
  std::vector<std::int64_t> targets;
  for (std::int64_t t : Supported()) {
    if (t >= cap) targets.push_back(t);  // higher bits are weaker targets
  }
  return targets;
}

std::vector<std::int64_t> CompiledTargets() {
  std::vector<std::int64_t> targets;
  for (std::int64_t bits = HWY_TARGETS; bits != 0; bits &= bits - 1) targets.push_back(bits & -bits);
  return targets;
}

std::string TargetName(std::int64_t target) { return hwy::TargetName(target); }

std::int64_t CurrentTarget() {
  Environment();
  return HWY_DYNAMIC_DISPATCH(CompiledTarget)();
}

void ForceTarget(std::int64_t target) {
  const std::int64_t cap = Environment().target;
  hwy::SetSupportedTargetsForTest(target != 0 ? target : cap);
}

bool ParseTargetCap(std::string_view name, std::int64_t* target) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::int64_t cap = 0;
  if (lower == "avx512") cap = HWY_AVX3;
  else if (lower == "avx2") cap = HWY_AVX2;
  else if (lower == "sse4") cap = HWY_SSE4;
  else if (lower == "ssse3") cap = HWY_SSSE3;
  else if (lower == "scalar") cap = HWY_EMU128;
  else return false;
  // Higher bits are weaker targets: the best one the CPU runs at or below the cap.
  for (std::int64_t t : Supported()) {
    if (t >= cap) {
      *target = t;
      return true;
    }
  }
  return false;
}

std::string ApplyTargetFromEnvironment() { return Environment().problem; }

}  // namespace activation::simd
#endif  // HWY_ONCE
