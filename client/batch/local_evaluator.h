// Evaluation with the linked compute library through the server's own path
// (wire/evaluation.h), for --local, --verify and bench checks.
#pragma once

#include "client/batch/chunk.h"
#include "compute/activation.h"

namespace activation::client {

class LocalEvaluator {
 public:
  // Throws std::invalid_argument with the registry's message (unknown
  // activation, bad parameter).
  explicit LocalEvaluator(const Job& job);

  // Fills chunk.result (and chunk.output when the job includes it).
  void Run(Chunk& chunk) const;

  bool rowwise() const { return activation_->rowwise; }

 private:
  Job job_;
  const Activation* activation_ = nullptr;
};

}  // namespace activation::client
