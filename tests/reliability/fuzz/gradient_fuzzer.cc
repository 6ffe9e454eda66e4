// Fuzz target: bytes -> GradientRequest -> Serve.
#include "tests/reliability/fuzz/serve_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  activation::reliability::FuzzServe<activation::v1::GradientRequest, activation::v1::GradientResponse>(data, size);
  return 0;
}
