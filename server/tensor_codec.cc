#include "server/tensor_codec.h"

#include <cstdint>
#include <cstring>

#include "compute/compute.h"

namespace activation::server {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "raw tensors are little-endian float32");

Status DecodeTensor(const v1::Tensor& tensor, std::string_view field, TensorInput* input) {
  const std::string name(field);
  const std::string& raw = tensor.raw();
  if (tensor.values_size() > 0 && !raw.empty()) {
    return Status::InvalidArgument(name + ": both values (" + std::to_string(tensor.values_size()) +
                                   " floats) and raw (" + std::to_string(raw.size()) +
                                   " bytes) are set; send exactly one");
  }
  if (raw.size() % sizeof(float) != 0) {
    return Status::InvalidArgument(name + ".raw: " + std::to_string(raw.size()) +
                                   " bytes is not a multiple of 4 (float32)");
  }
  if (!raw.empty()) {
    input->size_ = raw.size() / sizeof(float);
    if (reinterpret_cast<std::uintptr_t>(raw.data()) % alignof(float) == 0) {
      input->data_ = reinterpret_cast<const float*>(raw.data());
    } else {
      input->aligned_copy_.resize(input->size_);
      std::memcpy(input->aligned_copy_.data(), raw.data(), raw.size());
      input->data_ = input->aligned_copy_.data();
    }
  } else {
    input->size_ = static_cast<std::size_t>(tensor.values_size());
    input->data_ = tensor.values().data();
  }
  const std::vector<std::int64_t> shape(tensor.shape().begin(), tensor.shape().end());
  Status shape_status = CheckShape(shape, input->size_, &input->row_length_);
  if (!shape_status.ok()) return Status::InvalidArgument(name + "." + shape_status.message());
  return Status();
}

float* PrepareOutput(const v1::Tensor& like, std::size_t n, v1::Tensor* out) {
  out->mutable_shape()->CopyFrom(like.shape());
  if (!like.raw().empty()) {
    std::string* raw = out->mutable_raw();
    raw->resize(n * sizeof(float));
    return reinterpret_cast<float*>(raw->data());
  }
  auto* values = out->mutable_values();
  values->Clear();
  values->Reserve(static_cast<int>(n));
  values->AddNAlreadyReserved(static_cast<int>(n));  // the kernel writes every element
  return values->mutable_data();
}

float* TakeStorage(v1::Tensor* input, v1::Tensor* out) {
  out->mutable_shape()->CopyFrom(input->shape());
  if (!input->raw().empty()) {
    std::string* raw = out->mutable_raw();
    raw->swap(*input->mutable_raw());  // moves a heap buffer; copies only a short inline one
    return reinterpret_cast<float*>(raw->data());
  }
  // Same arena (unary) or both on the heap (streams): a pointer swap.
  out->mutable_values()->Swap(input->mutable_values());
  return out->mutable_values()->mutable_data();
}

}  // namespace activation::server
