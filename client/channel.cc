#include "client/channel.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace activation::client {
namespace {

std::string ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(what) + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string ServiceConfigJson(const ConnectionOptions& options) {
  // Evaluate, Gradient, ListActivations and health checks are pure and so
  // safe to retry. gRPC cannot retry streams, nor a call whose answer had
  // begun to arrive: the batch transport resends those chunks itself.
  std::string config = "{\"loadBalancingConfig\": [{\"" + options.lb + "\": {}}]";
  if (options.retries > 1) {
    config +=
        ", \"methodConfig\": [{\"name\": ["
        "{\"service\": \"activation.v1.ActivationService\", \"method\": \"Evaluate\"}, "
        "{\"service\": \"activation.v1.ActivationService\", \"method\": \"Gradient\"}, "
        "{\"service\": \"activation.v1.ActivationService\", \"method\": \"ListActivations\"}, "
        "{\"service\": \"grpc.health.v1.Health\", \"method\": \"Check\"}], "
        "\"retryPolicy\": {\"maxAttempts\": " +
        std::to_string(options.retries) +
        ", \"initialBackoff\": \"0.05s\", \"maxBackoff\": \"1s\", \"backoffMultiplier\": 2, "
        "\"retryableStatusCodes\": [\"UNAVAILABLE\"]}}]";
  }
  return config + "}";
}

std::shared_ptr<grpc::Channel> MakeChannel(const ConnectionOptions& options, int channel_index) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  args.SetServiceConfigJSON(ServiceConfigJson(options));
  // Distinct channels get distinct connections (bench --channels).
  args.SetInt("activation.client.channel_index", channel_index);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  const bool tls = options.tls || !options.tls_ca.empty() || !options.tls_cert.empty() ||
                   !options.tls_key.empty() || !options.tls_server_name.empty();
  if (tls) {
    if (options.tls_cert.empty() != options.tls_key.empty()) {
      throw std::runtime_error("--tls-cert and --tls-key go together (mutual TLS)");
    }
    grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca.empty()) ssl.pem_root_certs = ReadFile(options.tls_ca, "--tls-ca");
    if (!options.tls_cert.empty()) {
      ssl.pem_cert_chain = ReadFile(options.tls_cert, "--tls-cert");
      ssl.pem_private_key = ReadFile(options.tls_key, "--tls-key");
    }
    if (!options.tls_server_name.empty()) args.SetSslTargetNameOverride(options.tls_server_name);
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(options.target, credentials, args);
}

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN_CODE";
  }
}

std::string DescribeStatus(const grpc::Status& status) {
  return std::string(StatusCodeName(status.error_code())) + ": " + status.error_message();
}

void SetDeadline(grpc::ClientContext& context, double seconds) {
  if (seconds > 0) {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6)));
  }
}

}  // namespace activation::client
