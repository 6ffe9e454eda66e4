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

// The float64 kernels (double lanes), in the same files.
Kernels64 Step64();
Kernels64 Relu64();
Kernels64 LeakyRelu64();
Kernels64 Hardtanh64();
Kernels64 Relu664();
Kernels64 Hardsigmoid64();
Kernels64 Hardswish64();
Kernels64 Softshrink64();
Kernels64 Hardshrink64();
Kernels64 Threshold64();
Kernels64 Sigmoid64();
Kernels64 Logsigmoid64();
Kernels64 Softplus64();
Kernels64 Silu64();
Kernels64 Tanh64();
Kernels64 Tanhshrink64();
Kernels64 Mish64();
Kernels64 Elu64();
Kernels64 Selu64();
Kernels64 Celu64();
Kernels64 Softsign64();
Kernels64 Gelu64();
Kernels64 Softmax64();
Kernels64 LogSoftmax64();

}  // namespace activation::simd
