#include "server/operations.h"

#include <stdexcept>

#include <grpc/grpc.h>

#include "server/tls.h"

namespace activation::server {
namespace {

int Milliseconds(double seconds) { return static_cast<int>(seconds * 1000); }

void ApplyConnectionSettings(const ServerConfig& config, grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(config.keepalive_time_seconds));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Milliseconds(config.keepalive_timeout_seconds));
  // Clients that keep idle connections alive with their own pings (every
  // 10 s or slower) are welcome rather than disconnected for "too many pings".
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  if (config.max_connection_age_seconds > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Milliseconds(config.max_connection_age_seconds));
    // Calls on an aged connection get as long to finish as on shutdown.
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, Milliseconds(config.shutdown_grace_seconds));
  }
}

}  // namespace

std::unique_ptr<Operations> Operations::Start(const ServerConfig& config, std::string* error) {
  auto ops = std::unique_ptr<Operations>(new Operations);
  try {
    ops->extensions_.credentials = MakeServerCredentials({config.tls_cert, config.tls_key, config.tls_client_ca},
                                                               config.tls_reload_seconds);
    if (!config.metrics_listen.empty()) {
      ops->metrics_ = std::make_unique<Metrics>();
      ops->metrics_->Serve(config.metrics_listen);
    }
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
  ops->extensions_.metrics = ops->metrics_.get();
  ops->extensions_.customize = [config](grpc::ServerBuilder& builder) { ApplyConnectionSettings(config, builder); };
  return ops;
}

}  // namespace activation::server
