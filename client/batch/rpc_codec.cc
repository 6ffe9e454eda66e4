#include "client/batch/rpc_codec.h"

#include <stdexcept>

#include "wire/tensor_codec.h"

namespace activation::client {

namespace {

void EncodeTensor(const std::vector<float>& values, std::size_t row_length, bool raw, activation::v1::Tensor* tensor) {
  std::vector<std::int64_t> shape;
  if (row_length != 0) {
    shape = {static_cast<std::int64_t>(values.size() / row_length), static_cast<std::int64_t>(row_length)};
  }
  wire::Encode(values.data(), values.size(), shape, raw, tensor);
}

void DecodeTensor(const activation::v1::Tensor& tensor, std::size_t expected, const char* field,
                  std::vector<float>* out) {
  const Status status = wire::DecodeInto(tensor, field, expected, out);
  if (!status.ok()) throw std::runtime_error("server sent " + status.message());
}

}  // namespace

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
