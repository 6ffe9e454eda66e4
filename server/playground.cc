#include "server/playground.h"

#include <httplib.h>

#include <google/protobuf/util/json_util.h>

#include "server/catalogue_info.h"

namespace activation::server {
namespace {

// The page may talk to this server only: the browser refuses anything else.
constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view ContentType(std::string_view name) {
  const std::string_view extension = name.substr(name.rfind('.') + 1);
  if (extension == "html") return "text/html; charset=utf-8";
  if (extension == "css") return "text/css; charset=utf-8";
  if (extension == "js") return "text/javascript; charset=utf-8";
  if (extension == "svg") return "image/svg+xml";
  if (extension == "png") return "image/png";
  return "application/octet-stream";
}

void Send(httplib::Response& res, std::string_view body, std::string_view content_type) {
  res.set_header("Content-Security-Policy", kPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  // Revalidated on every load, so a new server's page is never mixed with an old one's script.
  res.set_header("Cache-Control", "no-cache");
  res.set_content(body.data(), body.size(), std::string(content_type));
}

const EmbeddedFile* Find(std::string_view name) {
  for (std::size_t i = 0; i < kPlaygroundFileCount; ++i) {
    if (kPlaygroundFiles[i].name == name) return &kPlaygroundFiles[i];
  }
  return nullptr;
}

}  // namespace

const std::string& CatalogueJson() {
  static const std::string json = [] {
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    std::string out;
    if (!google::protobuf::util::MessageToJsonString(CatalogueResponse(), &out, options).ok()) out = "{}";
    return out;
  }();
  return json;
}

void ServePlayground(httplib::Server& http) {
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    const EmbeddedFile* index = Find("index.html");
    Send(res, index->data, ContentType(index->name));
  });
  http.Get("/playground/catalogue.json", [](const httplib::Request&, httplib::Response& res) {
    Send(res, CatalogueJson(), "application/json");
  });
  // Unmatched names fall through to the front end's 404 answer.
  http.Get("/playground/([^/]+)", [](const httplib::Request& req, httplib::Response& res) {
    const EmbeddedFile* file = Find(req.matches[1].str());
    if (file == nullptr) {
      res.status = 404;
      return;
    }
    Send(res, file->data, ContentType(file->name));
  });
}

}  // namespace activation::server
