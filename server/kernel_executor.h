// Optional worker threads for the kernels (--threads N). Without a pool the
// handlers compute inline on gRPC's callback threads, the fastest path; with
// one, long kernels (1M-element transcendental calls) cannot occupy the
// threads that gRPC polls the network with, and compute uses at most N cores.
// Calls are admitted before they are queued, and the queue holds at most
// `capacity` tasks, so it never grows past what admission allowed.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace activation::server {

class KernelExecutor {
 public:
  KernelExecutor(int threads, std::size_t capacity);
  // Runs what is queued, then joins.
  ~KernelExecutor();
  KernelExecutor(const KernelExecutor&) = delete;
  KernelExecutor& operator=(const KernelExecutor&) = delete;

  // False (and `task` dropped) when `capacity` tasks are already waiting.
  bool Submit(std::function<void()> task);

 private:
  void Work();

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Runs `task` on `pool`, or right here when there is none; false when the
// pool's queue is full and `task` will not run.
template <typename Task>
bool RunOn(KernelExecutor* pool, Task&& task) {
  if (pool == nullptr) {
    task();  // no std::function on the inline path: nothing allocated per call
    return true;
  }
  return pool->Submit(std::forward<Task>(task));
}

}  // namespace activation::server
