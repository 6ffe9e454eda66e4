// What a batch job computes, and the unit of work that travels: a chunk of
// the input with its results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compute/compute.h"
#include "client/formats/elements.h"
#include "compute/dtype.h"

namespace activation::client {

struct Job {
  std::string activation;
  std::vector<std::pair<std::string, double>> params;
  Mode mode = Mode::kForward;   // kDerivative or kVjp: the Gradient RPCs
  bool include_output = false;  // gradient modes: also f(x)
  bool raw_encoding = true;     // Tensor.raw (fast path) or Tensor.values
  // Of every array: the readers read it, the wire carries it, the writer
  // prints it.
  DataType dtype = DataType::kFloat32;

  bool gradient() const { return mode != Mode::kForward; }
};

// Arrays of the job's dtype.
struct Chunk {
  std::uint64_t seq = 0;
  Elements input;
  Elements grad_output;        // kVjp only
  std::size_t row_length = 0;  // row-wise functions: sent as shape [rows, row_length]
  Elements result;             // f(x), f'(x) or the VJP
  Elements output;             // f(x) when include_output
};

}  // namespace activation::client
