// Buffered character input with line and column tracking, for the text and
// CSV readers' error messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "client/formats/byte_io.h"
#include "client/formats/format.h"

namespace activation::client {

class Scanner {
 public:
  explicit Scanner(ByteSource& source) : source_(source), buffer_(1 << 16) {}

  // The next character, or -1 at the end of input.
  int Peek() {
    if (pos_ == end_ && !Fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  int Get() {
    const int c = Peek();
    if (c < 0) return c;
    ++pos_;
    ++bytes_read_;
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }

  std::uint64_t line() const { return line_; }
  std::uint64_t column() const { return column_; }
  std::uint64_t bytes_read() const { return bytes_read_; }

  // "FILE:LINE:COLUMN: message" at the given position.
  FormatError Error(std::uint64_t line, std::uint64_t column, const std::string& message) const {
    return FormatError(source_.name() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                       ": " + message);
  }

 private:
  bool Fill() {
    pos_ = 0;
    end_ = source_.Read(buffer_.data(), buffer_.size());
    return end_ != 0;
  }

  ByteSource& source_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t line_ = 1;
  std::uint64_t column_ = 1;
  std::uint64_t bytes_read_ = 0;
};

// A token as shown in an error message: quoted, cut when long.
std::string QuoteToken(const std::string& token);

}  // namespace activation::client
