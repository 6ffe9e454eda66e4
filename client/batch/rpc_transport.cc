#include "client/batch/rpc_transport.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <grpcpp/client_context.h>

#include "activation/v1/activation.grpc.pb.h"
#include "client/batch/rpc_codec.h"
#include "client/batch/chunk_workers.h"
#include "client/channel.h"

namespace activation::client {
namespace {

using activation::v1::ActivationService;

// Before the attempt-th resend (from 0): doubling from 50 ms, so a budget of
// five resends waits out about 1.5 s of a server going away.
std::chrono::milliseconds ResendDelay(int attempt) { return std::chrono::milliseconds(50 << attempt); }

// The per-RPC-kind calls, so one transport serves Evaluate and Gradient.
struct EvaluateCalls {
  using Request = activation::v1::EvaluateRequest;
  using Response = activation::v1::EvaluateResponse;
  static constexpr const char* kUnary = "Evaluate";
  static constexpr const char* kStream = "EvaluateStream";
  static grpc::Status Call(ActivationService::Stub& stub, grpc::ClientContext* c, const Request& q, Response* r) {
    return stub.Evaluate(c, q, r);
  }
  static auto Open(ActivationService::Stub& stub, grpc::ClientContext* c) { return stub.EvaluateStream(c); }
};

struct GradientCalls {
  using Request = activation::v1::GradientRequest;
  using Response = activation::v1::GradientResponse;
  static constexpr const char* kUnary = "Gradient";
  static constexpr const char* kStream = "GradientStream";
  static grpc::Status Call(ActivationService::Stub& stub, grpc::ClientContext* c, const Request& q, Response* r) {
    return stub.Gradient(c, q, r);
  }
  static auto Open(ActivationService::Stub& stub, grpc::ClientContext* c) { return stub.GradientStream(c); }
};

template <typename Calls>
class UnaryTransport : public Transport {
 public:
  UnaryTransport(std::shared_ptr<grpc::Channel> channel, const Job& job, const RpcTransportOptions& options)
      : stub_(ActivationService::NewStub(channel)),
        job_(job),
        options_(options),
        workers_(options.unary_threads, [this](Chunk& chunk) { Call(chunk); }) {}

  void Start(Done done, Fail fail) override { workers_.Start(std::move(done), std::move(fail)); }
  void Submit(std::unique_ptr<Chunk> chunk) override { workers_.Submit(std::move(chunk)); }
  void Close() override { workers_.Close(); }

 private:
  void Call(Chunk& chunk) {
    typename Calls::Request request;
    typename Calls::Response response;
    BuildRequest(job_, chunk, &request);
    for (int attempt = 0;; ++attempt) {
      grpc::ClientContext context;
      SetDeadline(context, options_.timeout_seconds);
      response.Clear();
      const grpc::Status status = Calls::Call(*stub_, &context, request, &response);
      if (status.ok()) break;
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE || attempt >= options_.max_resends) {
        throw std::runtime_error(std::string(Calls::kUnary) +
                                 (chunk.seq ? " (chunk " + std::to_string(chunk.seq) + ")" : std::string()) + ": " +
                                 DescribeStatus(status));
      }
      std::this_thread::sleep_for(ResendDelay(attempt));
    }
    TakeResponse(job_, response, &chunk);
  }

  std::unique_ptr<ActivationService::Stub> stub_;
  Job job_;
  RpcTransportOptions options_;
  ChunkWorkers workers_;
};

// One stream at a time, reopened on UNAVAILABLE. The lane thread writes;
// a reader thread per stream matches responses to the chunks in `unacked_`
// (the server answers in order).
template <typename Calls>
class Lane {
 public:
  Lane(ActivationService::Stub& stub, const Job& job, const RpcTransportOptions& options,
       Transport::Done done, Transport::Fail fail, std::atomic<bool>& failed)
      : stub_(stub), job_(job), options_(options), done_(std::move(done)), fail_(std::move(fail)),
        failed_(failed) {}

  void Submit(std::unique_ptr<Chunk> chunk) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(chunk));
    }
    changed_.notify_all();
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }

  void Run() {
    for (int attempt = 0;; ++attempt) {
      grpc::Status status = RunOneStream();
      if (failed_) return;
      if (status.ok()) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_ && queue_.empty() && unacked_.empty()) return;
        attempt = -1;  // the stream ended cleanly with work left: just reopen
        continue;
      }
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE || attempt >= options_.max_resends) {
        failed_ = true;
        fail_(std::string(Calls::kStream) + ": " + DescribeStatus(status));
        return;
      }
      std::this_thread::sleep_for(ResendDelay(attempt));
    }
  }

 private:
  grpc::Status RunOneStream() {
    grpc::ClientContext context;  // no deadline: a batch stream lasts as long as the input
    auto stream = Calls::Open(stub_, &context);
    std::string reader_error;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      broken_ = false;
      sent_ = 0;  // everything unanswered is sent again on this stream
    }
    std::thread reader([&] { ReadResponses(*stream, &reader_error); });
    typename Calls::Request request;
    for (int fresh = 0; options_.rebalance_every == 0 || fresh < options_.rebalance_every;) {
      Chunk* next = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] {
          return broken_ || failed_ || sent_ < unacked_.size() || !queue_.empty() || closed_;
        });
        if (broken_ || failed_) break;
        if (sent_ == unacked_.size()) {
          if (queue_.empty()) break;  // closed and all sent
          unacked_.push_back(std::move(queue_.front()));
          queue_.pop_front();
          ++fresh;
        }
        next = unacked_[sent_++].get();
      }
      request.Clear();
      BuildRequest(job_, *next, &request);
      if (!stream->Write(request)) break;
    }
    if (failed_) context.TryCancel();  // another lane failed: stop waiting for answers
    stream->WritesDone();
    reader.join();
    grpc::Status status = stream->Finish();
    if (status.ok() && !reader_error.empty()) {
      return grpc::Status(grpc::StatusCode::INTERNAL, reader_error);
    }
    return status;
  }

  void ReadResponses(grpc::ClientReaderWriter<typename Calls::Request, typename Calls::Response>& stream,
                     std::string* error) {
    typename Calls::Response response;
    while (stream.Read(&response)) {
      std::unique_ptr<Chunk> chunk;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (unacked_.empty() || sent_ == 0) {
          *error = "server sent a response to no request";
          break;
        }
        chunk = std::move(unacked_.front());
        unacked_.pop_front();
        --sent_;
      }
      try {
        TakeResponse(job_, response, chunk.get());
      } catch (const std::exception& e) {
        *error = e.what();
        break;
      }
      done_(std::move(chunk));
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      broken_ = true;
    }
    changed_.notify_all();
  }

  ActivationService::Stub& stub_;
  const Job& job_;
  const RpcTransportOptions& options_;
  Transport::Done done_;
  Transport::Fail fail_;
  std::atomic<bool>& failed_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Chunk>> queue_;    // not yet sent
  std::deque<std::unique_ptr<Chunk>> unacked_;  // sent (the first sent_ on this stream), unanswered
  std::size_t sent_ = 0;
  bool broken_ = false;
  bool closed_ = false;
};

template <typename Calls>
class StreamTransport : public Transport {
 public:
  StreamTransport(std::shared_ptr<grpc::Channel> channel, const Job& job, const RpcTransportOptions& options)
      : stub_(ActivationService::NewStub(channel)), job_(job), options_(options) {}
  ~StreamTransport() override { Close(); }

  void Start(Done done, Fail fail) override {
    for (int i = 0; i < std::max(1, options_.streams); ++i) {
      lanes_.push_back(std::make_unique<Lane<Calls>>(*stub_, job_, options_, done, fail, failed_));
    }
    for (auto& lane : lanes_) threads_.emplace_back([&lane] { lane->Run(); });
  }
  void Submit(std::unique_ptr<Chunk> chunk) override {
    lanes_[next_++ % lanes_.size()]->Submit(std::move(chunk));
  }
  void Close() override {
    for (auto& lane : lanes_) lane->Close();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::unique_ptr<ActivationService::Stub> stub_;
  Job job_;
  RpcTransportOptions options_;
  std::vector<std::unique_ptr<Lane<Calls>>> lanes_;
  std::vector<std::thread> threads_;
  std::size_t next_ = 0;
  std::atomic<bool> failed_{false};
};

template <typename Calls>
std::unique_ptr<Transport> Make(std::shared_ptr<grpc::Channel> channel, const Job& job,
                                const RpcTransportOptions& options) {
  if (options.streaming) return std::make_unique<StreamTransport<Calls>>(channel, job, options);
  return std::make_unique<UnaryTransport<Calls>>(channel, job, options);
}

}  // namespace

std::unique_ptr<Transport> MakeRpcTransport(std::shared_ptr<grpc::Channel> channel, const Job& job,
                                            const RpcTransportOptions& options) {
  if (job.gradient()) return Make<GradientCalls>(std::move(channel), job, options);
  return Make<EvaluateCalls>(std::move(channel), job, options);
}

}  // namespace activation::client
