// A pool of threads that process chunks independently of each other: the
// body of the --local and the unary-RPC transports.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "client/batch/transport.h"
#include "client/batch/work_queue.h"

namespace activation::client {

class ChunkWorkers {
 public:
  // `process` fills a chunk's results, or throws to fail the run.
  ChunkWorkers(int threads, std::function<void(Chunk&)> process)
      : threads_(threads < 1 ? 1 : threads), process_(std::move(process)) {}
  ~ChunkWorkers() { Close(); }

  void Start(Transport::Done done, Transport::Fail fail) {
    for (int i = 0; i < threads_; ++i) {
      workers_.emplace_back([this, done, fail] {
        while (auto chunk = queue_.Pop()) {
          if (failed_) continue;  // drain without work after a failure
          try {
            process_(**chunk);
          } catch (const std::exception& e) {
            failed_ = true;
            fail(e.what());
            continue;
          }
          done(std::move(*chunk));
        }
      });
    }
  }
  void Submit(std::unique_ptr<Chunk> chunk) { queue_.Push(std::move(chunk)); }
  void Close() {
    queue_.Close();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
  }

 private:
  int threads_;
  std::function<void(Chunk&)> process_;
  WorkQueue<std::unique_ptr<Chunk>> queue_;
  std::vector<std::thread> workers_;
  std::atomic<bool> failed_{false};
};

}  // namespace activation::client
