#include "client/formats/raw.h"

#include <cstring>
#include <string>

namespace activation::client {

static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE binary32 and binary64 expected");
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "raw I/O assumes a little-endian host"
#endif

std::size_t ReadFully(ByteSource& source, char* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const std::size_t k = source.Read(buf + got, n - got);
    if (k == 0) break;
    got += k;
  }
  return got;
}

namespace {

// "raw float32", "raw float16", ...: how the messages name the format.
std::string RawName(DataType dtype) { return "raw " + std::string(DataTypeName(dtype)); }

class RawReader : public ArrayReader {
 public:
  RawReader(ByteSource& source, DataType dtype) : source_(source), dtype_(dtype), width_(ElementBytes(dtype)) {
    if (source.size() && *source.size() % width_ != 0) {
      throw FormatError(source.name() + ": size " + std::to_string(*source.size()) + " bytes is not a multiple of " +
                        std::to_string(width_) + " (" + RawName(dtype_) + ")");
    }
  }

  DataType dtype() const override { return dtype_; }

  std::size_t Read(void* out, std::size_t max) override {
    if (max == 0) return 0;
    char* bytes = static_cast<char*>(out);
    std::memcpy(bytes, carry_, carried_);
    const std::size_t got = carried_ + ReadFully(source_, bytes + carried_, max * width_ - carried_);
    const std::size_t whole = got / width_;
    carried_ = got % width_;
    if (whole == 0 && carried_ != 0) {
      throw FormatError(source_.name() + ": " + std::to_string(offset_ + carried_) + " bytes is not a multiple of " +
                        std::to_string(width_) + " (" + RawName(dtype_) + "): " + std::to_string(carried_) +
                        " trailing bytes");
    }
    std::memcpy(carry_, bytes + whole * width_, carried_);
    offset_ += whole * width_;
    return whole;
  }

  std::optional<std::uint64_t> count() const override {
    if (!source_.size()) return std::nullopt;
    return *source_.size() / width_;
  }

 private:
  ByteSource& source_;
  DataType dtype_;
  std::size_t width_;
  char carry_[8] = {};
  std::size_t carried_ = 0;
  std::uint64_t offset_ = 0;
};

class RawWriter : public ArrayWriter {
 public:
  RawWriter(ByteSink& sink, DataType dtype) : sink_(sink), width_(ElementBytes(dtype)) {}
  void Write(const void* values, std::size_t n) override {
    sink_.Write(static_cast<const char*>(values), n * width_);
  }
  void Finish() override {}

 private:
  ByteSink& sink_;
  std::size_t width_;
};

}  // namespace

std::unique_ptr<ArrayReader> MakeRawReader(ByteSource& source, DataType dtype) {
  return std::make_unique<RawReader>(source, dtype);
}

std::unique_ptr<ArrayWriter> MakeRawWriter(ByteSink& sink, DataType dtype) {
  return std::make_unique<RawWriter>(sink, dtype);
}

}  // namespace activation::client
