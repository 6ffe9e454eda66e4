#include "server/config.h"

#include <climits>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "compute/registry.h"
#include "server/tls.h"
#include "server/version.h"

namespace activation::server {
namespace {

const char* const kLogLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};

// Every numeric flag's valid range, shown in --help and checked before
// serving. Times stay far below INT_MAX milliseconds, which gRPC's channel
// arguments hold.
struct NumericFlag {
  const char* name;
  double min, max;
  const char* note;  // what the extremes mean, for the message
};
constexpr NumericFlag kNumericFlags[] = {
    {"threads", 0, 1024, "0 = compute inline on gRPC's threads"},
    {"max-message-bytes", 1024, INT_MAX, ""},
    {"max-memory-bytes", 1 << 20, static_cast<double>(std::int64_t{1} << 50), ""},
    {"shutdown-grace", 0, 3600, "seconds"},
    {"max-concurrent-calls", 0, 1000000, "0 = unlimited"},
    {"tls-reload", 1, 86400, "seconds"},
    {"keepalive-time", 1, 86400, "seconds"},
    {"keepalive-timeout", 1, 3600, "seconds"},
    {"max-connection-age", 0, 604800, "seconds, 0 = never"},
};

const NumericFlag& RangeOf(const std::string& name) {
  for (const NumericFlag& flag : kNumericFlags) {
    if (name == flag.name) return flag;
  }
  throw std::logic_error("no range for --" + name);
}

// Whole numbers in full ("1048576", not "1.04858e+06").
std::string Number(double value) {
  return value == static_cast<double>(static_cast<long long>(value)) ? std::to_string(static_cast<long long>(value))
                                                                      : FormatNumber(value);
}

std::string DescribeRange(const NumericFlag& flag) {
  return "[" + Number(flag.min) + ", " + Number(flag.max) + "]" +
         (*flag.note != '\0' ? std::string(" (") + flag.note + ")" : "");
}

// Empty when `value` lies in the flag's range; otherwise the problem, naming the flag.
std::string CheckRange(const char* name, double value) {
  const NumericFlag& flag = RangeOf(name);
  if (value >= flag.min && value <= flag.max) return "";
  return std::string("--") + name + ": " + Number(value) + " is outside " + DescribeRange(flag);
}

// Registers one flag with its ACTIVATION_<UPPER_SNAKE> fallback.
template <typename T>
CLI::Option* AddFlag(CLI::App& app, const std::string& name, T* value, std::string help) {
  std::string env = "ACTIVATION_";
  for (char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if constexpr (std::is_arithmetic_v<T>) help += "; range " + DescribeRange(RangeOf(name));
  return app.add_option("--" + name, *value, help)->envname(env)->capture_default_str();
}

std::string Seconds(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

}  // namespace

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  const std::string port_text = address.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) return false;
  const int value = std::stoi(port_text);
  if (value > 65535) return false;
  *host = address.substr(0, colon);
  if (host->front() == '[' && host->back() != ']') return false;
  *port = value;
  return true;
}

std::string ValidateServerConfig(const ServerConfig& c) {
  std::string host;
  int port = 0;
  if (!SplitHostPort(c.listen, &host, &port)) {
    return "--listen: '" + c.listen + "' is not HOST:PORT with a port in [0, 65535]";
  }
  for (const auto& [name, value] : {std::pair<const char*, double>{"threads", c.threads},
                                    {"max-message-bytes", static_cast<double>(c.max_message_bytes)},
                                    {"max-memory-bytes", static_cast<double>(c.max_memory_bytes)},
                                    {"shutdown-grace", c.shutdown_grace_seconds},
                                    {"max-concurrent-calls", c.max_concurrent_calls},
                                    {"tls-reload", c.tls_reload_seconds},
                                    {"keepalive-time", c.keepalive_time_seconds},
                                    {"keepalive-timeout", c.keepalive_timeout_seconds},
                                    {"max-connection-age", c.max_connection_age_seconds}}) {
    std::string problem = CheckRange(name, value);
    if (!problem.empty()) return problem;
  }
  bool level_ok = false;
  for (const char* level : kLogLevels) level_ok |= c.log_level == level;
  if (!level_ok) {
    return "--log-level: '" + c.log_level + "' is not one of trace, debug, info, warn, error, critical, off";
  }
  if (!c.metrics_listen.empty() && !SplitHostPort(c.metrics_listen, &host, &port)) {
    return "--metrics-listen: '" + c.metrics_listen + "' is not HOST:PORT with a port in [0, 65535]";
  }
  if (!c.http_listen.empty() && !SplitHostPort(c.http_listen, &host, &port)) {
    return "--http-listen: '" + c.http_listen + "' is not HOST:PORT with a port in [0, 65535]";
  }
  const std::string tls_problem = ValidateTlsFiles({c.tls_cert, c.tls_key, c.tls_client_ca});
  if (!tls_problem.empty()) return tls_problem;
  return "";
}

std::vector<std::pair<std::string, std::string>> DescribeServerConfig(const ServerConfig& c) {
  std::ostringstream grace;
  grace << c.shutdown_grace_seconds;
  return {
      {"listen", c.listen},
      {"threads", std::to_string(c.threads)},
      {"max-message-bytes", std::to_string(c.max_message_bytes)},
      {"max-memory-bytes", std::to_string(c.max_memory_bytes)},
      {"log-level", c.log_level},
      {"log-format", c.log_format == LogFormat::kJson ? "json" : "text"},
      {"port-file", c.port_file},
      {"shutdown-grace", grace.str()},
      {"metrics-listen", c.metrics_listen},
      {"http-listen", c.http_listen},
      {"tls-cert", c.tls_cert},
      {"tls-key", c.tls_key},
      {"tls-client-ca", c.tls_client_ca},
      {"tls-reload", std::to_string(c.tls_reload_seconds)},
      {"max-concurrent-calls", std::to_string(c.max_concurrent_calls)},
      {"keepalive-time", Seconds(c.keepalive_time_seconds)},
      {"keepalive-timeout", Seconds(c.keepalive_timeout_seconds)},
      {"max-connection-age", Seconds(c.max_connection_age_seconds)},
      {"log-requests", c.log_requests ? "true" : "false"},
  };
}

ParseOutcome ParseServerConfig(int argc, const char* const* argv, ServerConfig* config) {
  CLI::App app{"activation-server: evaluates neural-network activation functions over gRPC.\n"
               "Every flag can also come from ACTIVATION_<FLAG> (e.g. ACTIVATION_LISTEN); a flag wins."};
  app.set_version_flag("--version", kVersion);
  bool print_config = false;
  AddFlag(app, "listen", &config->listen, "Address to listen on, HOST:PORT (port 0 = pick a free port)");
  AddFlag(app, "threads", &config->threads, "Threads that run the kernels (0 = inline on gRPC's callback threads)");
  AddFlag(app, "max-message-bytes", &config->max_message_bytes, "Largest message received or sent");
  AddFlag(app, "max-memory-bytes", &config->max_memory_bytes,
          "Memory budget: request plus response bytes of the calls in progress; a call that does not fit gets "
          "RESOURCE_EXHAUSTED (default: a third of the cgroup memory limit, else of the physical memory)");
  AddFlag(app, "log-level", &config->log_level, "trace, debug, info, warn, error, critical or off");
  std::string log_format = config->log_format == LogFormat::kJson ? "json" : "text";
  AddFlag(app, "log-format", &log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  AddFlag(app, "port-file", &config->port_file, "Write the bound port and a newline here once listening");
  AddFlag(app, "shutdown-grace", &config->shutdown_grace_seconds,
          "Seconds in-flight calls get to finish after SIGINT/SIGTERM");
  AddFlag(app, "metrics-listen", &config->metrics_listen,
          "Serve Prometheus metrics at http://HOST:PORT/metrics (empty = off)");
  AddFlag(app, "http-listen", &config->http_listen,
          "Serve the Open Inference Protocol's HTTP/REST API (/v2/...) on HOST:PORT, HTTPS with --tls-cert "
          "(empty = off)");
  AddFlag(app, "tls-cert", &config->tls_cert, "PEM certificate chain; with --tls-key enables TLS");
  AddFlag(app, "tls-key", &config->tls_key, "PEM private key of --tls-cert");
  AddFlag(app, "tls-client-ca", &config->tls_client_ca,
          "PEM CA bundle; clients must present a certificate it signed (mutual TLS)");
  AddFlag(app, "tls-reload", &config->tls_reload_seconds,
          "Seconds between re-reads of the TLS files: a replaced certificate, key or CA is served without a restart");
  AddFlag(app, "max-concurrent-calls", &config->max_concurrent_calls,
          "Calls in progress at once; more get RESOURCE_EXHAUSTED (0 = unlimited)");
  AddFlag(app, "keepalive-time", &config->keepalive_time_seconds, "Seconds between keepalive pings");
  AddFlag(app, "keepalive-timeout", &config->keepalive_timeout_seconds,
          "Seconds to wait for a keepalive ping's answer before closing the connection");
  AddFlag(app, "max-connection-age", &config->max_connection_age_seconds,
          "Seconds before a connection is asked to reconnect, so clients rebalance (0 = never)");
  app.add_flag("--log-requests", config->log_requests, "Log every call at info level (never payloads)")
      ->envname("ACTIVATION_LOG_REQUESTS");
  app.add_flag("--print-config", print_config, "Print the effective configuration and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return {false, 0};
  } catch (const CLI::CallForVersion&) {
    std::cout << kVersion << "\n";
    return {false, 0};
  } catch (const CLI::ParseError& e) {
    std::cerr << "activation-server: " << e.what() << "\nRun with --help for the list of flags.\n";
    return {false, 2};
  }
  config->log_format = log_format == "json" ? LogFormat::kJson : LogFormat::kText;
  const std::string problem = ValidateServerConfig(*config);
  if (!problem.empty()) {
    std::cerr << "activation-server: " << problem << "\n";
    return {false, 2};
  }
  if (print_config) {
    for (const auto& [name, value] : DescribeServerConfig(*config)) std::cout << name << " = " << value << "\n";
    return {false, 0};
  }
  return {true, 0};
}

}  // namespace activation::server
