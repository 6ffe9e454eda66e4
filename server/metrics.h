// The server's Prometheus metrics: per-call counters and latency by method,
// activation and status code, plus the standard process_* metrics, served
// over HTTP at /metrics (--metrics-listen). Label values come from a fixed
// set (served methods, catalogue names, "unknown"), so the number of series
// is bounded whatever clients send.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <absl/status/status.h>

#include "compute/dtype.h"

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
  std::string_view service;     // "activation.v1.ActivationService", or "unknown"
  std::string_view method;      // "Evaluate", or "unknown"
  std::string_view activation;  // catalogue name, "unknown", or "" when the call names none
  absl::StatusCode code = absl::StatusCode::kOk;
  std::uint64_t elements = 0;  // input elements of the messages served
  std::array<std::uint64_t, kDataTypes> elements_by_dtype{};  // the same, indexed by DataType
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

  void CallStarted(std::string_view service, std::string_view method);
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
  PerMethod& For(std::string_view service, std::string_view method);

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ProcessMetrics> process_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& elements_;
  prometheus::Family<prometheus::Counter>& dtype_elements_;
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
