#include "server/tls.h"

#include <fstream>
#include <sstream>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

namespace activation::server {
namespace {

bool ReadFile(const std::string& path, std::string* contents) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::ostringstream buffer;
  buffer << file.rdbuf();
  *contents = buffer.str();
  return true;
}

// Empty when `path` is readable and holds a PEM block of `kind`.
std::string CheckPem(const char* flag, const std::string& path, const char* kind) {
  std::string contents;
  if (!ReadFile(path, &contents)) return std::string(flag) + ": cannot read " + path;
  if (contents.find("-----BEGIN ") == std::string::npos || contents.find(kind) == std::string::npos) {
    return std::string(flag) + ": " + path + " holds no PEM " + kind;
  }
  return "";
}

}  // namespace

std::string ValidateTlsFiles(const TlsFiles& files) {
  if (files.cert.empty() != files.key.empty()) return "--tls-cert and --tls-key must be given together";
  if (files.cert.empty()) {
    return files.client_ca.empty() ? "" : "--tls-client-ca needs --tls-cert and --tls-key";
  }
  for (const std::string& problem : {CheckPem("--tls-cert", files.cert, "CERTIFICATE"),
                                     CheckPem("--tls-key", files.key, "PRIVATE KEY"),
                                     files.client_ca.empty() ? std::string()
                                                             : CheckPem("--tls-client-ca", files.client_ca,
                                                                        "CERTIFICATE")}) {
    if (!problem.empty()) return problem;
  }
  return "";
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const TlsFiles& files, int reload_seconds) {
  if (files.cert.empty()) return grpc::InsecureServerCredentials();
  namespace tls = grpc::experimental;
  auto provider = std::make_shared<tls::FileWatcherCertificateProvider>(
      files.key, files.cert, files.client_ca, static_cast<unsigned>(reload_seconds));
  tls::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (files.client_ca.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return tls::TlsServerCredentials(options);
}

}  // namespace activation::server
