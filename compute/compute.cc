#include "compute/compute.h"

#include <string>

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

void Compute(const Activation& activation, Mode mode, const KernelArgs& args, const float* x,
             const float* grad_output, float* out, std::size_t n) {
  if (n == 0) return;
  const Kernels& k = activation.fast;
  switch (mode) {
    case Mode::kForward: k.forward(x, out, n, args); break;
    case Mode::kDerivative: k.derivative(x, out, n, args); break;
    case Mode::kVjp: k.vjp(x, grad_output, out, n, args); break;
  }
}

}  // namespace activation
