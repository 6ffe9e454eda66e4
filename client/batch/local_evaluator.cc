#include "client/batch/local_evaluator.h"

#include <stdexcept>

#include "compute/registry.h"

namespace activation::client {

LocalEvaluator::LocalEvaluator(const Job& job) : job_(job) {
  Status status = ResolveActivation(job.activation, &activation_);
  if (!status.ok()) throw std::invalid_argument(status.message());
  GivenParams given;
  for (const auto& [name, value] : job.params) given.emplace_back(name, value);
  status = ResolveParams(*activation_, given, &args_);
  if (!status.ok()) throw std::invalid_argument(status.message());
}

void LocalEvaluator::Run(Chunk& chunk) const {
  const std::size_t n = chunk.input.size();
  KernelArgs args = args_;
  args.row_length = chunk.row_length ? chunk.row_length : n;
  if (activation_->rowwise && n % args.row_length != 0) {
    throw std::invalid_argument("chunk of " + std::to_string(n) + " elements is not whole rows of " +
                                std::to_string(args.row_length));
  }
  chunk.result.resize(n);
  Compute(*activation_, job_.mode, args, chunk.input.data(), chunk.grad_output.data(),
          chunk.result.data(), n);
  if (job_.gradient() && job_.include_output) {
    chunk.output.resize(n);
    Compute(*activation_, Mode::kForward, args, chunk.input.data(), nullptr, chunk.output.data(), n);
  }
}

}  // namespace activation::client
