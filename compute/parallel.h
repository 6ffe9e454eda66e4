// A small fixed pool of worker threads that splits one large array call
// across the machine's cores, so a single big request uses all of them.
// Workers are started once and reused; running a job allocates nothing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace activation {

// A non-owning reference to a callable: unlike std::function it never
// allocates, whatever the lambda captures. The callable must outlive it.
template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F>
  FunctionRef(const F& f)  // NOLINT: implicit, so callers pass a lambda directly
      : object_(&f), call_([](const void* o, Args... args) -> R { return (*static_cast<const F*>(o))(args...); }) {}
  R operator()(Args... args) const { return call_(object_, args...); }

 private:
  const void* object_;
  R (*call_)(const void*, Args...);
};

using PartTask = FunctionRef<void(std::size_t part)>;

class WorkerPool {
 public:
  // `threads` workers including the caller (so 1 = run inline); 0 = cores.
  explicit WorkerPool(std::size_t threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return workers_.size() + 1; }

  // Calls task(i) for i in [0, parts) across the pool and the calling thread
  // and returns when all are done. One job at a time: concurrent callers
  // queue on a mutex (each of them would use every core anyway).
  // No allocation.
  void Run(std::size_t parts, PartTask task);

 private:
  void WorkerLoop();
  void DrainParts();

  std::mutex run_mutex_;  // serializes Run callers
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const PartTask* task_ = nullptr;
  std::size_t parts_ = 0;
  std::size_t next_part_ = 0;
  std::size_t unfinished_ = 0;
  std::size_t generation_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// The pool Compute() uses. Size: ACTIVATION_COMPUTE_THREADS if set, else the
// number of cores; SetComputeThreads before the first large call overrides.
WorkerPool& ComputePool();
void SetComputeThreads(std::size_t threads);

// Work per call, in elements x Activation::cost, from which Compute() splits
// the array (measured: below it, waking the workers and moving the data to
// another core's cache cost more than they save; docs/performance.md). A
// function splits at this many elements divided by its Activation::cost.
// ACTIVATION_PARALLEL_THRESHOLD overrides it.
std::size_t ParallelThreshold();

}  // namespace activation
