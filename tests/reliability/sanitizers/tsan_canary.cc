// The TSan stage's proof that it can still fail (.ci/stages/20-sanitizers.sh):
// a callback handler with a deliberate data race, served to four concurrent
// clients under the same preload shim and suppressions as the server tests.
// The stage requires TSan to report this race in Racy::ListActivations; if
// the shim or the suppressions ever hid races in handler code, it would not.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "activation/v1/activation.grpc.pb.h"

namespace {

namespace v1 = activation::v1;

long counter = 0;  // unsynchronised on purpose

class Racy final : public v1::ActivationService::CallbackService {
  grpc::ServerUnaryReactor* ListActivations(grpc::CallbackServerContext* context, const v1::ListActivationsRequest*,
                                            v1::ListActivationsResponse*) override {
    const long seen = counter;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // so that handlers overlap
    counter = seen + 1;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main() {
  Racy service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([port] {
      auto stub = v1::ActivationService::NewStub(
          grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
      for (int i = 0; i < 10; ++i) {
        grpc::ClientContext context;
        v1::ListActivationsResponse response;
        stub->ListActivations(&context, {}, &response);
      }
    });
  }
  for (std::thread& client : clients) client.join();
  server->Shutdown();
  std::printf("%ld of 40 increments kept\n", counter);
}
