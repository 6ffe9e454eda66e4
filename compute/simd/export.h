// Turns the per-target kernels made by ACTIVATION_SIMD_TARGET_KERNELS(Op)
// into one `Kernels` record whose functions pick the best target the CPU
// supports at run time (HWY_DYNAMIC_DISPATCH). Use inside `#if HWY_ONCE`.
#pragma once

#include <cstddef>

#include "compute/activation.h"
#include "hwy/highway.h"

#define ACTIVATION_SIMD_EXPORT_KERNELS(Op)                                                       \
  HWY_EXPORT(Op##Forward);                                                                       \
  HWY_EXPORT(Op##Derivative);                                                                    \
  HWY_EXPORT(Op##Vjp);                                                                           \
  Kernels Op() {                                                                                 \
    return Kernels{                                                                              \
        [](const float* x, float* out, std::size_t n, const KernelArgs& args) {                  \
          HWY_DYNAMIC_DISPATCH(Op##Forward)(x, out, n, args);                                    \
        },                                                                                       \
        [](const float* x, float* out, std::size_t n, const KernelArgs& args) {                  \
          HWY_DYNAMIC_DISPATCH(Op##Derivative)(x, out, n, args);                                 \
        },                                                                                       \
        [](const float* x, const float* g, float* out, std::size_t n, const KernelArgs& args) {  \
          HWY_DYNAMIC_DISPATCH(Op##Vjp)(x, g, out, n, args);                                     \
        }};                                                                                      \
  }
