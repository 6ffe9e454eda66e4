// Which instruction set the vector kernels run on. By default the best one
// the CPU supports; ACTIVATION_SIMD_TARGET=scalar|sse4|avx2|avx512 (or
// ForceTarget) caps it, for tests and for comparing targets side by side.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace activation::simd {

// Highway target bits this binary can run on this CPU, best first, at or
// below the ACTIVATION_SIMD_TARGET cap when one was applied.
std::vector<std::int64_t> AvailableTargets();

// Every target bit this binary was compiled for, best first (a superset of
// AvailableTargets on any CPU).
std::vector<std::int64_t> CompiledTargets();

// Name of a target bit ("AVX3", "AVX2", "SSE4", "EMU128", ...).
std::string TargetName(std::int64_t target);

// The target the kernels dispatch to now.
std::int64_t CurrentTarget();

// Restricts dispatch to `target` (one bit from AvailableTargets); 0 restores
// the default (the best available target). Not thread-safe: call before
// running kernels concurrently.
void ForceTarget(std::int64_t target);

// Forces `target` (as ForceTarget) for its lifetime, then restores the
// default: the kernels of one scope, e.g. a test's loop over targets.
struct TargetScope {
  explicit TargetScope(std::int64_t target) { ForceTarget(target); }
  ~TargetScope() { ForceTarget(0); }
  TargetScope(const TargetScope&) = delete;
  TargetScope& operator=(const TargetScope&) = delete;
};

// Parses "scalar", "ssse3", "sse4", "avx2", "avx512" (case-insensitive) into
// the best target this CPU runs at or below it; false for other names.
bool ParseTargetCap(std::string_view name, std::int64_t* target);

// ACTIVATION_SIMD_TARGET, when set, caps AvailableTargets and the default
// dispatch; every function here reads it on first use. Returns the error
// for an unknown value (the default then stays), empty otherwise.
std::string ApplyTargetFromEnvironment();

}  // namespace activation::simd
