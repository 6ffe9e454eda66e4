// TLS and mutual TLS with throw-away certificates made by openssl at test
// time (ops_make_certs.sh): TLS works, plaintext against TLS fails, and mTLS
// refuses clients without a certificate or with one from another CA;
// replaced certificate files are served without a restart.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include "server/config.h"
#include "tests/server/ops_certs.h"

namespace activation::server::testing {
namespace {

std::string Read(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

class OpsTlsTest : public CertificatesTest {
 protected:
  // Credentials trusting `ca`, presenting `client` if given (names of files
  // in `dir`, by default the suite's certificates).
  static std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& ca, const std::string& client = "",
                                                       const std::string& dir = "") {
    auto in = [&](const std::string& name) { return dir.empty() ? File(name) : dir + "/" + name; };
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(in(ca));
    if (!client.empty()) {
      options.pem_cert_chain = Read(in(client + ".pem"));
      options.pem_private_key = Read(in(client + ".key"));
    }
    return grpc::SslCredentials(options);
  }

  // One call on a connection of its own (never one shared with an earlier call).
  static grpc::Status Call(const OpsServer& server, std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments own_connection;
    own_connection.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server.port()), credentials, own_connection);
    auto stub = v1::ActivationService::NewStub(channel);
    return EvaluateSigmoid(*stub, 3000);
  }
};

TEST_F(OpsTlsTest, ServesAClientThatTrustsItsCa) {
  OpsServer server(TlsConfig(false));
  const grpc::Status status = Call(server, Tls("ca.pem"));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(OpsTlsTest, PlaintextClientIsRefused) {
  OpsServer server(TlsConfig(false));
  EXPECT_EQ(Call(server, grpc::InsecureChannelCredentials()).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(OpsTlsTest, ClientTrustingAnotherCaRejectsTheServer) {
  OpsServer server(TlsConfig(false));
  EXPECT_EQ(Call(server, Tls("rogue-ca.pem")).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(OpsTlsTest, MutualTlsServesAClientWithACertificateFromTheCa) {
  OpsServer server(TlsConfig(true));
  const grpc::Status status = Call(server, Tls("ca.pem", "client"));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(OpsTlsTest, MutualTlsRefusesAClientWithoutCertificate) {
  OpsServer server(TlsConfig(true));
  EXPECT_EQ(Call(server, Tls("ca.pem")).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(OpsTlsTest, MutualTlsRefusesAClientWithACertificateFromAnotherCa) {
  OpsServer server(TlsConfig(true));
  EXPECT_EQ(Call(server, Tls("ca.pem", "rogue-client")).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(OpsTlsTest, MutualTlsRefusesPlaintext) {
  OpsServer server(TlsConfig(true));
  EXPECT_EQ(Call(server, grpc::InsecureChannelCredentials()).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A rotation: the server's certificate, key and client CA are replaced (each
// file by a rename, as rotation tools do) with ones from another CA. New
// connections get the new ones within a few reload intervals, without a
// restart, and the old CA's clients are refused from then on.
TEST_F(OpsTlsTest, ReplacedCertificatesAreServedWithoutARestart) {
  const std::string next = File("rotation-next"), live = File("rotation-live");
  const std::string command = std::string("sh ") + OPS_MAKE_CERTS + " " + next;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::filesystem::create_directories(live);
  const char* kFiles[] = {"server.pem", "server.key", "ca.pem"};
  for (const char* name : kFiles) std::filesystem::copy_file(File(name), live + "/" + name);
  ServerConfig config = OpsDefaults();
  config.tls_cert = live + "/server.pem";
  config.tls_key = live + "/server.key";
  config.tls_client_ca = live + "/ca.pem";
  config.tls_reload_seconds = 1;
  OpsServer server(config);
  const grpc::Status before = Call(server, Tls("ca.pem", "client"));
  EXPECT_TRUE(before.ok()) << before.error_message();
  EXPECT_FALSE(Call(server, Tls("ca.pem", "client", next)).ok()) << "the next CA is trusted before the rotation";

  for (const char* name : kFiles) {
    std::filesystem::copy_file(next + "/" + name, live + "/" + name + ".new");
    std::filesystem::rename(live + "/" + name + ".new", live + "/" + name);
  }
  grpc::Status after = Call(server, Tls("ca.pem", "client", next));
  for (int i = 0; i < 100 && !after.ok(); ++i) {  // up to 20 s
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    after = Call(server, Tls("ca.pem", "client", next));
  }
  EXPECT_TRUE(after.ok()) << after.error_message();
  EXPECT_EQ(Call(server, Tls("ca.pem", "client")).error_code(), grpc::StatusCode::UNAVAILABLE)
      << "the replaced CA's client is still served";
  std::filesystem::remove_all(next);
  std::filesystem::remove_all(live);
}

// activation-client with its --tls-* flags against an mTLS server: the
// output (or exit status) of `eval --activation sigmoid 0`.
std::pair<int, std::string> RunClient(int port, const std::string& tls_flags) {
  const std::string command = std::string(CLIENT_BINARY) + " eval --activation sigmoid --target 127.0.0.1:" +
                              std::to_string(port) + " " + tls_flags + " 0 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[256];
  while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(OpsTlsTest, ClientBinaryTlsFlagsWorkWithMutualTls) {
  OpsServer server(TlsConfig(true));
  const auto [ok_code, ok_output] = RunClient(
      server.port(), "--tls-ca " + File("ca.pem") + " --tls-cert " + File("client.pem") + " --tls-key " + File("client.key"));
  EXPECT_EQ(ok_code, 0) << ok_output;
  EXPECT_EQ(ok_output, "0.5\n");
  const auto [no_cert_code, no_cert_output] = RunClient(server.port(), "--tls-ca " + File("ca.pem"));
  EXPECT_NE(no_cert_code, 0) << no_cert_output;
  EXPECT_NE(no_cert_output.find("UNAVAILABLE"), std::string::npos) << no_cert_output;
  const auto [rogue_code, rogue_output] =
      RunClient(server.port(), "--tls-ca " + File("ca.pem") + " --tls-cert " + File("rogue-client.pem") +
                                   " --tls-key " + File("rogue-client.key"));
  EXPECT_NE(rogue_code, 0) << rogue_output;
}

TEST_F(OpsTlsTest, BadTlsSettingsAreRejectedNamingTheFlag) {
  ServerConfig config = OpsDefaults();
  config.tls_cert = File("server.pem");
  EXPECT_EQ(ValidateServerConfig(config), "--tls-cert and --tls-key must be given together");

  config = OpsDefaults();
  config.tls_client_ca = File("ca.pem");
  EXPECT_EQ(ValidateServerConfig(config), "--tls-client-ca needs --tls-cert and --tls-key");

  config = TlsConfig(false);
  config.tls_key = File("missing.key");
  EXPECT_EQ(ValidateServerConfig(config), "--tls-key: cannot read " + File("missing.key"));

  config = TlsConfig(true);
  config.tls_client_ca = File("server.key");  // a key where a CA certificate belongs
  EXPECT_EQ(ValidateServerConfig(config), "--tls-client-ca: " + File("server.key") + " holds no PEM CERTIFICATE");

  EXPECT_EQ(ValidateServerConfig(TlsConfig(true)), "");
}

}  // namespace
}  // namespace activation::server::testing
