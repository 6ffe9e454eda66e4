#include "client/formats/format.h"

#include <algorithm>
#include <cctype>

namespace activation::client {

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "text" || name == "txt") return Format::kText;
  if (name == "csv") return Format::kCsv;
  if (name == "npy") return Format::kNpy;
  if (name == "raw" || name == "f32" || name == "bin") return Format::kRaw;
  if (name == "json") return Format::kJson;
  return std::nullopt;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kText: return "text";
    case Format::kCsv: return "csv";
    case Format::kNpy: return "npy";
    case Format::kRaw: return "raw";
    case Format::kJson: return "json";
  }
  return "text";
}

Format FormatFromPath(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  const std::size_t slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return Format::kText;
  }
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "raw") return Format::kRaw;
  return ParseFormat(ext).value_or(Format::kText);
}

}  // namespace activation::client
