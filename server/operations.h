// The operations plug-ins a ServerConfig asks for -- TLS credentials,
// keepalive and connection age, Prometheus metrics --
// packaged as the ServerExtensions the core server accepts. Keep it alive
// for as long as the server it extends.
#pragma once

#include <memory>
#include <string>

#include "server/config.h"
#include "server/metrics.h"
#include "server/server.h"

namespace activation::server {

class Operations {
 public:
  // Null with *error set when a TLS file cannot be read or the metrics
  // address cannot be bound.
  static std::unique_ptr<Operations> Start(const ServerConfig& config, std::string* error);

  ServerExtensions Extensions() const { return extensions_; }
  // The bound metrics HTTP port; 0 without --metrics-listen.
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }

 private:
  std::unique_ptr<Metrics> metrics_;
  ServerExtensions extensions_;
};

}  // namespace activation::server
