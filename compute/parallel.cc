#include "compute/parallel.h"

#include <algorithm>
#include <cstdlib>

namespace activation {

WorkerPool::WorkerPool(std::size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

// Takes parts until none is left; the last one to finish signals Run.
void WorkerPool::DrainParts() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (next_part_ < parts_) {
    const std::size_t part = next_part_++;
    const PartTask task = *task_;
    lock.unlock();
    task(part);
    lock.lock();
    if (--unfinished_ == 0) done_.notify_all();
  }
}

void WorkerPool::WorkerLoop() {
  std::size_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    DrainParts();
  }
}

void WorkerPool::Run(std::size_t parts, PartTask task) {
  if (parts == 0) return;
  if (workers_.empty() || parts == 1) {
    for (std::size_t i = 0; i < parts; ++i) task(i);
    return;
  }
  std::lock_guard<std::mutex> serial(run_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    parts_ = parts;
    next_part_ = 0;
    unfinished_ = parts;
    ++generation_;
  }
  wake_.notify_all();
  DrainParts();
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return unfinished_ == 0; });
  task_ = nullptr;
  parts_ = 0;
}

namespace {

std::size_t FromEnvironment(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long parsed = std::strtoull(value, &end, 10);
  return end != value && *end == '\0' ? static_cast<std::size_t>(parsed) : fallback;
}

std::size_t& RequestedThreads() {
  static std::size_t threads = FromEnvironment("ACTIVATION_COMPUTE_THREADS", 0);
  return threads;
}

}  // namespace

void SetComputeThreads(std::size_t threads) { RequestedThreads() = threads; }

WorkerPool& ComputePool() {
  static WorkerPool pool(RequestedThreads());
  return pool;
}

std::size_t ParallelThreshold() {
  static const std::size_t threshold = FromEnvironment("ACTIVATION_PARALLEL_THRESHOLD", 3u << 20);
  return threshold;
}

}  // namespace activation
