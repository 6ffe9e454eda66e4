// The activation-server binary as a child process on 127.0.0.1:0, so that a
// test can measure its memory alone and send it signals. The destructor
// kills it if it is still running.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace activation::reliability {

class ChildServer {
 public:
  explicit ChildServer(const std::vector<std::string>& flags) {
    dir_ = std::filesystem::temp_directory_path() /
           ("reliability-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    const std::string port_file = dir_ + "/port", log_file = dir_ + "/log";
    std::vector<std::string> args = {SERVER_BINARY, "--listen", "127.0.0.1:0", "--port-file", port_file};
    args.insert(args.end(), flags.begin(), flags.end());
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // no orphan server when the test itself aborts
      const int log = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(log, 1);
      dup2(log, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 3000 && port_ == 0; ++i) {  // up to 30 s: sanitizer builds start slowly
      std::ifstream in(port_file);
      if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~ChildServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;

  int port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  void Signal(int signal_number) const { kill(pid_, signal_number); }

  // Exit status (128 + signal when killed), or -1 if still running after `limit`.
  int WaitExit(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (pid_ > 0 && std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pid_ > 0 ? -1 : exit_status_;
  }

  // Resident set size in KiB, now and at its peak so far, from /proc (0 if
  // the process is gone).
  long RssKib() const { return StatusKib("VmRSS:"); }
  long PeakRssKib() const { return StatusKib("VmHWM:"); }

  std::string Log() const {
    std::ifstream in(dir_ + "/log");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  long StatusKib(const std::string& field) const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
    }
    return 0;
  }

  static inline int counter_ = 0;
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
};

}  // namespace activation::reliability
