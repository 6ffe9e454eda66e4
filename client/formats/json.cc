#include "client/formats/json.h"

#include <cmath>

#include "client/formats/number.h"

namespace activation::client {

std::string JsonNumber(float v) {
  if (std::isnan(v)) return "\"NaN\"";
  if (std::isinf(v)) return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  char buf[kMaxFloatChars];
  return std::string(buf, FormatFloat(v, buf));
}

namespace {

class JsonWriter : public ArrayWriter {
 public:
  JsonWriter(ByteSink& sink, const OutputLayout& layout, const std::string& field)
      : sink_(sink), width_(layout.width) {
    sink_.Write("{\"" + field + "\": [");
  }

  void Write(const float* values, std::size_t n) override {
    std::string out;
    for (std::size_t i = 0; i < n; i += width_) {
      out += first_ ? "" : ", ";
      first_ = false;
      if (width_ > 1) out.push_back('[');
      for (std::size_t k = 0; k < width_; ++k) out += (k ? ", " : "") + JsonNumber(values[i + k]);
      if (width_ > 1) out.push_back(']');
    }
    sink_.Write(out);
  }

  void Finish() override { sink_.Write("]}\n"); }

 private:
  ByteSink& sink_;
  std::size_t width_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<ArrayWriter> MakeJsonWriter(ByteSink& sink, const OutputLayout& layout,
                                            const std::string& field) {
  return std::make_unique<JsonWriter>(sink, layout, field);
}

}  // namespace activation::client
