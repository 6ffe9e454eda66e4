// Elements of one dtype as they sit in memory and on the wire: float32 and
// float64 as themselves, float16 and bfloat16 as their bit patterns
// (compute/dtype.h). Readers fill them, the wire carries their bytes and
// writers print them, so no value is converted between the file and the
// kernels.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "compute/dtype.h"

namespace activation::client {

class Elements {
 public:
  Elements() = default;
  explicit Elements(DataType dtype) : dtype_(dtype) {}

  DataType dtype() const { return dtype_; }
  // Changes the type; the contents are then meaningless until rewritten.
  void set_dtype(DataType dtype) { dtype_ = dtype; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t element_bytes() const { return ElementBytes(dtype_); }
  std::size_t byte_size() const { return size_ * element_bytes(); }

  // Storage in 8-byte words, aligned for every dtype; a size already held
  // costs nothing (recycled chunks are not zero-filled again).
  void resize(std::size_t n) {
    storage_.resize((n * element_bytes() + 7) / 8);
    size_ = n;
  }
  void clear() { resize(0); }

  void* data() { return storage_.data(); }
  const void* data() const { return storage_.data(); }
  char* bytes() { return reinterpret_cast<char*>(storage_.data()); }
  const char* bytes() const { return reinterpret_cast<const char*>(storage_.data()); }

  // Typed access: float for float32, double for float64, std::uint16_t for
  // the 16-bit types.
  template <typename T>
  T* as() {
    assert(sizeof(T) == element_bytes());
    return reinterpret_cast<T*>(storage_.data());
  }
  template <typename T>
  const T* as() const {
    assert(sizeof(T) == element_bytes());
    return reinterpret_cast<const T*>(storage_.data());
  }

  // Element i widened (exactly) to double.
  double value(std::size_t i) const { return ElementValue(dtype_, data(), i); }
  // Element i set to `v` rounded once to the dtype (to nearest, ties to even).
  void set_value(std::size_t i, double v) {
    switch (dtype_) {
      case DataType::kFloat32: as<float>()[i] = static_cast<float>(v); return;
      case DataType::kFloat64: as<double>()[i] = v; return;
      case DataType::kFloat16:
      case DataType::kBFloat16: as<std::uint16_t>()[i] = DoubleToNarrow(dtype_, v); return;
    }
  }

  // Element i of an array of `dtype` at `data`, widened exactly.
  static double ElementValue(DataType dtype, const void* data, std::size_t i) {
    switch (dtype) {
      case DataType::kFloat32: return static_cast<const float*>(data)[i];
      case DataType::kFloat64: return static_cast<const double*>(data)[i];
      case DataType::kFloat16:
      case DataType::kBFloat16: return NarrowToFloat(dtype, static_cast<const std::uint16_t*>(data)[i]);
    }
    return 0;
  }

 private:
  DataType dtype_ = DataType::kFloat32;
  std::size_t size_ = 0;
  std::vector<std::uint64_t> storage_;
};

}  // namespace activation::client
