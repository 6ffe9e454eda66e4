// Allocator policy of the server process (see docs/architecture.md, serving path).
#pragma once

#include <cstdint>

namespace activation::server {

// The default --max-memory-bytes: half of the cgroup memory limit when the
// process runs under one (a container), else half of the physical memory.
// The other half is for what the budget does not count: gRPC's transport
// buffers and serialized copies of messages, the heap the allocator keeps,
// the code and the threads.
std::int64_t DefaultMemoryBudget();

// Keeps large tensor buffers inside the heap instead of mapping and
// unmapping them on every call (glibc otherwise mmaps anything >= 128 KiB
// and each call then page-faults its payload in again).
void KeepLargeBuffersMapped();

}  // namespace activation::server
