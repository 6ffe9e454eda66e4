// Allocator policy of the server process (see docs/architecture.md, serving path).
#pragma once

#include <cstdint>

namespace activation::server {

// The default --max-memory-bytes: a third of the cgroup memory limit when the
// process runs under one (a container), else a third of the physical memory.
// The rest is for what the budget does not count: gRPC's transport buffers
// and serialized copies of messages, the heap the allocator keeps, the code
// and the threads.
std::int64_t DefaultMemoryBudget();

// glibc's malloc tuned for a process whose memory is mostly large tensor
// buffers that live for one call:
// - they stay inside the heap instead of being mapped and unmapped on every
//   call (glibc otherwise mmaps anything >= 128 KiB and each call then
//   page-faults its payload in again);
// - every thread allocates from one heap, so a buffer freed by one call is
//   reused by the next whichever thread serves it. With glibc's default of
//   one arena per thread (up to eight per core) each arena keeps its own
//   high-water mark of freed buffers, and the process's memory is their sum
//   rather than what the calls in progress hold. Small allocations still go
//   through each thread's cache without taking the heap's lock.
void SetAllocatorPolicy();

}  // namespace activation::server
