#include "client/formats/npy.h"

#include <cctype>
#include <cstring>

#include "client/formats/raw.h"

namespace activation::client {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
// Header size reserved when the shape is unknown until the end: room for
// any shape of a few dimensions, patched in place.
constexpr std::size_t kReservedHeader = 128;

std::string_view Descr(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat32: return "<f4";
    case DataType::kFloat64: return "<f8";
    case DataType::kFloat16: return "<f2";
    case DataType::kBFloat16: return "<u2";  // NumPy has no bfloat16: its bits as uint16
  }
  return "<f4";
}

// "float16 ('<f2')", for messages.
std::string Described(DataType dtype) {
  return std::string(DataTypeName(dtype)) + " ('" + std::string(Descr(dtype)) + "')";
}

// The dtype of a file's elements: the one asked for, which must match the
// file's descr, or the descr's own ('<u2' only when bfloat16 is asked for).
DataType ResolveDtype(const std::string& descr, std::optional<DataType> asked, const std::string& name) {
  for (DataType dtype : {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16, DataType::kBFloat16}) {
    if (descr != Descr(dtype)) continue;
    if (asked && *asked != dtype) {
      throw FormatError(name + ": the array is " + Described(dtype) + ", but --dtype is " + Described(*asked) +
                        "; convert the array or pass --dtype " + std::string(DataTypeName(dtype)));
    }
    if (dtype == DataType::kBFloat16 && !asked) {
      throw FormatError(name + ": a uint16 ('<u2') array is read only as bfloat16 bit patterns; pass --dtype bfloat16");
    }
    return dtype;
  }
  throw FormatError(name + ": bad .npy header: dtype '" + descr + "'");  // the parser accepts no other
}

class DictParser {
 public:
  DictParser(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  NpyHeader Parse() {
    NpyHeader h;
    bool have_descr = false, have_order = false, have_shape = false;
    Expect('{');
    while (true) {
      SkipSpace();
      if (Peek() == '}') break;
      const std::string key = String();
      Expect(':');
      if (key == "descr") {
        std::string d = String();
        if (d.size() == 3 && d[0] == '=') d[0] = '<';  // native order on a little-endian host
        if (d.size() == 3 && d[0] == '>' && (d[1] == 'f' || d[1] == 'u')) {
          throw Error("big-endian data ('" + d + "') is not supported; use '<f4', '<f8', '<f2' or '<u2'");
        }
        if (d != "<f4" && d != "<f8" && d != "<f2" && d != "<u2") {
          throw Error("dtype '" + d +
                      "' is not supported; use float32 ('<f4'), float64 ('<f8'), float16 ('<f2') or bfloat16 "
                      "bits ('<u2')");
        }
        h.descr = d;
        have_descr = true;
      } else if (key == "fortran_order") {
        if (Word() != "False") throw Error("Fortran-order arrays are not supported; save in C order");
        have_order = true;
      } else if (key == "shape") {
        h.shape = Shape();
        have_shape = true;
      } else {
        throw Error("unexpected header key '" + key + "'");
      }
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      SkipSpace();
      if (Peek() != '}') throw Error("expected ',' or '}' in the header");
    }
    if (!have_descr || !have_order || !have_shape) {
      throw Error("header lacks one of 'descr', 'fortran_order', 'shape'");
    }
    h.count = 1;
    for (std::int64_t d : h.shape) {
      if (d != 0 && h.count > (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(d)) {
        throw Error("shape is too large");
      }
      h.count *= static_cast<std::uint64_t>(d);
    }
    return h;
  }

 private:
  FormatError Error(const std::string& message) const {
    return FormatError(name_ + ": bad .npy header: " + message);
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void Expect(char c) {
    SkipSpace();
    if (Peek() != c) throw Error(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string String() {
    SkipSpace();
    const char q = Peek();
    if (q != '\'' && q != '"') throw Error("expected a quoted string");
    const std::size_t end = s_.find(q, pos_ + 1);
    if (end == std::string_view::npos) throw Error("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  std::string Word() {
    SkipSpace();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  std::vector<std::int64_t> Shape() {
    Expect('(');
    std::vector<std::int64_t> dims;
    while (true) {
      SkipSpace();
      if (Peek() == ')') {
        ++pos_;
        return dims;
      }
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) throw Error("shape: expected a dimension");
      std::int64_t d = 0;
      while (std::isdigit(static_cast<unsigned char>(Peek()))) {
        if (d > (std::int64_t{1} << 50)) throw Error("shape: dimension too large");
        d = d * 10 + (s_[pos_++] - '0');
      }
      if (Peek() == 'L') ++pos_;  // Python 2 longs
      dims.push_back(d);
      if (dims.size() > 32) throw Error("shape: more than 32 dimensions");
      SkipSpace();
      if (Peek() == ',') ++pos_;
      else if (Peek() != ')') throw Error("shape: expected ',' or ')'");
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  const std::string& name_;
};

class NpyReader : public ArrayReader {
 public:
  NpyReader(ByteSource& source, std::optional<DataType> dtype) : source_(source) {
    char pre[kMagicSize + 2];
    if (ReadFully(source, pre, sizeof pre) != sizeof pre || std::memcmp(pre, kMagic, kMagicSize) != 0) {
      throw FormatError(source.name() + ": not a .npy file (missing the \\x93NUMPY magic)");
    }
    const int major = static_cast<unsigned char>(pre[6]);
    std::size_t header_len = 0;
    if (major == 1) {
      unsigned char len[2];
      if (ReadFully(source, reinterpret_cast<char*>(len), 2) != 2) throw Truncated("header");
      header_len = len[0] | (len[1] << 8);
    } else if (major == 2 || major == 3) {
      unsigned char len[4];
      if (ReadFully(source, reinterpret_cast<char*>(len), 4) != 4) throw Truncated("header");
      header_len = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<std::size_t>(len[3]) << 24);
      if (header_len > (1 << 20)) throw FormatError(source.name() + ": bad .npy header: too long");
    } else {
      throw FormatError(source.name() + ": .npy format version " + std::to_string(major) +
                        " is not supported (1, 2 or 3)");
    }
    std::string dict(header_len, '\0');
    if (ReadFully(source, dict.data(), header_len) != header_len) throw Truncated("header");
    header_ = ParseNpyHeaderDict(dict, source.name());
    dtype_ = ResolveDtype(header_.descr, dtype, source.name());
  }

  DataType dtype() const override { return dtype_; }

  std::size_t Read(void* out, std::size_t max) override {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(max, header_.count - done_));
    if (want == 0) {
      char extra;
      if (done_ == header_.count && !checked_end_) {
        checked_end_ = true;
        if (ReadFully(source_, &extra, 1) != 0) {
          throw FormatError(source_.name() + ": data continues past the " + std::to_string(header_.count) +
                            " elements the .npy header declares");
        }
      }
      return 0;
    }
    const std::size_t bytes = want * ElementBytes(dtype_);
    if (ReadFully(source_, static_cast<char*>(out), bytes) != bytes) throw Truncated("data");
    done_ += want;
    return want;
  }

  std::vector<std::int64_t> shape() const override { return header_.shape; }
  std::optional<std::uint64_t> count() const override { return header_.count; }
  std::size_t row_length() const override {
    return header_.shape.empty() ? 0 : static_cast<std::size_t>(header_.shape.back());
  }

 private:
  FormatError Truncated(const char* part) const {
    return FormatError(source_.name() + ": truncated .npy " + part + " (the header declares " +
                       std::to_string(header_.count) + " elements)");
  }

  ByteSource& source_;
  NpyHeader header_;
  std::uint64_t done_ = 0;
  bool checked_end_ = false;
  DataType dtype_ = DataType::kFloat32;
};

std::string ShapeText(const std::vector<std::int64_t>& shape) {
  if (shape.size() == 1) return "(" + std::to_string(shape[0]) + ",)";  // Python's 1-tuple
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

// The full header (magic, version 1.0, length, dict padded with spaces to
// `total` bytes ending in '\n').
std::string Header(DataType dtype, const std::vector<std::int64_t>& shape, std::size_t total) {
  std::string dict = "{'descr': '" + std::string(Descr(dtype)) + "', 'fortran_order': False, 'shape': " +
                     ShapeText(shape) + ", }";
  const std::size_t fixed = kMagicSize + 2 + 2;
  if (total == 0) total = (fixed + dict.size() + 1 + 63) / 64 * 64;
  if (fixed + dict.size() + 1 > total) return {};
  dict.append(total - fixed - dict.size() - 1, ' ');
  dict.push_back('\n');
  std::string h(kMagic, kMagicSize);
  h.push_back('\x01');
  h.push_back('\x00');
  h.push_back(static_cast<char>(dict.size() & 0xff));
  h.push_back(static_cast<char>(dict.size() >> 8));
  return h + dict;
}

class NpyWriter : public ArrayWriter {
 public:
  NpyWriter(ByteSink& sink, const OutputLayout& layout) : sink_(sink), layout_(layout) {
    std::vector<std::int64_t> shape = layout.shape;
    if (shape.empty() && layout.count) shape = {static_cast<std::int64_t>(*layout.count)};
    if (shape.empty()) {
      // Count unknown: reserve room and patch at the end.
      if (!sink_.Patch(0, "")) throw CannotPatch();  // fail before writing anything
      sink_.Write(Header(layout_.dtype, {std::int64_t{1} << 50}, kReservedHeader));
      patch_ = true;
      return;
    }
    if (layout.width > 1) shape.push_back(static_cast<std::int64_t>(layout.width));
    sink_.Write(Header(layout_.dtype, shape, 0));
  }

  void Write(const void* values, std::size_t n) override {
    sink_.Write(static_cast<const char*>(values), n * ElementBytes(layout_.dtype));
    written_ += n;
  }

  void Finish() override {
    if (!patch_) return;
    std::vector<std::int64_t> shape = {static_cast<std::int64_t>(written_ / layout_.width)};
    if (layout_.width > 1) shape.push_back(static_cast<std::int64_t>(layout_.width));
    if (!sink_.Patch(0, Header(layout_.dtype, shape, kReservedHeader))) throw CannotPatch();
  }

  static FormatError CannotPatch() {
    return FormatError("npy output: the element count is known only at the end, and the output "
                       "cannot seek back to write it; write to a file, or read a .npy or raw file");
  }

 private:
  ByteSink& sink_;
  OutputLayout layout_;
  bool patch_ = false;
  std::uint64_t written_ = 0;
};

}  // namespace

NpyHeader ParseNpyHeaderDict(std::string_view dict, const std::string& name) {
  return DictParser(dict, name).Parse();
}

std::unique_ptr<ArrayReader> MakeNpyReader(ByteSource& source, std::optional<DataType> dtype) {
  return std::make_unique<NpyReader>(source, dtype);
}

std::unique_ptr<ArrayWriter> MakeNpyWriter(ByteSink& sink, const OutputLayout& layout) {
  return std::make_unique<NpyWriter>(sink, layout);
}

}  // namespace activation::client
