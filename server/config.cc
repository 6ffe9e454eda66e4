#include "server/config.h"

#include <climits>
#include <cstdio>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "server/version.h"

namespace activation::server {
namespace {

const char* const kLogLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};

// Registers one flag with its ACTIVATION_<UPPER_SNAKE> fallback.
template <typename T>
CLI::Option* AddFlag(CLI::App& app, const std::string& name, T* value, const std::string& help) {
  std::string env = "ACTIVATION_";
  for (char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return app.add_option("--" + name, *value, help)->envname(env)->capture_default_str();
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
  if (c.threads < 0) return "--threads: must be >= 0 (0 = gRPC's default)";
  if (c.max_message_bytes < 1024 || c.max_message_bytes > INT_MAX) {
    return "--max-message-bytes: " + std::to_string(c.max_message_bytes) + " is outside [1024, " +
           std::to_string(INT_MAX) + "]";
  }
  bool level_ok = false;
  for (const char* level : kLogLevels) level_ok |= c.log_level == level;
  if (!level_ok) {
    return "--log-level: '" + c.log_level + "' is not one of trace, debug, info, warn, error, critical, off";
  }
  if (!(c.shutdown_grace_seconds >= 0 && c.shutdown_grace_seconds <= 3600)) {
    return "--shutdown-grace: must be within [0, 3600] seconds";
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> DescribeServerConfig(const ServerConfig& c) {
  std::ostringstream grace;
  grace << c.shutdown_grace_seconds;
  return {
      {"listen", c.listen},
      {"threads", std::to_string(c.threads)},
      {"max-message-bytes", std::to_string(c.max_message_bytes)},
      {"log-level", c.log_level},
      {"log-format", c.log_format == LogFormat::kJson ? "json" : "text"},
      {"port-file", c.port_file},
      {"shutdown-grace", grace.str()},
  };
}

ParseOutcome ParseServerConfig(int argc, const char* const* argv, ServerConfig* config) {
  CLI::App app{"activation-server: evaluates neural-network activation functions over gRPC.\n"
               "Every flag can also come from ACTIVATION_<FLAG> (e.g. ACTIVATION_LISTEN); a flag wins."};
  app.set_version_flag("--version", kVersion);
  bool print_config = false;
  AddFlag(app, "listen", &config->listen, "Address to listen on, HOST:PORT (port 0 = pick a free port)");
  AddFlag(app, "threads", &config->threads, "Maximum gRPC threads (0 = gRPC's default)");
  AddFlag(app, "max-message-bytes", &config->max_message_bytes, "Largest message received or sent");
  AddFlag(app, "log-level", &config->log_level, "trace, debug, info, warn, error, critical or off");
  std::string log_format = config->log_format == LogFormat::kJson ? "json" : "text";
  AddFlag(app, "log-format", &log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  AddFlag(app, "port-file", &config->port_file, "Write the bound port and a newline here once listening");
  AddFlag(app, "shutdown-grace", &config->shutdown_grace_seconds,
          "Seconds in-flight calls get to finish after SIGINT/SIGTERM");
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
