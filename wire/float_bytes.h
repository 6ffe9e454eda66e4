// Little-endian float32 bytes seen as floats, whatever protocol carried them
// (activation.v1's Tensor.raw, the Open Inference Protocol's raw contents):
// read in place when aligned, copied otherwise.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "compute/status.h"

namespace activation::wire {

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
