// NumPy .npy (format versions 1-3): little-endian, C order, any shape, of
// float32 ('<f4'), float64 ('<f8') or float16 ('<f2'), read and written in
// that dtype. bfloat16 has no .npy descr: its arrays are uint16 ('<u2')
// views of the bit patterns (NumPy: x.view(np.uint16)), read as bfloat16
// only when --dtype bfloat16 says so, and written as '<u2'.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

struct NpyHeader {
  std::string descr;  // as written: '<f4', '<f8', '<f2', '<u2' (a '=' for '<' is accepted)
  std::vector<std::int64_t> shape;
  std::uint64_t count = 1;
};

// Parses the header dictionary text, e.g.
// "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }". Throws
// FormatError (prefixed with `name`) on anything unsupported or malformed.
NpyHeader ParseNpyHeaderDict(std::string_view dict, const std::string& name);

// `dtype`: the one asked for (--dtype), or none to take the file's. A file
// of another dtype is an error naming both; '<u2' needs bfloat16 asked for.
std::unique_ptr<ArrayReader> MakeNpyReader(ByteSource& source, std::optional<DataType> dtype);
// Needs the element count up front, or a sink that can patch the header at
// the end (a file, not a pipe); throws FormatError otherwise.
std::unique_ptr<ArrayWriter> MakeNpyWriter(ByteSink& sink, const OutputLayout& layout);

}  // namespace activation::client
