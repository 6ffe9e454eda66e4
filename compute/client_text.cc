#include "compute/client_text.h"

#include <cstdio>

namespace activation {

std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          char escaped[5];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string ClientText(std::string_view text) {
  if (text.size() <= kClientTextBytes) return EscapeText(text);
  return EscapeText(text.substr(0, kClientTextBytes)) + "\xE2\x80\xA6(" + std::to_string(text.size()) + " bytes)";
}

}  // namespace activation
