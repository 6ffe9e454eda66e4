#include "client/formats/raw.h"

#include <cstring>
#include <string>

namespace activation::client {

static_assert(sizeof(float) == 4, "float32 expected");
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "raw float32 I/O assumes a little-endian host"
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

class RawReader : public ArrayReader {
 public:
  explicit RawReader(ByteSource& source) : source_(source) {
    if (source.size() && *source.size() % 4 != 0) {
      throw FormatError(source.name() + ": size " + std::to_string(*source.size()) +
                        " bytes is not a multiple of 4 (raw float32)");
    }
  }

  std::size_t Read(float* out, std::size_t max) override {
    if (max == 0) return 0;
    char* bytes = reinterpret_cast<char*>(out);
    std::memcpy(bytes, carry_, carried_);
    const std::size_t got = carried_ + ReadFully(source_, bytes + carried_, max * 4 - carried_);
    const std::size_t whole = got / 4;
    carried_ = got % 4;
    if (whole == 0 && carried_ != 0) {
      throw FormatError(source_.name() + ": " + std::to_string(offset_ + carried_) +
                        " bytes is not a multiple of 4 (raw float32): " + std::to_string(carried_) +
                        " trailing bytes");
    }
    std::memcpy(carry_, bytes + whole * 4, carried_);
    offset_ += whole * 4;
    return whole;
  }

  std::optional<std::uint64_t> count() const override {
    if (!source_.size()) return std::nullopt;
    return *source_.size() / 4;
  }

 private:
  ByteSource& source_;
  char carry_[4] = {};
  std::size_t carried_ = 0;
  std::uint64_t offset_ = 0;
};

class RawWriter : public ArrayWriter {
 public:
  explicit RawWriter(ByteSink& sink) : sink_(sink) {}
  void Write(const float* values, std::size_t n) override {
    sink_.Write(reinterpret_cast<const char*>(values), n * 4);
  }
  void Finish() override {}

 private:
  ByteSink& sink_;
};

}  // namespace

std::unique_ptr<ArrayReader> MakeRawReader(ByteSource& source) {
  return std::make_unique<RawReader>(source);
}

std::unique_ptr<ArrayWriter> MakeRawWriter(ByteSink& sink) { return std::make_unique<RawWriter>(sink); }

}  // namespace activation::client
