// The array formats the client reads and writes, and the two narrow
// interfaces every format implements: pull elements from an input, push
// elements to an output. Elements are of one dtype per reader or writer, in
// the layout of client/formats/elements.h. Readers and writers stream:
// memory stays bounded by the chunk the caller asks for, whatever the file
// size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "compute/dtype.h"

namespace activation::client {

enum class Format { kText, kCsv, kNpy, kRaw, kJson };

// "text", "csv", "npy", "raw" (also "f32", "bin"), "json"; nullopt otherwise.
std::optional<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format format);
// By extension: .csv, .npy, .f32/.bin/.raw, .json; anything else is text.
Format FormatFromPath(std::string_view path);

// Malformed input. The message starts with "FILE:LINE:COLUMN: " for text
// formats and "FILE: " otherwise.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ArrayReader {
 public:
  virtual ~ArrayReader() = default;
  // Fills up to `max` elements of dtype() at `out`; returns how many; 0 only
  // at the end of input.
  virtual std::size_t Read(void* out, std::size_t max) = 0;
  // The element type: the one asked for, or the one a .npy file holds.
  virtual DataType dtype() const = 0;
  // The shape the format carries (npy); empty when it has none (1-D).
  virtual std::vector<std::int64_t> shape() const { return {}; }
  // Element count when known before reading (npy; raw from a regular file).
  virtual std::optional<std::uint64_t> count() const { return std::nullopt; }
  // Elements per row when the input has rows (npy: last axis; CSV: numeric
  // cells of the first data row); 0 when it has none.
  virtual std::size_t row_length() const { return 0; }
  // Row-wise functions need every row the same length: make Read() reject
  // rows that differ from row_length() (CSV); other formats are regular.
  virtual void RequireUniformRows() {}
};

class ArrayWriter {
 public:
  virtual ~ArrayWriter() = default;
  // Values of the layout's dtype in order; `n` is a multiple of the
  // writer's values per element.
  virtual void Write(const void* values, std::size_t n) = 0;
  // Completes the output (closing brackets, a header that needs the count).
  virtual void Finish() = 0;
};

// How output is laid out: the input's shape, and how many values each input
// element produces (2 for gradient plus output: a trailing axis of 2,
// ordered output, gradient).
struct OutputLayout {
  std::vector<std::int64_t> shape;           // empty: 1-D
  std::optional<std::uint64_t> count;        // element count when known up front
  std::size_t width = 1;
  DataType dtype = DataType::kFloat32;       // of the values written
};

}  // namespace activation::client
