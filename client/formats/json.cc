#include "client/formats/json.h"

#include <cmath>

#include "client/formats/elements.h"
#include "client/formats/number.h"

namespace activation::client {

std::string JsonNumber(DataType dtype, const void* values, std::size_t i) {
  const double v = Elements::ElementValue(dtype, values, i);
  if (std::isnan(v)) return "\"NaN\"";
  if (std::isinf(v)) return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  char buf[kMaxFloatChars];
  return std::string(buf, FormatElement(dtype, values, i, buf));
}

namespace {

class JsonWriter : public ArrayWriter {
 public:
  JsonWriter(ByteSink& sink, const OutputLayout& layout, const std::string& field)
      : sink_(sink), width_(layout.width), dtype_(layout.dtype) {
    sink_.Write("{\"" + field + "\": [");
  }

  void Write(const void* values, std::size_t n) override {
    std::string out;
    for (std::size_t i = 0; i < n; i += width_) {
      out += first_ ? "" : ", ";
      first_ = false;
      if (width_ > 1) out.push_back('[');
      for (std::size_t k = 0; k < width_; ++k) out += (k ? ", " : "") + JsonNumber(dtype_, values, i + k);
      if (width_ > 1) out.push_back(']');
    }
    sink_.Write(out);
  }

  void Finish() override { sink_.Write("]}\n"); }

 private:
  ByteSink& sink_;
  std::size_t width_;
  DataType dtype_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<ArrayWriter> MakeJsonWriter(ByteSink& sink, const OutputLayout& layout,
                                            const std::string& field) {
  return std::make_unique<JsonWriter>(sink, layout, field);
}

}  // namespace activation::client
