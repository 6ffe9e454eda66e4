// A one-line progress display on stderr (elements, MB/s, ETA), redrawn at
// most ten times a second; silent when disabled.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace activation::client {

class Progress {
 public:
  Progress(bool enabled, std::optional<std::uint64_t> total_elements);
  void Update(std::uint64_t elements_done);
  void Finish();

 private:
  void Draw(std::uint64_t done);

  bool enabled_;
  std::optional<std::uint64_t> total_;
  std::chrono::steady_clock::time_point start_, last_;
  std::uint64_t done_ = 0;
};

}  // namespace activation::client
