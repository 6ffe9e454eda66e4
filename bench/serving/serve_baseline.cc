// serve_baseline: an echo server with activation-server's gRPC settings
// (callback API, arenas, message limits, allocator policy). Its numbers are
// what moving the bytes costs; serve.sh reports activation-server as a
// ratio to them.
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "echo.grpc.pb.h"
#include "server/arena_allocator.h"
#include "server/memory.h"

namespace {

using activation::v1::EchoReply;
using activation::v1::EchoRequest;

class EchoService final : public activation::v1::ActivationService::CallbackService {
 public:
  EchoService() {
    SetMessageAllocatorFor_Evaluate(&allocator_);
    SetMessageAllocatorFor_Gradient(&allocator_);
  }

  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context, const EchoRequest* request,
                                     EchoReply* reply) override {
    return Echo(context, request, reply);
  }
  grpc::ServerUnaryReactor* Gradient(grpc::CallbackServerContext* context, const EchoRequest* request,
                                     EchoReply* reply) override {
    return Echo(context, request, reply);
  }

  grpc::ServerBidiReactor<EchoRequest, EchoReply>* EvaluateStream(grpc::CallbackServerContext*) override {
    class Reactor final : public grpc::ServerBidiReactor<EchoRequest, EchoReply> {
     public:
      Reactor() { StartRead(&request_); }
      void OnReadDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::OK);
        reply_.mutable_output()->Swap(request_.mutable_input());
        StartWrite(&reply_);
      }
      void OnWriteDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::CANCELLED);
        StartRead(&request_);
      }
      void OnDone() override { delete this; }

     private:
      EchoRequest request_;
      EchoReply reply_;
    };
    return new Reactor;
  }

 private:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoReply* reply) {
    // The request is ours until the call ends; both live on one arena, so
    // this swaps pointers, not payloads.
    reply->mutable_output()->Swap(const_cast<EchoRequest*>(request)->mutable_input());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  activation::server::ArenaAllocator<EchoRequest, EchoReply> allocator_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"serve_baseline: echo server, the transport limit for bench/serving/serve.sh"};
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  int max_message_bytes = 64 << 20;
  app.add_option("--listen", listen, "HOST:PORT")->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port here once listening");
  app.add_option("--max-message-bytes", max_message_bytes)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  activation::server::SetAllocatorPolicy();

  EchoService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  builder.SetMaxSendMessageSize(max_message_bytes);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "serve_baseline: cannot listen on " << listen << "\n";
    return 1;
  }
  std::cerr << "serve_baseline listening on port " << port << "\n";
  if (!port_file.empty()) std::ofstream(port_file) << port << "\n";
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}
