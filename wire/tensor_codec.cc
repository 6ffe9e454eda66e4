#include "wire/tensor_codec.h"

#include <string>

#include <google/protobuf/io/coded_stream.h>

namespace activation::wire {

bool ReadDataType(const v1::Tensor& tensor, DataType* dtype) { return ReadDataType(tensor.dtype(), dtype); }

bool ReadDataType(v1::DataType value, DataType* dtype) {
  switch (value) {
    case v1::DATA_TYPE_UNSPECIFIED:
    case v1::DATA_TYPE_FLOAT32: *dtype = DataType::kFloat32; return true;
    case v1::DATA_TYPE_FLOAT16: *dtype = DataType::kFloat16; return true;
    case v1::DATA_TYPE_BFLOAT16: *dtype = DataType::kBFloat16; return true;
    case v1::DATA_TYPE_FLOAT64: *dtype = DataType::kFloat64; return true;
    default: return false;
  }
}

std::size_t ElementCount(const v1::Tensor& tensor) {
  if (tensor.double_values_size() > 0) return static_cast<std::size_t>(tensor.double_values_size());
  if (tensor.raw().empty()) return static_cast<std::size_t>(tensor.values_size());
  DataType dtype = DataType::kFloat32;
  ReadDataType(tensor, &dtype);
  return tensor.raw().size() / ElementBytes(dtype);
}

Status Decode(const v1::Tensor& tensor, std::string_view field, DecodedTensor* decoded) {
  const std::string name(field);
  const std::string& raw = tensor.raw();
  DataType dtype = DataType::kFloat32;
  if (!ReadDataType(tensor, &dtype)) {
    return Status::InvalidArgument(name + ".dtype: unknown value " + std::to_string(tensor.dtype()) +
                                   "; use DATA_TYPE_FLOAT32, DATA_TYPE_FLOAT16, DATA_TYPE_BFLOAT16 or "
                                   "DATA_TYPE_FLOAT64");
  }
  if (tensor.values_size() > 0 && !raw.empty()) {
    return Status::InvalidArgument(name + ": both values (" + std::to_string(tensor.values_size()) +
                                   " floats) and raw (" + std::to_string(raw.size()) +
                                   " bytes) are set; send exactly one");
  }
  const int encodings = (tensor.values_size() > 0) + !raw.empty() + (tensor.double_values_size() > 0);
  if (encodings > 1) {
    return Status::InvalidArgument(name + ": more than one of values (" + std::to_string(tensor.values_size()) +
                                   " floats), raw (" + std::to_string(raw.size()) + " bytes) and double_values (" +
                                   std::to_string(tensor.double_values_size()) + " doubles) is set; send exactly one");
  }
  if (tensor.double_values_size() > 0 && dtype != DataType::kFloat64) {
    return Status::InvalidArgument(name + ".double_values: carries float64, but " + name + ".dtype is " +
                                   v1::DataType_Name(tensor.dtype()) +
                                   "; set dtype DATA_TYPE_FLOAT64 or send values or raw");
  }
  TensorRef& ref = decoded->ref_;
  ref.dtype = dtype;
  ref.narrow = nullptr;
  decoded->narrow_.clear();
  decoded->wide_.clear();
  ref.wide = nullptr;
  ref.shape.assign(tensor.shape().begin(), tensor.shape().end());
  if (dtype == DataType::kFloat64) {
    decoded->raw_ = FloatBytes();
    ref.data = nullptr;
    if (tensor.values_size() > 0) {
      return Status::InvalidArgument(name + ".values: carries float32, but " + name +
                                     ".dtype is DATA_TYPE_FLOAT64; send double_values or raw");
    }
    if (raw.empty()) {
      ref.wide = tensor.double_values().data();
      ref.size = static_cast<std::size_t>(tensor.double_values_size());
      return Status();
    }
    const Status copied = CopyElements(raw, name + ".raw", "float64", &decoded->wide_);
    if (!copied.ok()) return copied;
    ref.wide = decoded->wide_.data();
    ref.size = decoded->wide_.size();
    return Status();
  }
  if (IsNarrow(dtype)) {
    decoded->raw_ = FloatBytes();
    std::vector<std::uint16_t>& bits = decoded->narrow_;
    if (raw.empty()) {
      bits.resize(static_cast<std::size_t>(tensor.values_size()));
      RoundToNarrow(dtype, tensor.values().data(), bits.data(), bits.size());
    } else {
      const Status copied = CopyElements(raw, name + ".raw", DataTypeName(dtype), &bits);
      if (!copied.ok()) return copied;
    }
    ref.data = nullptr;
    ref.narrow = bits.data();
    ref.size = bits.size();
    return Status();
  }
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
  return Status();
}

Status DecodeInto(const v1::Tensor& tensor, std::string_view field, std::size_t expected, std::vector<float>* out) {
  DecodedTensor decoded;
  Status status = Decode(tensor, field, &decoded);
  if (!status.ok()) return status;
  const TensorRef& ref = decoded.ref();
  if (ref.dtype != DataType::kFloat32) {
    return Status::InvalidArgument(std::string(field) + ".dtype: " + std::string(DataTypeName(ref.dtype)) +
                                   ", but float32 was expected");
  }
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

void EncodeNarrow(DataType dtype, const std::uint16_t* bits, std::size_t n, const std::vector<std::int64_t>& shape,
                  bool raw, v1::Tensor* tensor) {
  tensor->Clear();
  tensor->mutable_shape()->Add(shape.begin(), shape.end());
  tensor->set_dtype(dtype == DataType::kFloat16 ? v1::DATA_TYPE_FLOAT16 : v1::DATA_TYPE_BFLOAT16);
  if (raw) {
    tensor->mutable_raw()->assign(reinterpret_cast<const char*>(bits), n * 2);
    return;
  }
  auto* values = tensor->mutable_values();
  values->Reserve(static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) values->AddAlreadyReserved(NarrowToFloat(dtype, bits[i]));
}

void EncodeFloat64(const double* data, std::size_t n, const std::vector<std::int64_t>& shape, bool raw,
                   v1::Tensor* tensor) {
  tensor->Clear();
  tensor->mutable_shape()->Add(shape.begin(), shape.end());
  tensor->set_dtype(v1::DATA_TYPE_FLOAT64);
  if (raw) {
    tensor->mutable_raw()->assign(reinterpret_cast<const char*>(data), n * sizeof(double));
  } else {
    tensor->mutable_double_values()->Add(data, data + n);
  }
}

void EncodeNarrowLike(const v1::Tensor& like, DataType dtype, const std::uint16_t* bits, std::size_t n,
                      v1::Tensor* out) {
  EncodeNarrow(dtype, bits, n, {}, !like.raw().empty(), out);
  out->mutable_shape()->CopyFrom(like.shape());
  out->set_dtype(like.dtype());  // FLOAT16 or BFLOAT16, as sent
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
  DataType dtype = DataType::kFloat32;
  ReadDataType(like, &dtype);
  if (like.dtype() != v1::DATA_TYPE_UNSPECIFIED) body += 2;  // tag and a one-byte enum value
  // Packed values are 4 bytes per element whatever the dtype; raw is the dtype's size.
  const std::size_t element_bytes = like.raw().empty() && dtype != DataType::kFloat64 ? 4 : ElementBytes(dtype);
  if (n > 0) body += field(n * element_bytes);
  return field(body);
}

namespace {

// `out` shaped like `like`, with room for n elements of T in `like`'s
// encoding: raw bytes, or `values` (a packed field of `out`).
template <typename T>
T* PrepareOutputIn(const v1::Tensor& like, std::size_t n, google::protobuf::RepeatedField<T>* values,
                   v1::Tensor* out) {
  out->mutable_shape()->CopyFrom(like.shape());
  if (!like.raw().empty()) {
    std::string* raw = out->mutable_raw();
    raw->resize(n * sizeof(T));
    return reinterpret_cast<T*>(raw->data());
  }
  values->Clear();
  values->Reserve(static_cast<int>(n));
  values->AddNAlreadyReserved(static_cast<int>(n));  // the kernel writes every element
  return values->mutable_data();
}

}  // namespace

float* PrepareOutput(const v1::Tensor& like, std::size_t n, v1::Tensor* out) {
  out->set_dtype(like.dtype());
  return PrepareOutputIn(like, n, out->mutable_values(), out);
}

double* PrepareOutputFloat64(const v1::Tensor& like, std::size_t n, v1::Tensor* out) {
  out->set_dtype(v1::DATA_TYPE_FLOAT64);
  return PrepareOutputIn(like, n, out->mutable_double_values(), out);
}

float* TakeStorage(v1::Tensor* input, v1::Tensor* out) {
  out->mutable_shape()->CopyFrom(input->shape());
  out->set_dtype(input->dtype());
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
