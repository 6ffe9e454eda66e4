#include "server/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace activation::server {
namespace {

// The first number in `path`; 0 when it is missing or holds none ("max").
std::int64_t ReadLimit(const char* path) {
  std::ifstream file(path);
  std::int64_t value = 0;
  return file >> value ? value : 0;
}

}  // namespace

std::int64_t DefaultMemoryBudget() {
  std::int64_t memory = static_cast<std::int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  // cgroup v2, then v1 (whose "no limit" is a huge number, above the memory).
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    const std::int64_t limit = ReadLimit(path);
    if (limit > 0) memory = std::min(memory, limit);
  }
  // The server's memory stays within about twice the budget beyond its idle
  // size (docs/operations.md), so a third leaves room for that and the rest.
  return std::max<std::int64_t>(memory / 3, 1 << 20);
}

void SetAllocatorPolicy() {
  // 32 MiB is glibc's ceiling for the mmap threshold on 64-bit; setting it
  // also turns off the dynamic threshold. Freed memory beyond 256 MiB at the
  // top of the heap still goes back to the OS.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_ARENA_MAX, 1);
}

}  // namespace activation::server
