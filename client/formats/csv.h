// CSV: every numeric cell is an element, in row-major order. The first line
// is a header when one of its cells is not a number. In data rows, empty
// cells and quoted cells are text, kept as they are; an unquoted cell that is
// not a number is an error (FILE:LINE:COLUMN).
//
// CSV output from CSV input keeps the input's structure: the reader records
// a layout (the text between numbers, header included) that the writer
// replays, putting each result where its number was. Without a layout the
// writer prints one row per last-axis row of the shape (or one value per line).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

// The text of a CSV input with a marker where each number was. Appended by
// the reader, consumed by the writer, possibly on different threads; holds
// only the part between the two, so memory follows the reader's lead.
class CsvLayout {
 public:
  void AppendLiteral(std::string_view text);
  void AppendSlot();
  // Appends to `out` the text up to the next slot and consumes the slot;
  // false when no slot remains (then `out` gets everything left).
  bool TakeUntilSlot(std::string* out);
  std::string TakeRest();
  // The header line is kept apart: with --include-output each numeric
  // column becomes two (f(x) and the gradient), and so does its name.
  void SetHeader(std::string single, std::string paired);
  std::string TakeHeader(bool paired);

 private:
  static constexpr char kSlot = '\0';  // NUL never appears in accepted CSV text
  std::mutex mutex_;
  std::string text_;
  std::size_t consumed_ = 0;
  std::string header_, paired_header_;
};

// `layout` may be null: then no layout is recorded (nothing would consume it).
// Numbers are read as elements of `dtype`.
std::unique_ptr<ArrayReader> MakeCsvReader(ByteSource& source, std::shared_ptr<CsvLayout> layout, DataType dtype);
std::unique_ptr<ArrayWriter> MakeCsvWriter(ByteSink& sink, const OutputLayout& layout,
                                           std::shared_ptr<CsvLayout> csv_layout);

}  // namespace activation::client
