// Fuzz target: bytes -> the body of POST /v2/models/{model}/infer -> ServeInfer,
// as the HTTP/REST front end serves it after admission: the JSON reader, the
// binary data extension and the evaluation path. The first byte picks the
// model (a catalogue name or junk) and whether an Inference-Header-Content-Length
// header (the next two bytes) comes with the body. A crash, a sanitizer report
// or a broken invariant (trap) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "compute/registry.h"
#include "server/oip_rest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const auto& catalogue = activation::Catalogue();
  const std::size_t pick = data[0] & 0x3f;
  const std::string model = pick < catalogue.size() ? std::string(catalogue[pick].name) : "junk";
  const bool with_header = (data[0] & 0x80) != 0;
  const std::string header = std::to_string(data[1] | (data[2] << 8));
  const std::string_view body(reinterpret_cast<const char*>(data) + 3, size - 3);
  const activation::server::HttpAnswer answer =
      activation::server::ServeInfer(body, with_header ? &header : nullptr, model, "", 16 << 10);
  const std::string json_text =
      answer.header_length.empty() ? answer.body : answer.body.substr(0, std::stoul(answer.header_length));
  const auto parsed = nlohmann::json::parse(json_text, nullptr, false);
  if (parsed.is_discarded()) __builtin_trap();  // every answer is JSON
  if (answer.status == 200) {
    if (!parsed.contains("outputs")) __builtin_trap();
  } else if (answer.status == 400 || answer.status == 404 || answer.status == 429) {
    if (!parsed.contains("error") || parsed["error"].get<std::string>().empty()) __builtin_trap();
  } else {
    __builtin_trap();
  }
  return 0;
}
