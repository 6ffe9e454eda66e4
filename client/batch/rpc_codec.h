// Chunks to activation.v1 messages and back. Evaluate and Gradient (unary
// or streaming) share these, so every transport encodes the same way.
#pragma once

#include <string>

#include "activation/v1/activation.pb.h"
#include "client/batch/chunk.h"

namespace activation::client {

void EncodeTensor(const std::vector<float>& values, std::size_t row_length, bool raw,
                  activation::v1::Tensor* tensor);
// Reads a response tensor of `expected` elements; throws std::runtime_error
// naming `field` when the server sent something else.
void DecodeTensor(const activation::v1::Tensor& tensor, std::size_t expected, const char* field,
                  std::vector<float>* out);

void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::EvaluateRequest* request);
void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::GradientRequest* request);
void TakeResponse(const Job& job, const activation::v1::EvaluateResponse& response, Chunk* chunk);
void TakeResponse(const Job& job, const activation::v1::GradientResponse& response, Chunk* chunk);

}  // namespace activation::client
