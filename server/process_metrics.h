// The standard process_* metrics every Prometheus client library exports
// (CPU seconds, resident and virtual memory, open and max file descriptors,
// start time, threads), read from /proc/self at scrape time.
#pragma once

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace activation::server {

class ProcessMetrics : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace activation::server
