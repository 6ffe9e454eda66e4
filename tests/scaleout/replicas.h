// Child processes for the scale-out tests: activation-server replicas on
// loopback (each with its own Prometheus endpoint) and client runs, with
// their output captured in files.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/server/ops_http.h"

extern char** environ;

namespace activation::scaleout {

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A process started with stdout and stderr redirected to files; killed and
// reaped on destruction if still running.
class Process {
 public:
  Process(std::vector<std::string> argv, const std::string& output_prefix)
      : stdout_path_(output_prefix + ".out"), stderr_path_(output_prefix + ".err") {
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&files, 2, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int error = posix_spawn(&pid_, args[0], &files, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (error != 0) throw std::runtime_error("cannot start " + argv[0]);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() {
    if (running()) Kill(SIGKILL);
  }

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
    Reaped(status);
    return false;
  }
  // Sends `signal` and reaps the process.
  void Kill(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    Reaped(status);
  }
  // The exit code (128 + signal when killed), or -1 when still running after `limit`.
  int Wait(std::chrono::seconds limit) {
    for (const auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;) {
      if (!running()) return exit_code_;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
  }
  std::string out() const { return Slurp(stdout_path_); }
  std::string err() const { return Slurp(stderr_path_); }

 private:
  void Reaped(int status) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }

  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string stdout_path_, stderr_path_;
};

// Sum of every sample of metric `name` whose labels contain `label_filter`.
inline double SumSamples(const std::string& exposition, const std::string& name,
                         const std::string& label_filter = "") {
  double sum = 0;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, name.size(), name) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    if (line.find(label_filter) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// One activation-server on 127.0.0.1 with a free gRPC port and a free
// metrics port, both read back once it listens.
class Replica {
 public:
  Replica(const std::string& dir, int index)
      : port_file_(dir + "/replica" + std::to_string(index) + ".port"),
        process_({SERVER_BINARY, "--listen", "127.0.0.1:0", "--port-file", port_file_, "--metrics-listen",
                  "127.0.0.1:0", "--log-format", "text"},
                 dir + "/replica" + std::to_string(index)) {
    const std::regex metrics_line("metrics on [^ ]*:([0-9]+)/metrics");
    for (int attempt = 0; attempt < 1000 && (port_ == 0 || metrics_port_ == 0); ++attempt) {
      std::ifstream(port_file_) >> port_;
      std::smatch match;
      const std::string log = process_.err();
      if (std::regex_search(log, match, metrics_line)) metrics_port_ = std::stoi(match[1]);
      if (!process_.running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (port_ == 0 || metrics_port_ == 0) {
      throw std::runtime_error("replica " + std::to_string(index) + " did not start: " + process_.err());
    }
  }

  int port() const { return port_; }
  Process& process() { return process_; }
  std::string Metrics() const { return server::testing::HttpGet(metrics_port_, "/metrics"); }
  // Input elements of finished evaluation calls: this replica's share.
  double ServedElements() const { return SumSamples(Metrics(), "activation_server_elements_total"); }
  // True once the replica has started or finished an evaluation call.
  bool Busy() const {
    const std::string m = Metrics();
    return SumSamples(m, "activation_server_elements_total") > 0 ||
           SumSamples(m, "activation_server_in_flight_requests", "activation.v1.ActivationService") > 0;
  }

 private:
  std::string port_file_;
  Process process_;
  int port_ = 0;
  int metrics_port_ = 0;
};

}  // namespace activation::scaleout
