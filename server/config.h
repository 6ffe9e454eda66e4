// The server's effective configuration: every knob once, parsed from flags
// with ACTIVATION_* environment fallbacks (a flag wins over its variable),
// validated before anything listens.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace activation::server {

enum class LogFormat { kText, kJson };

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 picks a free port
  int threads = 0;                          // cap on gRPC's threads; 0 = gRPC's default
  std::int64_t max_message_bytes = 64 << 20;  // receive and send
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;
  std::string port_file;                    // gets "<port>\n" once listening
  double shutdown_grace_seconds = 10;       // in-flight calls get this long after SIGTERM
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
