#include "client/formats/csv.h"

#include <cstring>
#include <vector>

#include "client/formats/number.h"
#include "client/formats/scanner.h"

namespace activation::client {

void CsvLayout::AppendLiteral(std::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  text_.append(text);
}

void CsvLayout::AppendSlot() {
  std::lock_guard<std::mutex> lock(mutex_);
  text_.push_back(kSlot);
}

bool CsvLayout::TakeUntilSlot(std::string* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t slot = text_.find(kSlot, consumed_);
  const std::size_t end = slot == std::string::npos ? text_.size() : slot;
  out->append(text_, consumed_, end - consumed_);
  consumed_ = slot == std::string::npos ? end : end + 1;
  if (consumed_ > (1 << 20) && consumed_ * 2 > text_.size()) {
    text_.erase(0, consumed_);
    consumed_ = 0;
  }
  return slot != std::string::npos;
}

std::string CsvLayout::TakeRest() {
  std::string rest;
  while (TakeUntilSlot(&rest)) {
  }
  return rest;
}

void CsvLayout::SetHeader(std::string single, std::string paired) {
  std::lock_guard<std::mutex> lock(mutex_);
  header_ = std::move(single);
  paired_header_ = std::move(paired);
}

std::string CsvLayout::TakeHeader(bool paired) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string header = std::move(paired ? paired_header_ : header_);
  header_.clear();
  paired_header_.clear();
  return header;
}

namespace {

struct Cell {
  std::string text;  // verbatim, quotes included
  bool quoted = false;
  std::uint64_t line = 0, column = 0;
};

class CsvReader : public ArrayReader {
 public:
  CsvReader(ByteSource& source, std::shared_ptr<CsvLayout> layout, DataType dtype)
      : scanner_(source), layout_(std::move(layout)), dtype_(dtype), width_(ElementBytes(dtype)) {
    // Settle the header question and the row length before the first Read().
    if (NextRow()) {
      if (IsHeader()) {
        std::vector<Cell> header = std::move(cells_);
        const std::string header_end = line_end_;
        const bool data = NextRow();
        if (layout_) RecordHeader(header, header_end);
        if (data) Emit();
      } else {
        Emit();
      }
    }
  }

  DataType dtype() const override { return dtype_; }

  // pending_ and taken_ count bytes of parsed elements.
  std::size_t Read(void* out, std::size_t max) override {
    while (pending_.size() - taken_ < max * width_ && NextRow()) Emit();
    const std::size_t n = std::min(max, (pending_.size() - taken_) / width_);
    if (n == 0) return 0;  // pending_ may be empty, its data() null
    std::memcpy(out, pending_.data() + taken_, n * width_);
    taken_ += n * width_;
    if (taken_ == pending_.size()) {
      pending_.clear();
      taken_ = 0;
    }
    return n;
  }

  std::size_t row_length() const override { return row_length_; }
  void RequireUniformRows() override { uniform_ = true; }

 private:
  // Parses one record into cells_ and line_end_; false at the end of input.
  bool NextRow() {
    cells_.clear();
    line_end_.clear();
    if (scanner_.Peek() < 0) return false;
    for (;;) {
      Cell cell;
      cell.line = scanner_.line();
      cell.column = scanner_.column();
      int c = scanner_.Peek();
      if (c == '"') {
        cell.quoted = true;
        cell.text.push_back(static_cast<char>(scanner_.Get()));
        for (;;) {
          c = scanner_.Get();
          if (c < 0) throw scanner_.Error(cell.line, cell.column, "unterminated quoted cell");
          Check(c);
          cell.text.push_back(static_cast<char>(c));
          if (c == '"') {
            if (scanner_.Peek() != '"') break;
            cell.text.push_back(static_cast<char>(scanner_.Get()));
          }
        }
      }
      for (c = scanner_.Peek(); c >= 0 && c != ',' && c != '\n' && c != '\r'; c = scanner_.Peek()) {
        Check(scanner_.Get());
        cell.text.push_back(static_cast<char>(c));
      }
      cells_.push_back(std::move(cell));
      if (c == ',') {
        scanner_.Get();
        continue;
      }
      if (c == '\r') {
        line_end_.push_back(static_cast<char>(scanner_.Get()));
        if (scanner_.Peek() == '\n') line_end_.push_back(static_cast<char>(scanner_.Get()));
      } else if (c == '\n') {
        line_end_.push_back(static_cast<char>(scanner_.Get()));
      }
      return true;
    }
  }

  void Check(int c) const {
    if (c == 0) throw scanner_.Error(scanner_.line(), scanner_.column() - 1, "NUL byte in CSV text");
  }

  static std::string_view Trimmed(const std::string& s) {
    const std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return std::string_view(s).substr(b, s.find_last_not_of(" \t") - b + 1);
  }

  bool IsHeader() const {
    char v[8];
    for (const Cell& cell : cells_) {
      const std::string_view t = Trimmed(cell.text);
      if (!t.empty() && (cell.quoted || !ParseElement(t, dtype_, v))) return true;
    }
    return false;
  }

  static bool IsText(const Cell& cell) { return cell.quoted || Trimmed(cell.text).empty(); }

  // The header as read, and with each name over a numeric column of the
  // first data row (cells_) doubled: "x" -> "x,x_grad".
  void RecordHeader(const std::vector<Cell>& header, const std::string& line_end) {
    std::string single, paired;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& name = header[i].text;
      single += (i ? "," : "") + name;
      paired += (i ? "," : "") + name;
      if (i < cells_.size() && !IsText(cells_[i])) {
        const bool quoted = name.size() >= 2 && name.front() == '"' && name.back() == '"';
        paired += "," + (quoted ? name.substr(0, name.size() - 1) + "_grad\"" : name + "_grad");
      }
    }
    layout_->SetHeader(single + line_end, paired + line_end);
  }

  void Emit() {
    std::string literal;
    std::size_t numbers = 0;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      if (i) literal.push_back(',');
      const Cell& cell = cells_[i];
      const std::string_view t = Trimmed(cell.text);
      if (IsText(cell)) {
        literal += cell.text;
        continue;
      }
      const std::size_t at = pending_.size();
      pending_.resize(at + width_);
      if (!ParseElement(t, dtype_, pending_.data() + at)) {
        const std::size_t lead = cell.text.find_first_not_of(" \t");
        throw scanner_.Error(cell.line, cell.column + lead,
                             QuoteToken(std::string(t)) + " is not a " + std::string(DataTypeName(dtype_)) +
                                 " number (quote text cells)");
      }
      ++numbers;
      if (layout_) {
        layout_->AppendLiteral(literal);
        layout_->AppendSlot();
        literal.clear();
      }
    }
    literal += line_end_;
    if (layout_) layout_->AppendLiteral(literal);
    if (row_length_ == 0 && !seen_data_) row_length_ = numbers;
    seen_data_ = true;
    if (uniform_ && numbers != row_length_) {
      throw scanner_.Error(cells_.front().line, 1,
                           "row has " + std::to_string(numbers) + " numbers, the first row " +
                               std::to_string(row_length_) + "; a row-wise function needs equal rows");
    }
  }

  Scanner scanner_;
  std::shared_ptr<CsvLayout> layout_;
  std::vector<Cell> cells_;
  std::string line_end_;
  DataType dtype_;
  std::size_t width_;            // bytes per element
  std::vector<char> pending_;    // parsed elements not yet read
  std::size_t taken_ = 0;
  std::size_t row_length_ = 0;
  bool seen_data_ = false;
  bool uniform_ = false;
};

class CsvWriter : public ArrayWriter {
 public:
  CsvWriter(ByteSink& sink, const OutputLayout& layout, std::shared_ptr<CsvLayout> csv)
      : sink_(sink), width_(layout.width), dtype_(layout.dtype), csv_(std::move(csv)) {
    per_line_ = layout.shape.size() >= 2 ? static_cast<std::size_t>(layout.shape.back()) : 1;
    if (per_line_ == 0) per_line_ = 1;
  }

  void Write(const void* values, std::size_t n) override {
    char buf[kMaxFloatChars];
    if (csv_ && !header_written_) WriteHeader();
    for (std::size_t i = 0; i < n; i += width_) {
      if (csv_) {
        if (!csv_->TakeUntilSlot(&out_)) throw FormatError("csv output: more results than input cells");
      } else if (element_ % per_line_ != 0) {
        out_.push_back(',');
      }
      for (std::size_t k = 0; k < width_; ++k) {
        if (k) out_.push_back(',');
        out_.append(buf, FormatElement(dtype_, values, i + k, buf));
      }
      ++element_;
      if (!csv_ && element_ % per_line_ == 0) out_.push_back('\n');
      if (out_.size() > (1 << 16)) Flush();
    }
    Flush();
  }

  void Finish() override {
    if (csv_ && !header_written_) WriteHeader();
    if (csv_) out_ += csv_->TakeRest();
    else if (element_ % per_line_ != 0) out_.push_back('\n');
    Flush();
  }

 private:
  void WriteHeader() {
    out_ += csv_->TakeHeader(width_ > 1);
    header_written_ = true;
  }

  void Flush() {
    sink_.Write(out_);
    out_.clear();
  }

  ByteSink& sink_;
  std::size_t width_;
  DataType dtype_;
  std::shared_ptr<CsvLayout> csv_;
  bool header_written_ = false;
  std::size_t per_line_ = 1;
  std::uint64_t element_ = 0;
  std::string out_;
};

}  // namespace

std::unique_ptr<ArrayReader> MakeCsvReader(ByteSource& source, std::shared_ptr<CsvLayout> layout, DataType dtype) {
  return std::make_unique<CsvReader>(source, std::move(layout), dtype);
}

std::unique_ptr<ArrayWriter> MakeCsvWriter(ByteSink& sink, const OutputLayout& layout,
                                           std::shared_ptr<CsvLayout> csv_layout) {
  return std::make_unique<CsvWriter>(sink, layout, std::move(csv_layout));
}

}  // namespace activation::client
