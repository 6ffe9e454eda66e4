// The server's Prometheus metrics: per-call counters and latency by gRPC
// method, activation and status code, plus the standard process_* metrics,
// optionally served over HTTP at /metrics (--metrics-listen).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <cstdint>

#include <grpcpp/support/status_code_enum.h>

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace activation::server {

class ProcessMetrics;

// What the server observed about one finished call. Never holds payload data.
struct CallStats {
  std::string service;     // "activation.v1.ActivationService"
  std::string method;      // "Evaluate"
  std::string activation;  // canonical name, "unknown", or "" when the call names none
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::uint64_t elements = 0;  // input elements over all received messages
  std::uint64_t messages_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t bytes_received = 0;  // serialized protobuf sizes, without HTTP/2 framing
  std::uint64_t bytes_sent = 0;
  double seconds = 0;  // from the call's arrival to its status being sent
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves GET /metrics on `listen` ("host:port"; port 0 picks a free port).
  // Throws std::runtime_error naming the address when it cannot bind.
  void Serve(const std::string& listen);
  // The bound HTTP port, 0 when not serving.
  int port() const;

  void CallStarted(const std::string& service, const std::string& method);
  void CallFinished(const CallStats& call);

  // The exposition text a scrape would return right now.
  std::string Text() const;

 private:
  // The metrics labelled only by method, created once per method so a call
  // costs no allocation for them.
  struct PerMethod {
    prometheus::Gauge* in_flight;
    prometheus::Histogram* duration;
    prometheus::Counter* bytes_received;
    prometheus::Counter* bytes_sent;
    prometheus::Counter* messages_received;
    prometheus::Counter* messages_sent;
  };
  PerMethod& For(const std::string& service, const std::string& method);

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ProcessMetrics> process_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& elements_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& bytes_received_;
  prometheus::Family<prometheus::Counter>& bytes_sent_;
  prometheus::Family<prometheus::Counter>& messages_received_;
  prometheus::Family<prometheus::Counter>& messages_sent_;
  std::mutex per_method_mutex_;
  std::unordered_map<std::string, PerMethod> per_method_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace activation::server
