// Raw little-endian elements of a dtype, no header (.f32, .bin): float32 (4
// bytes), float64 (8), float16 or bfloat16 bit patterns (2).
#pragma once

#include <memory>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

std::unique_ptr<ArrayReader> MakeRawReader(ByteSource& source, DataType dtype);
std::unique_ptr<ArrayWriter> MakeRawWriter(ByteSink& sink, DataType dtype);

// Reads exactly n bytes unless the input ends first; returns the count read.
std::size_t ReadFully(ByteSource& source, char* buf, std::size_t n);

}  // namespace activation::client
