// Which instruction set the vector kernels run on. By default the best one
// the CPU supports; ACTIVATION_SIMD_TARGET=scalar|sse4|avx2|avx512 (or
// ForceTarget) caps it, for tests and for comparing targets side by side.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace activation::simd {

// Highway target bits this binary can run on this CPU, best first.
std::vector<std::int64_t> AvailableTargets();

// Name of a target bit ("AVX3", "AVX2", "SSE4", "EMU128", ...).
std::string TargetName(std::int64_t target);

// The target the kernels dispatch to now.
std::int64_t CurrentTarget();

// Restricts dispatch to `target` (one bit from AvailableTargets); 0 restores
// the default. Not thread-safe: call before running kernels concurrently.
void ForceTarget(std::int64_t target);

// Parses "scalar", "sse4", "avx2", "avx512" (case-insensitive) into the best
// available target at or below it; false for other names.
bool ParseTargetCap(std::string_view name, std::int64_t* target);

// Applies ACTIVATION_SIMD_TARGET if set; returns an error message for an
// unknown value (and leaves the default), empty otherwise.
std::string ApplyTargetFromEnvironment();

}  // namespace activation::simd
