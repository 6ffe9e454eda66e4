#include "client/batch/rpc_codec.h"

#include <cstring>
#include <stdexcept>

namespace activation::client {

void EncodeTensor(const std::vector<float>& values, std::size_t row_length, bool raw,
                  activation::v1::Tensor* tensor) {
  tensor->Clear();
  if (row_length != 0) {
    tensor->add_shape(static_cast<std::int64_t>(values.size() / row_length));
    tensor->add_shape(static_cast<std::int64_t>(row_length));
  }
  if (raw) {
    tensor->mutable_raw()->assign(reinterpret_cast<const char*>(values.data()), values.size() * 4);
  } else {
    tensor->mutable_values()->Add(values.begin(), values.end());
  }
}

void DecodeTensor(const activation::v1::Tensor& tensor, std::size_t expected, const char* field,
                  std::vector<float>* out) {
  const std::size_t n = tensor.raw().empty() ? static_cast<std::size_t>(tensor.values_size())
                                             : tensor.raw().size() / 4;
  if (n != expected || tensor.raw().size() % 4 != 0) {
    throw std::runtime_error(std::string("server sent ") + std::to_string(n) + " elements in " + field +
                             " for " + std::to_string(expected) + " inputs");
  }
  out->resize(n);
  if (!tensor.raw().empty()) {
    std::memcpy(out->data(), tensor.raw().data(), n * 4);
  } else if (n != 0) {
    std::memcpy(out->data(), tensor.values().data(), n * 4);
  }
}

void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::EvaluateRequest* request) {
  request->set_activation(job.activation);
  for (const auto& [name, value] : job.params) (*request->mutable_params())[name] = value;
  EncodeTensor(chunk.input, chunk.row_length, job.raw_encoding, request->mutable_input());
}

void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::GradientRequest* request) {
  request->set_activation(job.activation);
  for (const auto& [name, value] : job.params) (*request->mutable_params())[name] = value;
  EncodeTensor(chunk.input, chunk.row_length, job.raw_encoding, request->mutable_input());
  if (job.mode == Mode::kVjp) {
    EncodeTensor(chunk.grad_output, chunk.row_length, job.raw_encoding, request->mutable_grad_output());
  }
  request->set_include_output(job.include_output);
}

void TakeResponse(const Job&, const activation::v1::EvaluateResponse& response, Chunk* chunk) {
  DecodeTensor(response.output(), chunk->input.size(), "output", &chunk->result);
}

void TakeResponse(const Job& job, const activation::v1::GradientResponse& response, Chunk* chunk) {
  DecodeTensor(response.grad_input(), chunk->input.size(), "grad_input", &chunk->result);
  if (job.include_output) DecodeTensor(response.output(), chunk->input.size(), "output", &chunk->output);
}

}  // namespace activation::client
