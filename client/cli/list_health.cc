// `list` (the catalogue) and `health` (grpc.health.v1).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>

#include "activation/v1/activation.grpc.pb.h"
#include "client/cli/command.h"
#include "client/cli/options.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace activation::client {
namespace {

class RpcError : public std::runtime_error {
 public:
  RpcError(const char* method, const grpc::Status& status)
      : std::runtime_error(std::string(method) + ": " + DescribeStatus(status)) {}
};

void SetDeadline(grpc::ClientContext& context, double seconds) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void PrintCatalogue(const activation::v1::ListActivationsResponse& response) {
  for (const auto& a : response.activations()) {
    std::cout << a.name();
    if (a.aliases_size() > 0) {
      std::cout << " (aliases:";
      for (const std::string& alias : a.aliases()) std::cout << ' ' << alias;
      std::cout << ')';
    }
    if (a.rowwise()) std::cout << " [row-wise, last axis]";
    std::cout << '\n';
    if (!a.description().empty()) std::cout << "  " << a.description() << '\n';
    std::cout << "  f(x)  = " << a.formula() << '\n';
    std::cout << "  f'(x) = " << a.derivative_formula() << '\n';
    if (!a.gradient_note().empty()) std::cout << "  gradient: " << a.gradient_note() << '\n';
    for (const auto& p : a.parameters()) {
      std::cout << "  param " << p.name() << " = "
                << (p.required() ? std::string("(required)") : Number(p.default_value())) << "  range "
                << p.range();
      if (!p.description().empty()) std::cout << "  " << p.description();
      std::cout << '\n';
    }
    const auto& acc = a.accuracy();
    std::cout << "  accuracy: forward " << (acc.forward_max_ulp() < 0 ? "not measured" : Number(acc.forward_max_ulp()) + " ULP")
              << ", derivative "
              << (acc.derivative_max_ulp() < 0 ? "not measured" : Number(acc.derivative_max_ulp()) + " ULP")
              << " max over every SIMD target";
    if (acc.has_this_server()) {
      std::cout << "; on this server's " << acc.this_server().target() << ": "
                << Number(acc.this_server().forward_max_ulp()) << " / " << Number(acc.this_server().derivative_max_ulp());
    }
    std::cout << '\n';
  }
}

struct ListOptions {
  ConnectionOptions connection;
  std::string format = "text";
  double timeout = 10;
};

int RunList(const ListOptions& o) {
  auto stub = activation::v1::ActivationService::NewStub(MakeChannel(o.connection));
  grpc::ClientContext context;
  SetDeadline(context, o.timeout);
  activation::v1::ListActivationsResponse response;
  const grpc::Status status = stub->ListActivations(&context, {}, &response);
  if (!status.ok()) throw RpcError("ListActivations", status);
  if (o.format == "json") {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(response, &json, options);
    std::cout << json;
  } else {
    PrintCatalogue(response);
  }
  return 0;
}

struct HealthOptions {
  ConnectionOptions connection;
  std::string service;
  double timeout = 5;
};

int RunHealth(const HealthOptions& o) {
  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(o.connection));
  grpc::ClientContext context;
  SetDeadline(context, o.timeout);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(o.service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) throw RpcError("Health.Check", status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << '\n';
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace

Command AddListCommand(CLI::App& parent) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* app = parent.add_subcommand("list", "The catalogue: activations, parameters, ranges, accuracy");
  AddConnectionOptions(*app, &o->connection);
  app->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  app->add_option("--timeout", o->timeout, "Seconds")->capture_default_str();
  return Command{app, [o] { return RunList(*o); }};
}

Command AddHealthCommand(CLI::App& parent) {
  auto o = std::make_shared<HealthOptions>();
  CLI::App* app = parent.add_subcommand(
      "health", "grpc.health.v1 check; prints the status, exit 0 only when SERVING");
  AddConnectionOptions(*app, &o->connection);
  app->add_option("--service", o->service,
                  "Service to check (\"\" = the server, or activation.v1.ActivationService)");
  app->add_option("--timeout", o->timeout, "Seconds")->capture_default_str();
  return Command{app, [o] { return RunHealth(*o); }};
}

}  // namespace activation::client
