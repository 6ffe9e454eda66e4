#include "client/batch/progress.h"

#include <cstdio>

namespace activation::client {

Progress::Progress(bool enabled, std::optional<std::uint64_t> total_elements)
    : enabled_(enabled), total_(total_elements), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::Update(std::uint64_t elements_done) {
  done_ = elements_done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  Draw(done_);
}

void Progress::Finish() {
  if (!enabled_) return;
  Draw(done_);
  std::fputc('\n', stderr);
}

void Progress::Draw(std::uint64_t done) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double mb_per_s = seconds > 0 ? done * 4.0 / 1e6 / seconds : 0;
  char line[160];
  int n = std::snprintf(line, sizeof line, "\r%12llu elements  %8.1f MB/s", static_cast<unsigned long long>(done),
                        mb_per_s);
  if (total_ && *total_ > 0 && done > 0) {
    const double eta = seconds * (static_cast<double>(*total_) - done) / done;
    n += std::snprintf(line + n, sizeof line - n, "  %5.1f%%  ETA %6.1f s", 100.0 * done / *total_, eta);
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
}

}  // namespace activation::client
