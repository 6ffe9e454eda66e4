// The activation server in-process with its operations plug-ins (TLS,
// metrics, limits) built from a ServerConfig, exactly as main() does.
#pragma once

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "activation/v1/activation.grpc.pb.h"
#include "server/log.h"
#include "server/operations.h"
#include "server/server.h"

namespace activation::server::testing {

inline ServerConfig OpsDefaults() {
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.log_level = std::getenv("OPS_LOG") ? std::getenv("OPS_LOG") : "off";
  InitLogging(config.log_level, config.log_format);
  return config;
}

struct OpsServer {
  explicit OpsServer(const ServerConfig& config) {
    std::string error;
    operations = Operations::Start(config, &error);
    if (operations == nullptr) {
      ADD_FAILURE() << error;
      return;
    }
    server = Server::Start(config, operations->Extensions(), &error);
    EXPECT_NE(server, nullptr) << error;
  }
  int port() const { return server ? server->port() : 0; }

  std::unique_ptr<Operations> operations;  // outlives the server
  std::unique_ptr<Server> server;
};

// sigmoid(x) for x = 0, 1, -20 in one Evaluate call; the status, with the
// output checked against the formula in double when the call succeeds.
inline grpc::Status EvaluateSigmoid(v1::ActivationService::Stub& stub, int deadline_ms = 5000) {
  v1::EvaluateRequest request;
  request.set_activation("sigmoid");
  for (float x : {0.0f, 1.0f, -20.0f}) request.mutable_input()->add_values(x);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
  const grpc::Status status = stub.Evaluate(&context, request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.output().values_size(), 3);
    for (int i = 0; i < response.output().values_size() && i < 3; ++i) {
      const double x = request.input().values(i);
      EXPECT_NEAR(response.output().values(i), 1.0 / (1.0 + std::exp(-x)), 1e-7 * (1.0 / (1.0 + std::exp(-x))));
    }
  }
  return status;
}

}  // namespace activation::server::testing
