// Allocator policy of the server process (see docs/architecture.md, serving path).
#pragma once

namespace activation::server {

// Keeps large tensor buffers inside the heap instead of mapping and
// unmapping them on every call (glibc otherwise mmaps anything >= 128 KiB
// and each call then page-faults its payload in again).
void KeepLargeBuffersMapped();

}  // namespace activation::server
