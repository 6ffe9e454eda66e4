// Runs a job over an input of any size: reads chunks, hands them to a
// transport with a bounded number in flight, and writes the results in input
// order. Memory: about `inflight` chunks, whatever the input size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "client/batch/chunk.h"
#include "client/batch/local_evaluator.h"
#include "client/batch/transport.h"
#include "client/batch/verify.h"
#include "client/formats/format.h"

namespace activation::client {

struct BatchOptions {
  std::size_t chunk = 1 << 18;   // elements per chunk (1 MiB of float32)
  std::size_t inflight = 8;      // chunks between reading and writing
  bool rowwise = false;          // chunks hold whole rows
  std::size_t row_length = 0;    // row-wise: 0 = from the input (npy, CSV), else the whole input is a row
  bool progress = false;
  const LocalEvaluator* verifier = nullptr;  // --verify: compare each chunk with the library
  VerifyPolicy verify_policy = VerifyPolicy::BitForBit("");
};

struct BatchResult {
  std::uint64_t elements = 0;
  double seconds = 0;
  // --verify: elements whose remote result and local one disagree under the
  // verify policy, and the largest absolute difference among them.
  std::uint64_t mismatches = 0;
  double max_abs_diff = 0;
};

// Throws std::runtime_error (or FormatError) on the first failure, after
// stopping every thread; the writer is then left unfinished.
BatchResult RunBatch(const Job& job, ArrayReader& input, ArrayReader* grad_output, Transport& transport,
                     ArrayWriter& writer, const BatchOptions& options);

}  // namespace activation::client
