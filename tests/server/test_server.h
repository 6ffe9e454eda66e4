// An activation server started in-process on 127.0.0.1:0, with a stub.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include "activation/v1/activation.grpc.pb.h"
#include "server/log.h"
#include "server/server.h"

namespace activation::server::testing {

struct TestServer {
  explicit TestServer(ServerConfig config = Defaults()) {
    std::string error;
    server = Server::Start(config, &error);
    EXPECT_NE(server, nullptr) << error;
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    channel = grpc::CreateCustomChannel(target(), grpc::InsecureChannelCredentials(), args);
    stub = v1::ActivationService::NewStub(channel);
  }

  static ServerConfig Defaults() {
    ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.log_level = "off";
    InitLogging(config.log_level, config.log_format);
    return config;
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(server->port()); }

  std::unique_ptr<Server> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ActivationService::Stub> stub;
};

}  // namespace activation::server::testing
