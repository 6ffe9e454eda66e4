#include "server/metrics.h"

#include <stdexcept>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "server/process_metrics.h"

namespace activation::server {
namespace {

// 50 us (a tiny unary call on loopback) to 10 s (a large stream).
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};

template <typename Builder>
auto& Register(Builder builder, const char* name, const char* help, prometheus::Registry& registry) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      process_(std::make_shared<ProcessMetrics>()),
      requests_(Register(prometheus::BuildCounter(), "activation_server_requests_total",
                         "Finished calls by method, activation and status code.", *registry_)),
      elements_(Register(prometheus::BuildCounter(), "activation_server_elements_total",
                         "Input elements of the messages served, by method and activation.", *registry_)),
      dtype_elements_(Register(prometheus::BuildCounter(), "activation_server_dtype_elements_total",
                               "Input elements of the messages served, by element type.", *registry_)),
      in_flight_(Register(prometheus::BuildGauge(), "activation_server_in_flight_requests",
                          "Calls started and not yet finished, by gRPC method.", *registry_)),
      duration_(Register(prometheus::BuildHistogram(), "activation_server_request_duration_seconds",
                         "Time from a call's arrival to its status, by gRPC method.", *registry_)),
      bytes_received_(Register(prometheus::BuildCounter(), "activation_server_received_bytes_total",
                               "Serialized request message bytes, by gRPC method.", *registry_)),
      bytes_sent_(Register(prometheus::BuildCounter(), "activation_server_sent_bytes_total",
                           "Serialized response message bytes, by gRPC method.", *registry_)),
      messages_received_(Register(prometheus::BuildCounter(), "activation_server_received_messages_total",
                                  "Request messages (stream chunks), by gRPC method.", *registry_)),
      messages_sent_(Register(prometheus::BuildCounter(), "activation_server_sent_messages_total",
                              "Response messages (stream chunks), by gRPC method.", *registry_)) {}

Metrics::~Metrics() = default;

void Metrics::Serve(const std::string& listen) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on " + listen + ": " + e.what());
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(process_);
}

int Metrics::port() const {
  if (!exposer_) return 0;
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

Metrics::PerMethod& Metrics::For(std::string_view service, std::string_view method) {
  const std::string key = std::string(service) + '/' + std::string(method);
  std::lock_guard<std::mutex> lock(per_method_mutex_);
  auto found = per_method_.find(key);
  if (found != per_method_.end()) return found->second;
  const prometheus::Labels labels = {{"grpc_service", std::string(service)}, {"grpc_method", std::string(method)}};
  PerMethod metrics{&in_flight_.Add(labels),         &duration_.Add(labels, kDurationBuckets),
                    &bytes_received_.Add(labels),    &bytes_sent_.Add(labels),
                    &messages_received_.Add(labels), &messages_sent_.Add(labels)};
  return per_method_.emplace(key, metrics).first->second;
}

void Metrics::CallStarted(std::string_view service, std::string_view method) {
  For(service, method).in_flight->Increment();
}

void Metrics::CallFinished(const CallStats& call) {
  PerMethod& m = For(call.service, call.method);
  m.in_flight->Decrement();
  m.duration->Observe(call.seconds);
  m.bytes_received->Increment(static_cast<double>(call.bytes_received));
  m.bytes_sent->Increment(static_cast<double>(call.bytes_sent));
  m.messages_received->Increment(static_cast<double>(call.messages_received));
  m.messages_sent->Increment(static_cast<double>(call.messages_sent));
  requests_
      .Add({{"grpc_service", std::string(call.service)},
            {"grpc_method", std::string(call.method)},
            {"activation", std::string(call.activation)},
            {"grpc_code", absl::StatusCodeToString(call.code)}})
      .Increment();
  if (call.elements > 0) {
    elements_.Add({{"grpc_method", std::string(call.method)}, {"activation", std::string(call.activation)}})
        .Increment(static_cast<double>(call.elements));
  }
  for (std::size_t i = 0; i < kDataTypes; ++i) {
    if (call.elements_by_dtype[i] == 0) continue;
    dtype_elements_.Add({{"dtype", std::string(DataTypeName(static_cast<DataType>(i)))}})
        .Increment(static_cast<double>(call.elements_by_dtype[i]));
  }
}

std::string Metrics::Text() const {
  auto families = registry_->Collect();
  for (auto& family : process_->Collect()) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace activation::server
