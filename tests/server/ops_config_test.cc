// The operations flags through the real parser: ACTIVATION_* fallbacks
// (a flag wins), --print-config, and exit code 2 on bad values.
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/config.h"

namespace activation::server {
namespace {

ParseOutcome Parse(std::vector<const char*> args, ServerConfig* config) {
  args.insert(args.begin(), "activation-server");
  return ParseServerConfig(static_cast<int>(args.size()), args.data(), config);
}

struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name); }
  const char* name;
};

TEST(OpsConfigTest, EnvironmentFillsInAndAFlagWins) {
  ScopedEnv metrics("ACTIVATION_METRICS_LISTEN", "127.0.0.1:9464");
  ScopedEnv calls("ACTIVATION_MAX_CONCURRENT_CALLS", "7");
  ScopedEnv log("ACTIVATION_LOG_REQUESTS", "true");
  ScopedEnv age("ACTIVATION_MAX_CONNECTION_AGE", "300");
  ServerConfig config;
  ASSERT_TRUE(Parse({"--max-concurrent-calls", "9"}, &config).serve);
  EXPECT_EQ(config.metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(config.max_concurrent_calls, 9);
  EXPECT_TRUE(config.log_requests);
  EXPECT_EQ(config.max_connection_age_seconds, 300);
  EXPECT_EQ(config.shutdown_grace_seconds, 10);  // the documented default
}

TEST(OpsConfigTest, PrintConfigShowsTheEffectiveOperationsValues) {
  ScopedEnv keepalive("ACTIVATION_KEEPALIVE_TIME", "30");
  ServerConfig config;
  ::testing::internal::CaptureStdout();
  const ParseOutcome outcome = Parse({"--print-config", "--shutdown-grace", "2.5"}, &config);
  const std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_FALSE(outcome.serve);
  EXPECT_EQ(outcome.exit_code, 0);
  for (const char* line : {"keepalive-time = 30\n", "shutdown-grace = 2.5\n", "max-concurrent-calls = 256\n",
                           "metrics-listen = \n", "log-requests = false\n", "max-connection-age = 0\n"}) {
    EXPECT_NE(printed.find(line), std::string::npos) << line << " missing from:\n" << printed;
  }
}

TEST(OpsConfigTest, BadValuesExitWithCode2) {
  for (std::vector<const char*> args : std::vector<std::vector<const char*>>{
           {"--max-concurrent-calls", "lots"},
           {"--max-concurrent-calls", "-3"},
           {"--keepalive-timeout", "0"},
           {"--metrics-listen", "localhost"},
           {"--tls-cert", "/nonexistent/server.pem", "--tls-key", "/nonexistent/server.key"},
           {"--tls-client-ca", "/nonexistent/ca.pem"}}) {
    ServerConfig config;
    ::testing::internal::CaptureStderr();
    const ParseOutcome outcome = Parse(args, &config);
    const std::string error = ::testing::internal::GetCapturedStderr();
    EXPECT_FALSE(outcome.serve) << args[0];
    EXPECT_EQ(outcome.exit_code, 2) << args[0];
    EXPECT_NE(error.find(args[0]), std::string::npos) << "the message should name " << args[0] << ": " << error;
  }
}

}  // namespace
}  // namespace activation::server
