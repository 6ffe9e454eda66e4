// activation-server as a child process: flags, environment fallbacks, exit
// codes, the port file, and graceful exit on SIGTERM/SIGINT.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "activation/v1/activation.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "server_binary_test_" + std::to_string(getpid()) + "_" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A started activation-server with stdout/stderr captured in files.
struct Child {
  pid_t pid = -1;
  std::string out_path = TempPath("stdout");
  std::string err_path = TempPath("stderr");

  Child(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), SERVER_BINARY);
    pid = fork();
    if (pid == 0) {
      for (const std::string& e : env) putenv(strdup(e.c_str()));
      dup2(open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
      dup2(open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  // Exit code, or -1 if it did not exit within `limit`.
  int Wait(std::chrono::seconds limit = std::chrono::seconds(20)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  std::string out() const { return ReadFile(out_path); }
  std::string err() const { return ReadFile(err_path); }
};

// An idle synchronous client reads the server's GOAWAY only when its backup
// poller runs (every 5 s by default); the server's graceful shutdown waits
// for that, so poll often here.
const bool kFastBackupPoll = setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "50", 1) == 0;

int WaitForPort(const std::string& port_file) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

TEST(ServerBinaryTest, HelpExitsZero) {
  Child child({"--help"});
  EXPECT_EQ(child.Wait(), 0);
  EXPECT_NE(child.out().find("--max-message-bytes"), std::string::npos);
  EXPECT_NE(child.out().find("ACTIVATION_LISTEN"), std::string::npos);
}

TEST(ServerBinaryTest, UnknownFlagExitsTwo) {
  Child child({"--no-such-flag"});
  EXPECT_EQ(child.Wait(), 2);
  EXPECT_NE(child.err().find("--no-such-flag"), std::string::npos) << child.err();
}

TEST(ServerBinaryTest, BadValuesExitTwoNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--listen", "nowhere"}, "--listen"},
      {{"--listen", "127.0.0.1:70000"}, "--listen"},
      {{"--threads", "-3"}, "--threads"},
      {{"--threads", "many"}, "--threads"},
      {{"--max-message-bytes", "10"}, "--max-message-bytes"},
      {{"--log-level", "loud"}, "--log-level"},
      {{"--log-format", "xml"}, "--log-format"},
      {{"--shutdown-grace", "-1"}, "--shutdown-grace"},
  };
  for (const auto& [args, flag] : cases) {
    Child child(args);
    EXPECT_EQ(child.Wait(), 2) << args[0] << " " << args[1];
    EXPECT_NE(child.err().find(flag), std::string::npos) << child.err();
  }
}

TEST(ServerBinaryTest, EnvironmentIsAFallbackAndAFlagWins) {
  {
    Child child({"--print-config"}, {"ACTIVATION_LISTEN=127.0.0.1:0", "ACTIVATION_LOG_LEVEL=debug"});
    EXPECT_EQ(child.Wait(), 0);
    EXPECT_NE(child.out().find("listen = 127.0.0.1:0"), std::string::npos) << child.out();
    EXPECT_NE(child.out().find("log-level = debug"), std::string::npos) << child.out();
  }
  {
    Child child({"--print-config", "--listen", "127.0.0.1:7"}, {"ACTIVATION_LISTEN=bad"});
    EXPECT_EQ(child.Wait(), 0);
    EXPECT_NE(child.out().find("listen = 127.0.0.1:7"), std::string::npos) << child.out();
  }
  {
    Child child({}, {"ACTIVATION_MAX_MESSAGE_BYTES=12"});
    EXPECT_EQ(child.Wait(), 2);
    EXPECT_NE(child.err().find("--max-message-bytes"), std::string::npos) << child.err();
  }
}

void ServeThenStop(int signal_number) {
  const std::string port_file = TempPath("port" + std::to_string(signal_number));
  std::remove(port_file.c_str());
  Child child({"--listen", "127.0.0.1:0", "--port-file", port_file, "--log-level", "debug"});
  const int port = WaitForPort(port_file);
  ASSERT_GT(port, 0) << child.err();

  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse health_response;
  grpc::ClientContext health_context;
  ASSERT_TRUE(health->Check(&health_context, {}, &health_response).ok());
  EXPECT_EQ(health_response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  auto stub = activation::v1::ActivationService::NewStub(channel);
  activation::v1::EvaluateRequest request;
  request.set_activation("relu");
  request.mutable_input()->add_values(-2.f);
  request.mutable_input()->add_values(3.f);
  activation::v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Evaluate(&context, request, &response).ok());
  EXPECT_EQ(response.output().values(0), 0.f);
  EXPECT_EQ(response.output().values(1), 3.f);

  kill(child.pid, signal_number);
  EXPECT_EQ(child.Wait(), 0) << child.err();
  const std::string log = child.err();
  EXPECT_NE(log.find("listening on 127.0.0.1:" + std::to_string(port)), std::string::npos) << log;
  EXPECT_NE(log.find("version="), std::string::npos) << log;
  EXPECT_NE(log.find(R"(method="Evaluate" activation="relu" elements=2)"), std::string::npos) << log;
  std::remove(port_file.c_str());
}

TEST(ServerBinaryTest, ServesAndExitsZeroOnSigterm) { ServeThenStop(SIGTERM); }
TEST(ServerBinaryTest, ServesAndExitsZeroOnSigint) { ServeThenStop(SIGINT); }

TEST(ServerBinaryTest, JsonLogLinesAreObjects) {
  const std::string port_file = TempPath("port_json");
  std::remove(port_file.c_str());
  Child child({"--listen", "127.0.0.1:0", "--port-file", port_file, "--log-format", "json"});
  ASSERT_GT(WaitForPort(port_file), 0) << child.err();
  kill(child.pid, SIGTERM);
  EXPECT_EQ(child.Wait(), 0);
  std::istringstream lines(child.err());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_NE(line.find("\"msg\":"), std::string::npos) << line;
  }
  EXPECT_GE(count, 2);
  std::remove(port_file.c_str());
}

}  // namespace
