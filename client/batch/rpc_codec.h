// Chunks to activation.v1 messages and back. Evaluate and Gradient (unary
// or streaming) share these, so every transport encodes the same way.
#pragma once

#include <string>

#include "activation/v1/activation.pb.h"
#include "client/batch/chunk.h"

namespace activation::client {

// Tensors go through wire/tensor_codec.h; a response of the wrong size or
// encoding throws std::runtime_error naming the field.
void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::EvaluateRequest* request);
void BuildRequest(const Job& job, const Chunk& chunk, activation::v1::GradientRequest* request);
void TakeResponse(const Job& job, const activation::v1::EvaluateResponse& response, Chunk* chunk);
void TakeResponse(const Job& job, const activation::v1::GradientResponse& response, Chunk* chunk);

}  // namespace activation::client
