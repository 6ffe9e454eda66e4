// The vectorized kernels, one `Kernels` record per function, each
// dispatching at run time to the best instruction set the CPU supports
// (see target.h to force a lower one). Each catalogue entry in compute/
// sets its own (Activation::fast).
#pragma once

#include "compute/activation.h"

namespace activation::simd {

// piecewise.cc
Kernels Step();
Kernels Relu();
Kernels LeakyRelu();  // also prelu: the same function with another default
Kernels Hardtanh();
Kernels Relu6();
Kernels Hardsigmoid();
Kernels Hardswish();
Kernels Softshrink();
Kernels Hardshrink();
Kernels Threshold();

// logistic.cc
Kernels Sigmoid();
Kernels Silu();
Kernels Logsigmoid();
Kernels Softplus();

// hyperbolic.cc
Kernels Tanh();
Kernels Tanhshrink();
Kernels Mish();

// elu.cc
Kernels Elu();
Kernels Selu();
Kernels Celu();

// gelu.cc
Kernels Gelu();
Kernels Softsign();

// softmax.cc (row-wise: KernelArgs::row_length)
Kernels Softmax();
Kernels LogSoftmax();

}  // namespace activation::simd
