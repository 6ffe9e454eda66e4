// Little-endian float32 bytes seen as floats, whatever protocol carried them
// (activation.v1's Tensor.raw, the Open Inference Protocol's raw contents):
// read in place when aligned, copied otherwise.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compute/status.h"

namespace activation::wire {

// Little-endian elements of another width (float16/bfloat16 bits, float64)
// copied out of `bytes` into `out`, which is aligned for them; an error names
// `field` and the `type` when the length is not a whole number of elements.
template <typename T>
Status CopyElements(std::string_view bytes, std::string_view field, std::string_view type, std::vector<T>* out) {
  if (bytes.size() % sizeof(T) != 0) {
    return Status::InvalidArgument(std::string(field) + ": " + std::to_string(bytes.size()) +
                                   " bytes is not a multiple of " + std::to_string(sizeof(T)) + " (" +
                                   std::string(type) + " elements)");
  }
  out->resize(bytes.size() / sizeof(T));
  if (!out->empty()) std::memcpy(out->data(), bytes.data(), bytes.size());  // an empty vector's data() may be null
  return Status();
}

class FloatBytes {
 public:
  // Points data()/size() at `bytes` (or at an aligned copy of them); an
  // error names `field` when the length is not a multiple of 4. `bytes`
  // must outlive this view.
  Status View(std::string_view bytes, std::string_view field);

  const float* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool is_copy() const { return !aligned_copy_.empty(); }

 private:
  const float* data_ = nullptr;
  std::size_t size_ = 0;
  std::vector<float> aligned_copy_;
};

}  // namespace activation::wire
