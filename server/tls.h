// Server credentials: plaintext, TLS (--tls-cert/--tls-key), or mutual TLS
// (--tls-client-ca: clients must present a certificate signed by that CA).
#pragma once

#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

namespace activation::server {

struct TlsFiles {
  std::string cert;       // PEM certificate chain of the server
  std::string key;        // PEM private key of the server
  std::string client_ca;  // PEM CA bundle; non-empty = require and verify client certificates
};

// Empty when the combination is usable and every file readable PEM;
// otherwise the first problem, naming the flag and the file.
std::string ValidateTlsFiles(const TlsFiles& files);

// Insecure credentials when no certificate is configured; otherwise TLS whose
// files gRPC re-reads every `reload_seconds`, so replaced certificates, key or
// client CA are served to new connections without a restart (replace each
// file by a rename, the key and its certificate within one interval). Call
// only after ValidateTlsFiles. (The HTTP port reads the files at start.)
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(const TlsFiles& files, int reload_seconds);

}  // namespace activation::server
