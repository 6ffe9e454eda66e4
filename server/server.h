// A running activation server: start it from a ServerConfig, ask for the
// bound port, shut it down gracefully. Destroying the handle shuts it down.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "server/call_observer.h"
#include "server/config.h"

namespace activation::server {

// Optional plug-ins around the core server (TLS, metrics, limits).
struct ServerExtensions {
  // Null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Told about every call, in addition to the call logger.
  CallObservers observers;
  // Last say on builder settings (quotas, keepalive, extra services).
  std::function<void(grpc::ServerBuilder&)> customize;
  // On shutdown, after health turns NOT_SERVING and before gRPC stops:
  // refuse new calls and wait (until `deadline`) for admitted ones, so that
  // gRPC never cancels a call it has already handed to the service.
  std::function<void(std::chrono::system_clock::time_point deadline)> drain;
};

class Server {
 public:
  // Starts listening. Null with *error set when the address cannot be bound.
  static std::unique_ptr<Server> Start(const ServerConfig& config, ServerExtensions extensions, std::string* error);
  static std::unique_ptr<Server> Start(const ServerConfig& config, std::string* error) {
    return Start(config, {}, error);
  }
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  // "host:port" actually bound (port 0 in the config resolved).
  const std::string& address() const { return address_; }

  // Health goes to NOT_SERVING, new calls are refused, in-flight ones get
  // `grace` to finish before they are cancelled. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  // Blocks until the server has shut down.
  void Wait();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::string address_;
};

}  // namespace activation::server
