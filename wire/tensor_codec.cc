#include "wire/tensor_codec.h"

#include <string>

#include <google/protobuf/io/coded_stream.h>

namespace activation::wire {

std::size_t ElementCount(const v1::Tensor& tensor) {
  return tensor.raw().empty() ? static_cast<std::size_t>(tensor.values_size()) : tensor.raw().size() / sizeof(float);
}

Status Decode(const v1::Tensor& tensor, std::string_view field, DecodedTensor* decoded) {
  const std::string name(field);
  const std::string& raw = tensor.raw();
  if (tensor.values_size() > 0 && !raw.empty()) {
    return Status::InvalidArgument(name + ": both values (" + std::to_string(tensor.values_size()) +
                                   " floats) and raw (" + std::to_string(raw.size()) +
                                   " bytes) are set; send exactly one");
  }
  TensorRef& ref = decoded->ref_;
  if (raw.empty()) {
    decoded->raw_ = FloatBytes();
    ref.data = tensor.values().data();
    ref.size = static_cast<std::size_t>(tensor.values_size());
  } else {
    Status status = decoded->raw_.View(raw, name + ".raw");
    if (!status.ok()) return status;
    ref.data = decoded->raw_.data();
    ref.size = decoded->raw_.size();
  }
  ref.shape.assign(tensor.shape().begin(), tensor.shape().end());
  return Status();
}

Status DecodeInto(const v1::Tensor& tensor, std::string_view field, std::size_t expected, std::vector<float>* out) {
  DecodedTensor decoded;
  Status status = Decode(tensor, field, &decoded);
  if (!status.ok()) return status;
  const TensorRef& ref = decoded.ref();
  if (ref.size != expected) {
    return Status::InvalidArgument(std::string(field) + ": " + std::to_string(ref.size) + " elements for " +
                                   std::to_string(expected) + " inputs");
  }
  out->assign(ref.data, ref.data + ref.size);
  return Status();
}

void Encode(const float* data, std::size_t n, const std::vector<std::int64_t>& shape, bool raw, v1::Tensor* tensor) {
  tensor->Clear();
  tensor->mutable_shape()->Add(shape.begin(), shape.end());
  if (raw) {
    tensor->mutable_raw()->assign(reinterpret_cast<const char*>(data), n * sizeof(float));
  } else {
    tensor->mutable_values()->Add(data, data + n);
  }
}

std::size_t EncodedFieldSize(const v1::Tensor& like, std::size_t n) {
  using google::protobuf::io::CodedOutputStream;
  // A length-delimited field numbered below 16: a one-byte tag, the length, the bytes.
  auto field = [](std::size_t bytes) { return 1 + CodedOutputStream::VarintSize64(bytes) + bytes; };
  std::size_t body = 0;
  if (like.shape_size() > 0) {
    std::size_t dims = 0;
    for (std::int64_t d : like.shape()) dims += CodedOutputStream::VarintSize64(static_cast<std::uint64_t>(d));
    body += field(dims);
  }
  if (n > 0) body += field(n * sizeof(float));  // packed values and raw bytes cost the same
  return field(body);
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

}  // namespace activation::wire
