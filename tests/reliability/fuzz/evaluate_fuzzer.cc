// Fuzz target: bytes -> EvaluateRequest -> Serve.
#include "tests/reliability/fuzz/serve_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  activation::reliability::FuzzServe<activation::v1::EvaluateRequest, activation::v1::EvaluateResponse>(data, size);
  return 0;
}
