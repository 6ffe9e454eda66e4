// Raw little-endian float32, 4 bytes per element, no header (.f32, .bin).
#pragma once

#include <memory>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

std::unique_ptr<ArrayReader> MakeRawReader(ByteSource& source);
std::unique_ptr<ArrayWriter> MakeRawWriter(ByteSink& sink);

// Reads exactly n bytes unless the input ends first; returns the count read.
std::size_t ReadFully(ByteSource& source, char* buf, std::size_t n);

}  // namespace activation::client
