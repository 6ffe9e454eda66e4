// Fuzz target: bytes parsed by one of the client's input formats (FUZZ_FORMAT,
// set per target: text, csv, npy). Malformed input may only raise
// FormatError; what parses must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/formats/open.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace activation::client;
  try {
    const ParsedArray parsed =
        ParseArray(Format::FUZZ_FORMAT, std::string_view(reinterpret_cast<const char*>(data), size));
    const bool float32 = parsed.elements.dtype() == activation::DataType::kFloat32;
    if (parsed.values.size() != (float32 ? parsed.elements.size() : 0)) __builtin_trap();
    if (!parsed.shape.empty()) {
      std::uint64_t product = 1;
      for (std::int64_t d : parsed.shape) {
        if (d < 0) __builtin_trap();
        product *= static_cast<std::uint64_t>(d);
      }
      if (product != parsed.elements.size()) __builtin_trap();  // shape and data disagree
    }
  } catch (const FormatError&) {
    // the expected outcome for malformed input
  }
  return 0;
}
