#include "client/batch/local_transport.h"

#include "client/batch/chunk_workers.h"

namespace activation::client {
namespace {

class LocalTransport : public Transport {
 public:
  LocalTransport(const Job& job, int threads)
      : evaluator_(job), workers_(threads, [this](Chunk& chunk) { evaluator_.Run(chunk); }) {}

  void Start(Done done, Fail fail) override { workers_.Start(std::move(done), std::move(fail)); }
  void Submit(std::unique_ptr<Chunk> chunk) override { workers_.Submit(std::move(chunk)); }
  void Close() override { workers_.Close(); }

 private:
  LocalEvaluator evaluator_;
  ChunkWorkers workers_;
};

}  // namespace

std::unique_ptr<Transport> MakeLocalTransport(const Job& job, int threads) {
  return std::make_unique<LocalTransport>(job, threads);
}

}  // namespace activation::client
