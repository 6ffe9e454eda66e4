// A running activation server: start it from a ServerConfig, ask for the
// bound port, shut it down gracefully. Destroying the handle shuts it down.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "server/calls.h"
#include "server/config.h"

namespace activation::server {

class Metrics;

// Optional plug-ins around the core server (TLS, metrics, connection settings).
struct ServerExtensions {
  // Null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Null: no metrics. Must outlive the server.
  Metrics* metrics = nullptr;
  // Last say on builder settings (keepalive, extra services).
  std::function<void(grpc::ServerBuilder&)> customize;
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
  // The bound HTTP/REST port (--http-listen); 0 when off.
  int http_port() const;

  // Admission, memory budget, log lines and metrics of every call.
  const CallTracker& calls() const;

  // Health goes to NOT_SERVING, new calls are refused, admitted ones get
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
