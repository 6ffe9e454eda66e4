// The Open Inference Protocol's HTTP/REST form (--http-listen): health,
// metadata and inference under /v2. A thin front end like the gRPC one:
// requests are routed (cpp-httplib), admitted, logged and counted by the
// same CallTracker, and answered by server/oip_rest.h (the JSON and binary
// bodies), which maps them through server/oip.h onto wire/evaluation.h.
// The same port serves the playground page at / (server/playground.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "server/calls.h"
#include "server/tls.h"

namespace httplib {
class Server;
}

namespace activation::server {

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
