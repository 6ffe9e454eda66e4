#include "server/server.h"

#include <mutex>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/support/channel_arguments.h>

#include "server/log.h"
#include "server/oip_http.h"
#include "server/oip_service.h"
#include "server/service.h"

namespace activation::server {
namespace {

constexpr const char* kServiceName = "activation.v1.ActivationService";

// Process-wide switches of gRPC that must be set before the first builder.
void EnableHealthAndReflection() {
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });
}

}  // namespace

struct Server::Impl {
  // Declared first so that they outlive the calls that use them.
  std::unique_ptr<CallTracker> calls;
  std::unique_ptr<KernelExecutor> pool;
  std::unique_ptr<ActivationServiceImpl> service;
  std::unique_ptr<InferenceServiceImpl> inference;
  std::unique_ptr<UnknownMethodService> unknown_methods;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<HttpFrontEnd> http;
  std::once_flag shutdown_once;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<Server> Server::Start(const ServerConfig& config, ServerExtensions extensions, std::string* error) {
  EnableHealthAndReflection();
  auto impl = std::make_unique<Impl>();
  impl->calls = std::make_unique<CallTracker>(
      CallLimits{config.max_concurrent_calls, config.max_memory_bytes, config.log_requests}, extensions.metrics);
  if (config.threads > 0) {
    // Every queued task is an admitted call (a stream queues one chunk at a time).
    constexpr std::size_t kUnlimitedCallsQueue = 4096;
    const std::size_t capacity = config.max_concurrent_calls > 0 ? static_cast<std::size_t>(config.max_concurrent_calls)
                                                                 : kUnlimitedCallsQueue;
    impl->pool = std::make_unique<KernelExecutor>(config.threads, capacity);
  }
  impl->service = std::make_unique<ActivationServiceImpl>(impl->calls.get(), impl->pool.get(),
                                                          static_cast<std::size_t>(config.max_message_bytes));
  impl->inference = std::make_unique<InferenceServiceImpl>(impl->calls.get(), impl->pool.get(),
                                                           static_cast<std::size_t>(config.max_message_bytes));
  impl->unknown_methods = std::make_unique<UnknownMethodService>(impl->calls.get());

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen,
                           extensions.credentials ? extensions.credentials : grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(impl->service.get());
  builder.RegisterService(impl->inference.get());
  builder.RegisterCallbackGenericService(impl->unknown_methods.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  // gRPC's own buffers (messages still arriving, serialized answers) get a
  // quota of their own beside the calls' reservations: room for the largest
  // request the budget can admit (half of it: its answer is as large) and an
  // eighth for everything else, so the two together stay near twice the
  // budget (docs/operations.md). A larger request is reset by gRPC.
  const auto budget = static_cast<std::size_t>(config.max_memory_bytes);
  grpc::ResourceQuota quota("activation-server");
  quota.Resize(budget / 2 + budget / 8);
  builder.SetResourceQuota(quota);
  if (extensions.customize) extensions.customize(builder);

  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || port == 0) {
    *error = "cannot listen on " + config.listen + " (address in use, or not a local address?)";
    if (impl->server) impl->server->Shutdown();
    return nullptr;
  }
  if (!config.http_listen.empty()) {
    impl->http = HttpFrontEnd::Start(config.http_listen, {config.tls_cert, config.tls_key, config.tls_client_ca},
                                     impl->calls.get(), static_cast<std::size_t>(config.max_message_bytes), error);
    if (impl->http == nullptr) {
      impl->server->Shutdown();
      return nullptr;
    }
  }
  grpc::HealthCheckServiceInterface* health = impl->server->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(kServiceName, true);
  health->SetServingStatus("inference.GRPCInferenceService", true);

  std::unique_ptr<Server> server(new Server(std::move(impl)));
  server->port_ = port;
  server->address_ = config.listen.substr(0, config.listen.rfind(':')) + ":" + std::to_string(port);
  return server;
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  std::call_once(impl_->shutdown_once, [&] {
    LogEvent(spdlog::level::info, "shutting down", {{"grace_ms", static_cast<long long>(grace.count())}});
    // Load balancers and probes see NOT_SERVING before the port goes away.
    impl_->server->GetHealthCheckService()->Shutdown();
    const auto deadline = std::chrono::system_clock::now() + grace;
    impl_->calls->Drain(deadline);
    if (impl_->http) impl_->http->Stop();
    impl_->server->Shutdown(deadline);
    LogEvent(spdlog::level::info, "stopped");
  });
}

int Server::http_port() const { return impl_->http ? impl_->http->port() : 0; }

const CallTracker& Server::calls() const { return *impl_->calls; }

void Server::Wait() { impl_->server->Wait(); }

Server::~Server() {
  if (impl_ != nullptr && impl_->server != nullptr) Shutdown(std::chrono::milliseconds(0));
}

}  // namespace activation::server
