// Moving float32 data between the wire's Tensor message and the compute
// library without extra copies: inputs are read in place from the request,
// outputs are written straight into the response's storage.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "activation/v1/activation.pb.h"
#include "compute/status.h"

namespace activation::server {

// A request tensor's floats. Points into the request itself; owns a copy only
// when `raw` bytes happen to be misaligned for float.
class TensorInput {
 public:
  const float* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t row_length() const { return row_length_; }  // last dimension (see CheckShape)
  bool is_copy() const { return !aligned_copy_.empty(); }

 private:
  friend Status DecodeTensor(const v1::Tensor& tensor, std::string_view field, TensorInput* input);
  const float* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t row_length_ = 0;
  std::vector<float> aligned_copy_;
};

// Checks the encoding (values or raw, not both; raw a multiple of 4 bytes)
// and the shape; errors name `field` ("input", "grad_output").
Status DecodeTensor(const v1::Tensor& tensor, std::string_view field, TensorInput* input);

// Gives `out` the encoding and shape of `like` with room for n floats, sized
// once, and returns where to write them.
float* PrepareOutput(const v1::Tensor& like, std::size_t n, v1::Tensor* out);

// Moves `input`'s float storage (raw or values, no copy) and its shape into
// `out`, and returns where those floats now are, for computing in place.
float* TakeStorage(v1::Tensor* input, v1::Tensor* out);

}  // namespace activation::server
