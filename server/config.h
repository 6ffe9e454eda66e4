// The server's effective configuration: every knob once, parsed from flags
// with ACTIVATION_* environment fallbacks (a flag wins over its variable),
// validated before anything listens.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/memory.h"

namespace activation::server {

enum class LogFormat { kText, kJson };

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks a free port
  int threads = 0;                          // kernel worker threads; 0 = inline on gRPC's threads
  std::int64_t max_message_bytes = 64 << 20;  // receive and send
  std::int64_t max_memory_bytes = DefaultMemoryBudget();  // request + response bytes of the calls in progress
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;
  std::string port_file;                    // gets "<port>\n" once listening
  double shutdown_grace_seconds = 10;       // in-flight calls get this long after SIGTERM
  // Operations (docs/operations.md).
  std::string metrics_listen;               // HOST:PORT serving GET /metrics; empty = no metrics
  std::string http_listen;                  // HOST:PORT serving the Open Inference Protocol's REST API; empty = off
  std::string tls_cert, tls_key;            // PEM files; both empty = plaintext
  std::string tls_client_ca;                // PEM CA; set = clients must present a cert it signed
  int tls_reload_seconds = 60;              // the TLS files are re-read this often (rotation without restart)
  int max_concurrent_calls = 256;           // past it: RESOURCE_EXHAUSTED; 0 = unlimited
  double keepalive_time_seconds = 60;       // server pings idle connections this often
  double keepalive_timeout_seconds = 20;    // and drops them when a ping goes unanswered this long
  double max_connection_age_seconds = 0;    // GOAWAY after this age so clients rebalance; 0 = never
  bool log_requests = false;                // one info line per call (never payloads)
};

// Exit status of the CLI front end: either go on serving, or stop with `code`
// (0 after --help, --version or --print-config; 2 for bad flags or values).
struct ParseOutcome {
  bool serve = false;
  int exit_code = 0;
};

// Parses argv (and ACTIVATION_* variables) into *config and validates it.
// Prints help, the effective config or the error itself.
ParseOutcome ParseServerConfig(int argc, const char* const* argv, ServerConfig* config);

// Empty when valid; otherwise the first problem, naming the flag.
std::string ValidateServerConfig(const ServerConfig& config);

// Every effective setting as (flag name, value), in flag order: what
// --print-config prints and the start-up log line carries.
std::vector<std::pair<std::string, std::string>> DescribeServerConfig(const ServerConfig& config);

// Splits "host:port" / "[v6]:port"; false when malformed.
bool SplitHostPort(const std::string& address, std::string* host, int* port);

}  // namespace activation::server
