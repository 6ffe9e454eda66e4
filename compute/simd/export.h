// Turns the per-target kernels made by ACTIVATION_SIMD_TARGET_KERNELS(Op)
// into one `Kernels` record whose functions pick the best target the CPU
// supports at run time (HWY_DYNAMIC_DISPATCH). Use inside `#if HWY_ONCE`.
#pragma once

#include <cstddef>

#include "compute/activation.h"
#include "hwy/highway.h"

// Record is Kernels (float arrays, T = float) or Kernels64 (T = double).
#define ACTIVATION_SIMD_EXPORT_KERNELS_OF(Op, Record, T)                                \
  HWY_EXPORT(Op##Forward);                                                              \
  HWY_EXPORT(Op##Derivative);                                                           \
  HWY_EXPORT(Op##Vjp);                                                                  \
  Record Op() {                                                                         \
    return Record{                                                                      \
        [](const T* x, T* out, std::size_t n, const KernelArgs& args) {                 \
          HWY_DYNAMIC_DISPATCH(Op##Forward)(x, out, n, args);                           \
        },                                                                              \
        [](const T* x, T* out, std::size_t n, const KernelArgs& args) {                 \
          HWY_DYNAMIC_DISPATCH(Op##Derivative)(x, out, n, args);                        \
        },                                                                              \
        [](const T* x, const T* g, T* out, std::size_t n, const KernelArgs& args) {     \
          HWY_DYNAMIC_DISPATCH(Op##Vjp)(x, g, out, n, args);                            \
        }};                                                                             \
  }
#define ACTIVATION_SIMD_EXPORT_KERNELS(Op) ACTIVATION_SIMD_EXPORT_KERNELS_OF(Op, Kernels, float)
// The same for ACTIVATION_SIMD_TARGET_KERNELS64(Op): one `Kernels64` record.
#define ACTIVATION_SIMD_EXPORT_KERNELS64(Op) ACTIVATION_SIMD_EXPORT_KERNELS_OF(Op, Kernels64, double)
