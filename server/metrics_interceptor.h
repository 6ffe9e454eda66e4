// A gRPC server interceptor that watches every call from arrival to status,
// including calls gRPC itself rejects before a handler runs, and reports its
// CallStats (method, activation, elements, bytes, status, duration) to the
// metrics. It reads only message sizes and the activation name.
#pragma once

#include <memory>

#include <grpcpp/support/server_interceptor.h>

namespace activation::server {

class Metrics;

// `metrics` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory(
    Metrics* metrics);

}  // namespace activation::server
