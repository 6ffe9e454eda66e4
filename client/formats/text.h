// Text: numbers separated by whitespace or commas (one per line is the usual
// case), read as elements of a dtype. Output: one element per line, with
// the dtype's round-trip digits (client/formats/number.h; the trailing axis
// of an output with several values per element goes on one line, space
// separated).
#pragma once

#include <memory>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

std::unique_ptr<ArrayReader> MakeTextReader(ByteSource& source, DataType dtype);
std::unique_ptr<ArrayWriter> MakeTextWriter(ByteSink& sink, const OutputLayout& layout);

}  // namespace activation::client
