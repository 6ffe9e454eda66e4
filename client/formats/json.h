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

// One float as a JSON value (see above).
std::string JsonNumber(float v);

}  // namespace activation::client
