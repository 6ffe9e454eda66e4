#include "client/batch/local_transport.h"

#include <thread>
#include <vector>

#include "client/batch/work_queue.h"

namespace activation::client {
namespace {

class LocalTransport : public Transport {
 public:
  LocalTransport(const Job& job, int threads) : evaluator_(job), threads_(threads < 1 ? 1 : threads) {}
  ~LocalTransport() override { Close(); }

  void Start(Done done, Fail fail) override {
    for (int i = 0; i < threads_; ++i) {
      workers_.emplace_back([this, done, fail] {
        while (auto chunk = queue_.Pop()) {
          try {
            evaluator_.Run(**chunk);
          } catch (const std::exception& e) {
            fail(e.what());
            continue;
          }
          done(std::move(*chunk));
        }
      });
    }
  }
  void Submit(std::unique_ptr<Chunk> chunk) override { queue_.Push(std::move(chunk)); }
  void Close() override {
    queue_.Close();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
  }

 private:
  LocalEvaluator evaluator_;
  int threads_;
  WorkQueue<std::unique_ptr<Chunk>> queue_;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<Transport> MakeLocalTransport(const Job& job, int threads) {
  return std::make_unique<LocalTransport>(job, threads);
}

}  // namespace activation::client
