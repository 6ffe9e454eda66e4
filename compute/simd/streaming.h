// When the vector loops (map-inl.h) write their output with non-temporal
// stores. Not per target: the tests size their arrays from it.
#pragma once

#include <cstddef>

namespace activation::simd {

// An output of at least this many bytes is written with non-temporal
// stores: it is larger than a core's share of the caches, so it would be
// evicted before the caller reads it, and writing around the caches saves
// reading each line in first (read for ownership). Smaller outputs keep
// ordinary stores, which leave them in cache for the caller's next step.
// The bound lies between the sizes the kernel benchmark measures (4 MiB of
// output: ordinary stores win; 64 MiB: streaming wins).
constexpr std::size_t kStreamFromBytes = std::size_t{16} << 20;

}  // namespace activation::simd
