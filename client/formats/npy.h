// NumPy .npy (format versions 1-3): float32 or float64, little-endian,
// C order, any shape. float64 input is rounded to float32; output is always
// float32 ('<f4') with the input's shape.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

struct NpyHeader {
  int word_size = 4;  // 4: '<f4', 8: '<f8'
  std::vector<std::int64_t> shape;
  std::uint64_t count = 1;
};

// Parses the header dictionary text, e.g.
// "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }". Throws
// FormatError (prefixed with `name`) on anything unsupported or malformed.
NpyHeader ParseNpyHeaderDict(std::string_view dict, const std::string& name);

std::unique_ptr<ArrayReader> MakeNpyReader(ByteSource& source);
// Needs the element count up front, or a sink that can patch the header at
// the end (a file, not a pipe); throws FormatError otherwise.
std::unique_ptr<ArrayWriter> MakeNpyWriter(ByteSink& sink, const OutputLayout& layout);

}  // namespace activation::client
