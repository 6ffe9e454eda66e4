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

#include "compute/simd/target.h"
#include "hwy/targets.h"

namespace activation::simd {

HWY_EXPORT(CompiledTarget);

std::vector<std::int64_t> AvailableTargets() {
  return hwy::SupportedAndGeneratedTargets();  // lowest bit first = best first
}

std::string TargetName(std::int64_t target) { return hwy::TargetName(target); }

std::int64_t CurrentTarget() { return HWY_DYNAMIC_DISPATCH(CompiledTarget)(); }

void ForceTarget(std::int64_t target) { hwy::SetSupportedTargetsForTest(target); }

bool ParseTargetCap(std::string_view name, std::int64_t* target) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::int64_t cap = 0;
  if (lower == "avx512") cap = HWY_AVX3;
  else if (lower == "avx2") cap = HWY_AVX2;
  else if (lower == "sse4") cap = HWY_SSE4;
  else if (lower == "scalar") cap = HWY_EMU128;
  else return false;
  // Higher bits are weaker targets: take the best available one at or below the cap.
  ForceTarget(0);
  for (std::int64_t t : AvailableTargets()) {
    if (t >= cap) {
      *target = t;
      return true;
    }
  }
  return false;
}

std::string ApplyTargetFromEnvironment() {
  const char* value = std::getenv("ACTIVATION_SIMD_TARGET");
  if (value == nullptr || *value == '\0') return "";
  std::int64_t target = 0;
  if (!ParseTargetCap(value, &target)) {
    return std::string("ACTIVATION_SIMD_TARGET: unknown or unavailable target '") + value +
           "'; valid: scalar, sse4, avx2, avx512";
  }
  ForceTarget(target);
  return "";
}

}  // namespace activation::simd
#endif  // HWY_ONCE
