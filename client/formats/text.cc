#include "client/formats/text.h"

#include <string>

#include "client/formats/number.h"
#include "client/formats/scanner.h"

namespace activation::client {

std::string QuoteToken(const std::string& token) {
  constexpr std::size_t kMax = 40;
  std::string shown = token.size() > kMax ? token.substr(0, kMax) + "..." : token;
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return "'" + shown + "'";
}

namespace {

bool IsSeparator(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\f' || c == '\v'; }

class TextReader : public ArrayReader {
 public:
  TextReader(ByteSource& source, DataType dtype) : scanner_(source), dtype_(dtype) {}

  DataType dtype() const override { return dtype_; }

  std::size_t Read(void* out, std::size_t max) override {
    char* next = static_cast<char*>(out);
    std::size_t n = 0;
    while (n < max) {
      int c = scanner_.Peek();
      while (c >= 0 && IsSeparator(c)) {
        scanner_.Get();
        c = scanner_.Peek();
      }
      if (c < 0) break;
      const std::uint64_t line = scanner_.line();
      const std::uint64_t column = scanner_.column();
      token_.clear();
      while (c >= 0 && !IsSeparator(c)) {
        token_.push_back(static_cast<char>(scanner_.Get()));
        c = scanner_.Peek();
      }
      if (!ParseElement(token_, dtype_, next)) {
        throw scanner_.Error(line, column,
                             QuoteToken(token_) + " is not a " + std::string(DataTypeName(dtype_)) + " number");
      }
      next += ElementBytes(dtype_);
      ++n;
    }
    return n;
  }

 private:
  Scanner scanner_;
  DataType dtype_;
  std::string token_;
};

class TextWriter : public ArrayWriter {
 public:
  TextWriter(ByteSink& sink, const OutputLayout& layout) : sink_(sink), width_(layout.width), dtype_(layout.dtype) {}

  void Write(const void* values, std::size_t n) override {
    char buf[kMaxFloatChars];
    for (std::size_t i = 0; i < n; ++i) {
      line_.append(buf, FormatElement(dtype_, values, i, buf));
      line_.push_back((i + 1) % width_ == 0 ? '\n' : ' ');
      if (line_.size() >= (1 << 16)) Flush();
    }
    Flush();
  }
  void Finish() override { Flush(); }

 private:
  void Flush() {
    sink_.Write(line_);
    line_.clear();
  }

  ByteSink& sink_;
  std::size_t width_;
  DataType dtype_;
  std::string line_;
};

}  // namespace

std::unique_ptr<ArrayReader> MakeTextReader(ByteSource& source, DataType dtype) {
  return std::make_unique<TextReader>(source, dtype);
}

std::unique_ptr<ArrayWriter> MakeTextWriter(ByteSink& sink, const OutputLayout& layout) {
  return std::make_unique<TextWriter>(sink, layout);
}

}  // namespace activation::client
