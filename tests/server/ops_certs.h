// A test suite with throw-away certificates made by openssl at test time
// (ops_make_certs.sh: ca, server, client, and rogue-client from another CA).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/server/ops_server.h"

namespace activation::server::testing {

class CertificatesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Dir() = std::filesystem::temp_directory_path() / ("ops-certs-" + std::to_string(getpid()));
    const std::string command = std::string("sh ") + OPS_MAKE_CERTS + " " + Dir();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(Dir()); }
  static std::string File(const std::string& name) { return Dir() + "/" + name; }

  // `config` serving TLS with the server certificate; mutual: clients must
  // present one signed by the CA.
  static ServerConfig TlsConfig(bool mutual, ServerConfig config = OpsDefaults()) {
    config.tls_cert = File("server.pem");
    config.tls_key = File("server.key");
    if (mutual) config.tls_client_ca = File("ca.pem");
    return config;
  }

 private:
  static std::string& Dir() {
    static std::string dir;
    return dir;
  }
};

}  // namespace activation::server::testing
