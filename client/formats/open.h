// Picks the reader or writer for a format.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "client/formats/byte_io.h"
#include "client/formats/csv.h"
#include "client/formats/elements.h"
#include "client/formats/format.h"

namespace activation::client {

// `csv_layout` is filled for CSV input when not null (pass one only when
// the output is CSV too, so the layout gets consumed). `dtype`: the element
// type asked for (--dtype); without one, float32, or the type a .npy holds.
std::unique_ptr<ArrayReader> OpenReader(Format format, ByteSource& source,
                                        std::shared_ptr<CsvLayout> csv_layout = nullptr,
                                        std::optional<DataType> dtype = std::nullopt);

// `json_field` names the JSON array ("output", "grad_input", "values").
std::unique_ptr<ArrayWriter> OpenWriter(Format format, ByteSink& sink, const OutputLayout& layout,
                                        std::shared_ptr<CsvLayout> csv_layout = nullptr,
                                        const std::string& json_field = "output");

// Parses a whole buffer: the narrow entry point for fuzzers and tests.
// Throws FormatError on malformed input.
struct ParsedArray {
  Elements elements;
  std::vector<float> values;  // the elements when they are float32, else empty
  std::vector<std::int64_t> shape;
};
ParsedArray ParseArray(Format format, std::string_view bytes, const std::string& name = "<memory>",
                       std::optional<DataType> dtype = std::nullopt);

}  // namespace activation::client
