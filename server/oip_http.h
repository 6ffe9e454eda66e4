// The Open Inference Protocol's HTTP/REST form (--http-listen): health,
// metadata and inference under /v2 with JSON tensors, plus the binary
// tensor data extension. A thin front end like the gRPC one: requests are
// admitted, logged and counted by the same CallTracker, mapped by
// server/oip.h, computed by wire/evaluation.h.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "server/calls.h"
#include "server/tls.h"

namespace httplib {
class Server;
}

namespace activation::server {

// One POST /v2/models/{model}[/versions/{version}]/infer, outside any server
// (the front end's handler, tests, the fuzz target): the body and the
// Inference-Header-Content-Length header (null when absent).
struct HttpAnswer {
  int status = 200;
  std::string body;  // JSON, then binary outputs when header_length is set
  std::string content_type = "application/json";
  std::string header_length;  // Inference-Header-Content-Length of the answer; empty: none
  std::size_t elements = 0;   // of each output
};
HttpAnswer ServeInfer(std::string_view body, const std::string* header_length, std::string_view model,
                      std::string_view version, std::size_t max_response_bytes);

class HttpFrontEnd {
 public:
  // Binds `listen` ("host:port"; port 0 picks one) and serves on threads of
  // its own; null with *error set when it cannot bind. HTTPS with `tls`'s
  // files when they name a certificate. `calls` must outlive it.
  static std::unique_ptr<HttpFrontEnd> Start(const std::string& listen, const TlsFiles& tls, CallTracker* calls,
                                             std::size_t max_message_bytes, std::string* error);
  ~HttpFrontEnd();  // stops, letting requests in progress finish
  HttpFrontEnd(const HttpFrontEnd&) = delete;
  HttpFrontEnd& operator=(const HttpFrontEnd&) = delete;

  int port() const { return port_; }
  // Closes the listening socket and waits for requests in progress.
  void Stop();

 private:
  HttpFrontEnd() = default;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace activation::server
