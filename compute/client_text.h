// Text a caller sent (a name, a parameter), made fit to quote in an error
// message or a log line: bounded in length and printable, whatever it held.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace activation {

// Bytes of the caller's text kept before "…(N bytes)" replaces the rest.
inline constexpr std::size_t kClientTextBytes = 64;

// Escapes `text` so that it holds only printable ASCII: \" \' \\ \n \r \t, and
// \xNN for every other control or non-ASCII byte. No truncation.
std::string EscapeText(std::string_view text);

// The first kClientTextBytes bytes of `text`, escaped; when it is longer,
// followed by "…(N bytes)" with N its full length. At most
// 4 * kClientTextBytes + 32 characters, never a line break.
std::string ClientText(std::string_view text);

}  // namespace activation
