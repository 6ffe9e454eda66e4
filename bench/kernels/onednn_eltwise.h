// oneDNN's eltwise primitive (Debian libdnnl-dev, JIT-compiled for this CPU)
// as the comparison rows of the kernel benchmark: the same function on the
// same preallocated buffers, single thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace activation::bench {

// One oneDNN eltwise algorithm with its alpha/beta, e.g. relu with alpha =
// 0.01 for leaky_relu. Primitives are created once per size, outside the timing.
class OneDnnEltwise {
 public:
  // nullptr when oneDNN has no equivalent of the catalogue entry `label`.
  static std::unique_ptr<OneDnnEltwise> For(std::string_view label, std::size_t n);
  ~OneDnnEltwise();

  void Forward(const float* x, float* out);
  // diff_src = diff_dst * f'(x): oneDNN's backward pass (a VJP).
  void Backward(const float* x, const float* diff_dst, float* diff_src);

  struct Impl;

 private:
  explicit OneDnnEltwise(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Limits oneDNN (OpenMP) to one thread, as the figures are.
void UseOneThreadForOneDnn();

// The instruction set oneDNN's JIT targets ("avx512_core", "avx2", ...),
// which DNNL_MAX_CPU_ISA caps.
std::string_view OneDnnIsa();

}  // namespace activation::bench
