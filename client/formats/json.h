// JSON output, for scripts: {"<field>": [v, ...]} with one number per
// element, or [output, gradient] pairs when each element has two values.
// Non-finite values are the strings "NaN", "Infinity", "-Infinity", as in
// protobuf's JSON mapping.
#pragma once

#include <memory>
#include <string>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

std::unique_ptr<ArrayWriter> MakeJsonWriter(ByteSink& sink, const OutputLayout& layout,
                                            const std::string& field);

// Element i of an array of `dtype` at `values` as a JSON value (see above),
// with the dtype's round-trip digits.
std::string JsonNumber(DataType dtype, const void* values, std::size_t i);

}  // namespace activation::client
