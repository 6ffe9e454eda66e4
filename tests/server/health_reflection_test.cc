// The standard services generic tools rely on: grpc.health.v1 and server
// reflection.
#include <thread>

#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Check(TestServer& server, const std::string& service, grpc::Status* status) {
  auto health = grpc::health::v1::Health::NewStub(server.channel);
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::ClientContext context;
  *status = health->Check(&context, request, &response);
  return response.status();
}

TEST(HealthTest, ServingForOverallAndForTheService) {
  TestServer server;
  grpc::Status status;
  EXPECT_EQ(Check(server, "", &status), HealthCheckResponse::SERVING);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(Check(server, "activation.v1.ActivationService", &status), HealthCheckResponse::SERVING);
  EXPECT_TRUE(status.ok());
  Check(server, "no.such.Service", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(HealthTest, WatchersSeeNotServingWhenShutdownBegins) {
  TestServer server;
  auto health = grpc::health::v1::Health::NewStub(server.channel);
  HealthCheckRequest request;
  request.set_service("activation.v1.ActivationService");
  grpc::ClientContext context;
  auto watch = health->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  // The open watch is itself an in-flight call, so shutdown waits its grace.
  std::thread stopper([&] { server.server->Shutdown(std::chrono::milliseconds(300)); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  context.TryCancel();
  stopper.join();
}

TEST(ReflectionTest, ListsTheActivationService) {
  TestServer server;
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(server.channel);
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> names;
  for (const auto& service : response.list_services_response().service()) names.push_back(service.name());
  EXPECT_NE(std::find(names.begin(), names.end(), "activation.v1.ActivationService"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.health.v1.Health"), names.end());

  // Generic tools then fetch the schema by symbol.
  request.set_file_containing_symbol("activation.v1.ActivationService");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace activation::server::testing
