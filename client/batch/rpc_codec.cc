#include "client/batch/rpc_codec.h"

#include <cstring>
#include <stdexcept>

#include "wire/tensor_codec.h"

namespace activation::client {

namespace {

void EncodeTensor(const Job& job, const Elements& values, std::size_t row_length, activation::v1::Tensor* tensor) {
  std::vector<std::int64_t> shape;
  if (row_length != 0) {
    shape = {static_cast<std::int64_t>(values.size() / row_length), static_cast<std::int64_t>(row_length)};
  }
  switch (values.dtype()) {
    case DataType::kFloat32:
      wire::Encode(values.as<float>(), values.size(), shape, job.raw_encoding, tensor);
      return;
    case DataType::kFloat64:
      wire::EncodeFloat64(values.as<double>(), values.size(), shape, job.raw_encoding, tensor);
      return;
    case DataType::kFloat16:
    case DataType::kBFloat16:
      wire::EncodeNarrow(values.dtype(), values.as<std::uint16_t>(), values.size(), shape, job.raw_encoding, tensor);
      return;
  }
}

// Where a decoded tensor's elements are, in the layout of Elements.
const void* ElementsOf(const wire::TensorRef& ref) {
  if (ref.dtype == DataType::kFloat64) return ref.wide;
  return IsNarrow(ref.dtype) ? static_cast<const void*>(ref.narrow) : ref.data;
}

void DecodeTensor(const Job& job, const activation::v1::Tensor& tensor, std::size_t expected, const char* field,
                  Elements* out) {
  wire::DecodedTensor decoded;
  const Status status = wire::Decode(tensor, field, &decoded);
  if (!status.ok()) throw std::runtime_error("server sent " + status.message());
  const wire::TensorRef& ref = decoded.ref();
  if (ref.dtype != job.dtype || ref.size != expected) {
    throw std::runtime_error("server sent " + std::string(field) + ": " + std::to_string(ref.size) + " " +
                             std::string(DataTypeName(ref.dtype)) + " elements for " + std::to_string(expected) +
                             " " + std::string(DataTypeName(job.dtype)) + " inputs");
  }
  out->set_dtype(ref.dtype);
  out->resize(ref.size);
  if (ref.size != 0) std::memcpy(out->data(), ElementsOf(ref), out->byte_size());
}

}  // namespace

void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::EvaluateRequest* request) {
  request->set_activation(job.activation);
  for (const auto& [name, value] : job.params) (*request->mutable_params())[name] = value;
  EncodeTensor(job, chunk.input, chunk.row_length, request->mutable_input());
}

void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::GradientRequest* request) {
  request->set_activation(job.activation);
  for (const auto& [name, value] : job.params) (*request->mutable_params())[name] = value;
  EncodeTensor(job, chunk.input, chunk.row_length, request->mutable_input());
  if (job.mode == Mode::kVjp) {
    EncodeTensor(job, chunk.grad_output, chunk.row_length, request->mutable_grad_output());
  }
  request->set_include_output(job.include_output);
}

void TakeResponse(const Job& job, const activation::v1::EvaluateResponse& response, Chunk* chunk) {
  DecodeTensor(job, response.output(), chunk->input.size(), "output", &chunk->result);
}

void TakeResponse(const Job& job, const activation::v1::GradientResponse& response, Chunk* chunk) {
  DecodeTensor(job, response.grad_input(), chunk->input.size(), "grad_input", &chunk->result);
  if (job.include_output) DecodeTensor(job, response.output(), chunk->input.size(), "output", &chunk->output);
}

}  // namespace activation::client
