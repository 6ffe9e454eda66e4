#include "server/memory.h"

#include <malloc.h>

namespace activation::server {

void KeepLargeBuffersMapped() {
  // 32 MiB is glibc's ceiling for the mmap threshold on 64-bit; setting it
  // also turns off the dynamic threshold. Freed memory beyond 256 MiB at the
  // top of the heap still goes back to the OS.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace activation::server
