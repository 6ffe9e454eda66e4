// How the client reaches the service: target URI, load balancing, TLS, and
// a service config that retries the idempotent RPCs on UNAVAILABLE.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

namespace activation::client {

struct ConnectionOptions {
  // host:port or a gRPC target URI: dns:///host:port, ipv4:a:p1,b:p2, unix:path.
  std::string target = "127.0.0.1:50051";
  std::string lb = "pick_first";  // or round_robin
  int max_message_bytes = 64 << 20;
  int retries = 4;  // attempts per unary call on UNAVAILABLE (1 = no retry)
  // TLS: on when any of these is set (or `tls`); empty CA = system roots.
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key, tls_server_name;
};

// Throws std::runtime_error when a TLS file cannot be read or the options
// are inconsistent (a certificate without its key).
std::shared_ptr<grpc::Channel> MakeChannel(const ConnectionOptions& options, int channel_index = 0);

// The service config JSON (exposed for tests and --help text).
std::string ServiceConfigJson(const ConnectionOptions& options);

// "UNAVAILABLE", "INVALID_ARGUMENT", ...
const char* StatusCodeName(grpc::StatusCode code);
// "INVALID_ARGUMENT: activation: unknown name 'x'; valid names: ..."
std::string DescribeStatus(const grpc::Status& status);

// A deadline `seconds` from now on `context`; none when seconds <= 0.
void SetDeadline(grpc::ClientContext& context, double seconds);

}  // namespace activation::client
