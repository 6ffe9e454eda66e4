#include "compute/compute.h"

#include <algorithm>
#include <string>

#include "compute/parallel.h"

namespace activation {

Status CheckShape(const std::vector<std::int64_t>& shape, std::size_t count, std::size_t* row_length) {
  if (shape.empty()) {
    *row_length = count;
    return Status();
  }
  unsigned __int128 product = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      return Status::InvalidArgument("shape[" + std::to_string(i) + "]: dimension " +
                                     std::to_string(shape[i]) + " is negative");
    }
    product *= static_cast<std::uint64_t>(shape[i]);
    if (product > count) product = static_cast<unsigned __int128>(count) + 1;  // saturate: mismatch anyway
  }
  if (product != count) {
    std::string dims;
    for (std::int64_t d : shape) dims += (dims.empty() ? "" : ",") + std::to_string(d);
    return Status::InvalidArgument("shape: [" + dims + "] does not match the element count " +
                                   std::to_string(count));
  }
  *row_length = static_cast<std::size_t>(shape.back());
  return Status();
}

namespace {

template <class K, class T>
void RunKernels(const K& k, Mode mode, const KernelArgs& args, const T* x, const T* grad_output, T* out,
                std::size_t n) {
  switch (mode) {
    case Mode::kForward: k.forward(x, out, n, args); break;
    case Mode::kDerivative: k.derivative(x, out, n, args); break;
    case Mode::kVjp: k.vjp(x, grad_output, out, n, args); break;
  }
}

// Parts of a split call start on a multiple of `granule`: whole rows for
// row-wise functions (row_length 0 means one row of all n), whole cache
// lines (16 floats) otherwise.
std::size_t Granule(const Activation& activation, const KernelArgs& args, std::size_t n) {
  if (activation.rowwise) return args.row_length > 0 ? args.row_length : n;
  return 16;
}

}  // namespace

std::size_t SplitThreshold(const Activation& activation) {
  const std::size_t cost = static_cast<std::size_t>(activation.cost);
  const std::size_t work = ParallelThreshold();
  return work / cost + (work % cost != 0);  // rounded up, without overflow
}

void ForEachPart(const Activation& activation, const KernelArgs& args, std::size_t n,
                 FunctionRef<void(std::size_t begin, std::size_t end)> part) {
  if (n == 0) return;
  WorkerPool* pool = n >= SplitThreshold(activation) ? &ComputePool() : nullptr;
  if (pool == nullptr || pool->size() == 1) {
    part(0, n);
    return;
  }
  const std::size_t granule = Granule(activation, args, n);
  const std::size_t granules = (n + granule - 1) / granule;
  const std::size_t parts = std::min(pool->size(), granules);
  pool->Run(parts, [&](std::size_t i) {
    const std::size_t begin = std::min(n, granules * i / parts * granule);
    const std::size_t end = std::min(n, granules * (i + 1) / parts * granule);
    if (begin != end) part(begin, end);
  });
}

namespace {

// Runs kernels `k` of `activation`, split across the worker pool when large.
template <class K, class T>
void ComputeWith(const Activation& activation, const K& k, Mode mode, const KernelArgs& args, const T* x,
                 const T* grad_output, T* out, std::size_t n) {
  ForEachPart(activation, args, n, [&](std::size_t begin, std::size_t end) {
    RunKernels(k, mode, args, x + begin, mode == Mode::kVjp ? grad_output + begin : nullptr, out + begin,
               end - begin);
  });
}

}  // namespace

void Compute(const Activation& activation, Mode mode, const KernelArgs& args, const float* x,
             const float* grad_output, float* out, std::size_t n) {
  ComputeWith(activation, activation.fast, mode, args, x, grad_output, out, n);
}

void ComputePart(const Activation& activation, Mode mode, const KernelArgs& args, const float* x,
                 const float* grad_output, float* out, std::size_t n) {
  RunKernels(activation.fast, mode, args, x, grad_output, out, n);
}

void ComputeFloat64(const Activation& activation, Mode mode, const KernelArgs& args, const double* x,
                    const double* grad_output, double* out, std::size_t n) {
  ComputeWith(activation, activation.float64, mode, args, x, grad_output, out, n);
}

}  // namespace activation
