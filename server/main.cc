// activation-server: flags -> ServerConfig -> Server, until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <pthread.h>

#include "server/config.h"
#include "server/log.h"
#include "server/memory.h"
#include "server/operations.h"
#include "server/server.h"
#include "server/version.h"

namespace {

using activation::server::LogEvent;

// Written atomically (rename) so that a watcher never reads half a number.
bool WritePortFile(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << port << "\n";
    if (!out.good()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  activation::server::ServerConfig config;
  const auto outcome = activation::server::ParseServerConfig(argc, argv, &config);
  if (!outcome.serve) return outcome.exit_code;

  // Blocked before any thread exists, so that only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  activation::server::SetAllocatorPolicy();
  activation::server::InitLogging(config.log_level, config.log_format);
  std::string settings;
  for (const auto& [name, value] : activation::server::DescribeServerConfig(config)) {
    settings += (settings.empty() ? "" : " ") + name + "=" + value;
  }
  LogEvent(spdlog::level::info, "activation-server starting",
           {{"version", activation::server::kVersion}, {"config", settings}});

  std::string error;
  // Declared before the server so that it outlives it.
  auto operations = activation::server::Operations::Start(config, &error);
  if (operations == nullptr) {
    LogEvent(spdlog::level::err, error);
    return 1;
  }
  if (operations->metrics_port() != 0) {
    LogEvent(spdlog::level::info, "metrics on " + config.metrics_listen.substr(0, config.metrics_listen.rfind(':')) +
                                      ":" + std::to_string(operations->metrics_port()) + "/metrics");
  }
  auto server = activation::server::Server::Start(config, operations->Extensions(), &error);
  if (server == nullptr) {
    LogEvent(spdlog::level::err, error);
    return 1;
  }
  LogEvent(spdlog::level::info, "listening on " + server->address(), {{"port", server->port()}});
  if (server->http_port() != 0) {
    LogEvent(spdlog::level::info, "HTTP/REST (Open Inference Protocol) on " +
                                      config.http_listen.substr(0, config.http_listen.rfind(':')) + ":" +
                                      std::to_string(server->http_port()) + "/v2",
             {{"http_port", server->http_port()}});
  }
  if (!config.port_file.empty() && !WritePortFile(config.port_file, server->port())) {
    LogEvent(spdlog::level::err, "cannot write --port-file " + config.port_file);
    return 1;
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogEvent(spdlog::level::info, "received signal", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  server->Shutdown(std::chrono::milliseconds(static_cast<long long>(config.shutdown_grace_seconds * 1000)));
  server.reset();
  operations.reset();  // its gRPC credentials may end gRPC, which logs
  activation::server::ShutdownLogging();
  return 0;
}
