#include "server/server.h"

#include <mutex>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/support/channel_arguments.h>

#include "server/log.h"
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
  std::unique_ptr<KernelExecutor> pool;  // first: outlives the calls that use it
  std::unique_ptr<ActivationServiceImpl> service;
  std::unique_ptr<grpc::Server> server;
  std::once_flag shutdown_once;
  std::function<void(std::chrono::system_clock::time_point)> drain;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<Server> Server::Start(const ServerConfig& config, ServerExtensions extensions, std::string* error) {
  EnableHealthAndReflection();
  auto impl = std::make_unique<Impl>();
  CallObservers observers = std::move(extensions.observers);
  observers.push_back(MakeCallLogger(config.log_requests));
  if (config.threads > 0) impl->pool = std::make_unique<KernelExecutor>(config.threads);
  impl->service = std::make_unique<ActivationServiceImpl>(std::move(observers), impl->pool.get(),
                                                          static_cast<std::size_t>(config.max_message_bytes));

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen,
                           extensions.credentials ? extensions.credentials : grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(impl->service.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  if (extensions.customize) extensions.customize(builder);
  impl->drain = std::move(extensions.drain);

  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || port == 0) {
    *error = "cannot listen on " + config.listen + " (address in use, or not a local address?)";
    if (impl->server) impl->server->Shutdown();
    return nullptr;
  }
  grpc::HealthCheckServiceInterface* health = impl->server->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(kServiceName, true);

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
    if (impl_->drain) impl_->drain(deadline);
    impl_->server->Shutdown(deadline);
    LogEvent(spdlog::level::info, "stopped");
  });
}

void Server::Wait() { impl_->server->Wait(); }

Server::~Server() {
  if (impl_ != nullptr && impl_->server != nullptr) Shutdown(std::chrono::milliseconds(0));
}

}  // namespace activation::server
