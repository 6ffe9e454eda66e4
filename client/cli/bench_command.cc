// `bench`: a closed-loop load generator for any activation.v1 server, in the
// spirit of Triton's perf_analyzer. Each of C workers keeps one call in
// flight over one of N channels; a warm-up runs first, then a window of a
// duration or a request count is measured. A sample of responses is checked
// against the linked compute library (client/batch/verify.h: bit for bit
// when both run the same SIMD target, else within the published bounds).
// --protocol v1,oip measures activation.v1 and the Open Inference Protocol
// (ModelInfer) in the same run.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <grpcpp/client_context.h>
#include <malloc.h>

#include "activation/v1/activation.grpc.pb.h"
#include "inference/grpc_predict_v2.grpc.pb.h"
#include "client/batch/local_evaluator.h"
#include "client/batch/rpc_codec.h"
#include "client/batch/verify.h"
#include "client/cli/ask_server.h"
#include "client/cli/command.h"
#include "client/cli/options.h"
#include "wire/oip_datatype.h"

namespace activation::client {
namespace {

using activation::v1::ActivationService;
using inference::GRPCInferenceService;
using Clock = std::chrono::steady_clock;

struct BenchOptions {
  ConnectionOptions connection;
  ActivationOptions activation;
  std::string method = "evaluate";
  std::vector<std::string> protocols = {"v1"};
  std::vector<std::size_t> sizes = {256};
  std::string encoding = "raw";
  std::string dtype;  // empty: float32
  std::vector<int> concurrency = {1};
  int channels = 1;
  double duration = 5;
  std::uint64_t requests = 0;
  double warmup = 1;
  int verify_every = 100;
  bool json = false;
  VerifyPolicy verify_policy = VerifyPolicy::BitForBit("");  // from the server's answer, per run
};

constexpr int kCodes = 17;

struct WorkerStats {
  std::vector<double> latencies_us;  // OK calls in the measured window
  std::array<std::uint64_t, kCodes> status_counts{};
  std::uint64_t verified = 0, mismatches = 0;
};

struct RunResult {
  std::string protocol;
  std::size_t size = 0;
  DataType dtype = DataType::kFloat32;
  int concurrency = 0;
  double seconds = 0;
  std::uint64_t ok = 0;
  std::array<std::uint64_t, kCodes> status_counts{};
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  std::uint64_t verified = 0, mismatches = 0;
  double req_per_s() const { return seconds > 0 ? ok / seconds : 0; }
  double mb_per_s() const { return req_per_s() * size * ElementBytes(dtype) / 1e6; }
};

// The measured window: by time, or by a shared budget of requests.
class Window {
 public:
  Window(const BenchOptions& o) : options_(o) {
    start_ = Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(o.warmup * 1e6));
    end_ = start_ + std::chrono::microseconds(static_cast<std::int64_t>(o.duration * 1e6));
    budget_ = static_cast<std::int64_t>(o.requests);
  }
  // Before the window: warm-up; false once the window is over.
  bool Measuring(Clock::time_point now) const { return now >= start_; }
  bool Claim(Clock::time_point now) {
    if (now < start_) return true;
    if (options_.requests > 0) return budget_.fetch_sub(1) > 0;
    return now < end_;
  }
  Clock::time_point start() const { return start_; }

 private:
  const BenchOptions& options_;
  Clock::time_point start_, end_;
  std::atomic<std::int64_t> budget_{0};
};

// The same work as an Open Inference Protocol ModelInfer: model = the
// activation, input x (and grad_output), one output (y, or grad_input for
// gradients), parameters as double_param, raw or typed contents (fp32 or
// fp64; the protocol has none for 16-bit floats).
void BuildRequest(const Job& job, const Chunk& chunk, inference::ModelInferRequest* request) {
  request->set_model_name(job.activation);
  for (const auto& [name, value] : job.params) (*request->mutable_parameters())[name].set_double_param(value);
  const std::size_t n = chunk.input.size();
  const std::vector<std::int64_t> shape =
      chunk.row_length > 0 ? std::vector<std::int64_t>{static_cast<std::int64_t>(n / chunk.row_length),
                                                       static_cast<std::int64_t>(chunk.row_length)}
                           : std::vector<std::int64_t>{static_cast<std::int64_t>(n)};
  auto add = [&](const char* name, const Elements& elements) {
    auto* input = request->add_inputs();
    input->set_name(name);
    input->set_datatype(std::string(wire::OipDatatypeName(elements.dtype())));
    input->mutable_shape()->Add(shape.begin(), shape.end());
    if (job.raw_encoding) {
      request->add_raw_input_contents()->assign(elements.bytes(), elements.byte_size());
    } else if (elements.dtype() == DataType::kFloat64) {
      const double* data = elements.as<double>();
      input->mutable_contents()->mutable_fp64_contents()->Add(data, data + elements.size());
    } else {
      const float* data = elements.as<float>();
      input->mutable_contents()->mutable_fp32_contents()->Add(data, data + elements.size());
    }
  };
  add("x", chunk.input);
  if (job.mode == Mode::kVjp) add("grad_output", chunk.grad_output);
  request->add_outputs()->set_name(job.gradient() ? "grad_input" : "y");
}

void TakeResponse(const Job& job, const inference::ModelInferResponse& response, Chunk* chunk) {
  const std::size_t n = chunk->input.size();
  if (response.outputs_size() != 1) throw std::runtime_error("ModelInfer: expected one output");
  const std::string_view datatype = wire::OipDatatypeName(job.dtype);
  if (response.outputs(0).datatype() != datatype) {
    throw std::runtime_error("ModelInfer: output datatype " + response.outputs(0).datatype() + " for " +
                             std::string(datatype) + " inputs");
  }
  chunk->result.set_dtype(job.dtype);
  chunk->result.resize(n);
  if (response.raw_output_contents_size() > 0) {
    const std::string& bytes = response.raw_output_contents(0);
    if (bytes.size() != chunk->result.byte_size()) throw std::runtime_error("ModelInfer: raw output of the wrong size");
    std::memcpy(chunk->result.data(), bytes.data(), bytes.size());
    return;
  }
  const inference::InferTensorContents& contents = response.outputs(0).contents();
  const std::size_t typed = static_cast<std::size_t>(
      job.dtype == DataType::kFloat64 ? contents.fp64_contents_size() : contents.fp32_contents_size());
  if (typed != n || IsNarrow(job.dtype)) throw std::runtime_error("ModelInfer: output of the wrong size");
  if (job.dtype == DataType::kFloat64) {
    std::copy(contents.fp64_contents().begin(), contents.fp64_contents().end(), chunk->result.as<double>());
  } else {
    std::copy(contents.fp32_contents().begin(), contents.fp32_contents().end(), chunk->result.as<float>());
  }
}

bool Agree(const Elements& remote, const Elements& local, const VerifyPolicy& policy) {
  if (remote.size() != local.size() || remote.dtype() != local.dtype()) return false;
  std::uint64_t mismatches = 0;
  double max_abs_diff = 0;
  policy.Compare(remote, local, &mismatches, &max_abs_diff);
  return mismatches == 0;
}

// Checks every verify_every-th response. It runs inside the measured window
// (of the server's runs only: echo is not verified), so it reuses its buffers
// and compares with memcmp first: at 1M floats a check costs about one call's copy.
template <typename Request, typename Response>
struct Sample {
  const Job& job;
  const Chunk& chunk;          // the input
  const Chunk* expected;       // null: no verification
  int verify_every;
  const VerifyPolicy& policy;
  std::uint64_t n = 0;
  Chunk got{};                 // TakeResponse's target, kept across checks

  void Check(const Response& response, WorkerStats* stats) {
    if (expected == nullptr || verify_every <= 0 || n++ % verify_every != 0) return;
    if (got.input.size() != chunk.input.size()) got.input = chunk.input;  // TakeResponse reads its size
    try {
      TakeResponse(job, response, &got);
    } catch (const std::exception&) {
      ++stats->mismatches;
      ++stats->verified;
      return;
    }
    ++stats->verified;
    if (!Agree(got.result, expected->result, policy)) ++stats->mismatches;
  }
};

template <typename Request, typename Response, typename Call>
void UnaryWorker(const Job& job, const Chunk& chunk, const Chunk* expected, const BenchOptions& o,
                 Window& window, Call call, WorkerStats* stats) {
  Request request;
  BuildRequest(job, chunk, &request);
  Response response;
  Sample<Request, Response> sample{job, chunk, expected, o.verify_every, o.verify_policy};
  for (;;) {
    const auto begin = Clock::now();
    if (!window.Claim(begin)) return;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const grpc::Status status = call(&context, request, &response);
    const auto end = Clock::now();
    if (!window.Measuring(begin)) continue;
    ++stats->status_counts[std::min(static_cast<int>(status.error_code()), kCodes - 1)];
    if (!status.ok()) continue;
    stats->latencies_us.push_back(std::chrono::duration<double, std::micro>(end - begin).count());
    sample.Check(response, stats);
  }
}

// One EvaluateStream per worker, one message in flight: the latency of a
// chunk on an open stream.
void StreamWorker(ActivationService::Stub& stub, const Job& job, const Chunk& chunk, const Chunk* expected,
                  const BenchOptions& o, Window& window, WorkerStats* stats) {
  activation::v1::EvaluateRequest request;
  BuildRequest(job, chunk, &request);
  activation::v1::EvaluateResponse response;
  Sample<activation::v1::EvaluateRequest, activation::v1::EvaluateResponse> sample{job, chunk, expected,
                                                                                   o.verify_every, o.verify_policy};
  bool more = true;
  while (more) {
    grpc::ClientContext context;
    auto stream = stub.EvaluateStream(&context);
    for (;;) {
      const auto begin = Clock::now();
      if (!window.Claim(begin)) {
        more = false;
        break;
      }
      if (!stream->Write(request) || !stream->Read(&response)) break;
      const auto end = Clock::now();
      if (!window.Measuring(begin)) continue;
      ++stats->status_counts[0];
      stats->latencies_us.push_back(std::chrono::duration<double, std::micro>(end - begin).count());
      sample.Check(response, stats);
    }
    stream->WritesDone();
    const grpc::Status status = stream->Finish();
    if (!status.ok() && window.Measuring(Clock::now())) {
      ++stats->status_counts[std::min(static_cast<int>(status.error_code()), kCodes - 1)];
    }
    if (!status.ok() && more) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const std::size_t i = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::min(sorted.size() - 1, i == 0 ? 0 : i - 1)];
}

// One stub of each protocol per channel.
struct Stubs {
  std::vector<std::unique_ptr<ActivationService::Stub>> v1;
  std::vector<std::unique_ptr<GRPCInferenceService::Stub>> oip;
};

RunResult RunOne(const BenchOptions& o, const Job& job, const LocalEvaluator* local, Stubs& stubs,
                 const std::string& protocol, std::size_t size, int concurrency) {
  Chunk chunk;
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-8.f, 8.f);  // floats, rounded to the job's dtype
  chunk.input.set_dtype(job.dtype);
  chunk.input.resize(size);
  for (std::size_t i = 0; i < size; ++i) chunk.input.set_value(i, dist(rng));
  if (job.mode == Mode::kVjp) {
    chunk.grad_output.set_dtype(job.dtype);
    chunk.grad_output.resize(size);
    for (std::size_t i = 0; i < size; ++i) chunk.grad_output.set_value(i, 1);
  }
  std::unique_ptr<Chunk> expected;
  if (local != nullptr && o.verify_every > 0) {
    expected = std::make_unique<Chunk>(chunk);
    local->Run(*expected);
  }

  Window window(o);
  std::vector<WorkerStats> stats(concurrency);
  std::vector<std::thread> workers;
  for (int i = 0; i < concurrency; ++i) {
    ActivationService::Stub& stub = *stubs.v1[i % stubs.v1.size()];
    GRPCInferenceService::Stub& oip = *stubs.oip[i % stubs.oip.size()];
    WorkerStats* s = &stats[i];
    workers.emplace_back([&, s] {
      if (protocol == "oip") {
        UnaryWorker<inference::ModelInferRequest, inference::ModelInferResponse>(
            job, chunk, expected.get(), o, window,
            [&](grpc::ClientContext* c, const auto& q, auto* r) { return oip.ModelInfer(c, q, r); }, s);
      } else if (o.method == "stream") {
        StreamWorker(stub, job, chunk, expected.get(), o, window, s);
      } else if (o.method == "gradient") {
        UnaryWorker<activation::v1::GradientRequest, activation::v1::GradientResponse>(
            job, chunk, expected.get(), o, window,
            [&](grpc::ClientContext* c, const auto& q, auto* r) { return stub.Gradient(c, q, r); }, s);
      } else {
        UnaryWorker<activation::v1::EvaluateRequest, activation::v1::EvaluateResponse>(
            job, chunk, expected.get(), o, window,
            [&](grpc::ClientContext* c, const auto& q, auto* r) { return stub.Evaluate(c, q, r); }, s);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  const auto end = Clock::now();

  RunResult r;
  r.protocol = protocol;
  r.size = size;
  r.dtype = job.dtype;
  r.concurrency = concurrency;
  r.seconds = std::chrono::duration<double>(end - window.start()).count();
  std::vector<double> all;
  for (const WorkerStats& s : stats) {
    all.insert(all.end(), s.latencies_us.begin(), s.latencies_us.end());
    for (int c = 0; c < kCodes; ++c) r.status_counts[c] += s.status_counts[c];
    r.verified += s.verified;
    r.mismatches += s.mismatches;
  }
  r.ok = r.status_counts[0];
  std::sort(all.begin(), all.end());
  r.p50 = Percentile(all, 50);
  r.p90 = Percentile(all, 90);
  r.p99 = Percentile(all, 99);
  r.max = all.empty() ? 0 : all.back();
  return r;
}

std::string ErrorsText(const RunResult& r, bool json) {
  std::string out;
  for (int c = 1; c < kCodes; ++c) {
    if (r.status_counts[c] == 0) continue;
    const char* name = StatusCodeName(static_cast<grpc::StatusCode>(c));
    if (json) {
      out += std::string(out.empty() ? "" : ", ") + "\"" + name + "\": " + std::to_string(r.status_counts[c]);
    } else {
      out += std::string(out.empty() ? "" : ",") + name + "=" + std::to_string(r.status_counts[c]);
    }
  }
  return json ? "{" + out + "}" : (out.empty() ? "-" : out);
}

void PrintText(const BenchOptions& o, const RunResult& r, bool header) {
  if (header) {
    std::printf("%-5s %-9s %9s %8s %5s %7s %10s %9s %9s %9s %9s %9s %8s  %s\n", "proto", "method", "floats", "dtype",
                "conc", "enc", "req/s", "MB/s", "p50_ms", "p90_ms", "p99_ms", "max_ms", "verified", "errors");
  }
  std::printf("%-5s %-9s %9zu %8s %5d %7s %10.1f %9.1f %9.3f %9.3f %9.3f %9.3f %8s  %s\n", r.protocol.c_str(),
              o.method.c_str(), r.size, std::string(DataTypeName(r.dtype)).c_str(),
              r.concurrency, o.encoding.c_str(), r.req_per_s(), r.mb_per_s(), r.p50 / 1e3, r.p90 / 1e3,
              r.p99 / 1e3, r.max / 1e3,
              r.verified == 0 ? "-" : (std::to_string(r.verified - r.mismatches) + "/" + std::to_string(r.verified)).c_str(),
              ErrorsText(r, false).c_str());
  std::fflush(stdout);
}

std::string JsonResult(const BenchOptions& o, const RunResult& r) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "{\"protocol\": \"%s\", \"method\": \"%s\", \"activation\": \"%s\", \"floats\": %zu, \"dtype\": \"%s\", "
                "\"encoding\": \"%s\", "
                "\"concurrency\": %d, \"channels\": %d, \"seconds\": %.3f, \"ok\": %llu, \"req_per_s\": %.2f, "
                "\"payload_mb_per_s\": %.2f, \"latency_ms\": {\"p50\": %.4f, \"p90\": %.4f, \"p99\": %.4f, "
                "\"max\": %.4f}, \"verified\": %llu, \"verify\": \"%s\", \"mismatches\": %llu, \"errors\": ",
                r.protocol.c_str(), o.method.c_str(), o.activation.activation.c_str(), r.size,
                std::string(DataTypeName(r.dtype)).c_str(), o.encoding.c_str(), r.concurrency,
                o.channels, r.seconds, static_cast<unsigned long long>(r.ok), r.req_per_s(), r.mb_per_s(),
                r.p50 / 1e3, r.p90 / 1e3, r.p99 / 1e3, r.max / 1e3, static_cast<unsigned long long>(r.verified),
                r.verified == 0 ? "" : o.verify_policy.description().c_str(), static_cast<unsigned long long>(r.mismatches));
  return buf + ErrorsText(r, true) + "}";
}

// The load generator must not be what is measured: with glibc's defaults a
// 1M-float call maps and unmaps its multi-MB buffers (the request's
// serialization, the response's growing values array) and page-faults them
// in again, 100-300 faults and ~10% of the client's CPU per call (perf stat).
// The server does the same (server/memory.cc).
void KeepLargeBuffersInHeap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

int RunBench(BenchOptions o) {
  KeepLargeBuffersInHeap();
  Job job;
  job.activation = o.activation.activation;
  job.params = ParseParams(o.activation.params);
  job.mode = o.method == "gradient" ? Mode::kDerivative : Mode::kForward;
  job.raw_encoding = o.encoding == "raw";
  job.dtype = ParseDtype(o.dtype).value_or(DataType::kFloat32);
  const bool oip = std::find(o.protocols.begin(), o.protocols.end(), "oip") != o.protocols.end();
  if (oip && o.method == "stream") {
    throw UsageError("--method stream: the Open Inference Protocol has no stream; use evaluate or gradient");
  }
  if (oip && IsNarrow(job.dtype) && !job.raw_encoding) {
    throw UsageError("--dtype " + o.dtype + " --encoding values: the Open Inference Protocol carries 16-bit "
                     "floats only as raw bytes; use --encoding raw");
  }
  std::unique_ptr<LocalEvaluator> local;
  if (o.verify_every > 0) {
    try {
      local = std::make_unique<LocalEvaluator>(job);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string(e.what()) + " (or run with --verify-every 0)");
    }
    o.verify_policy = ChooseVerifyPolicy(AskServer(o.connection, job, 30), LocalTarget(), LocalEntry(job), job);
    if (!o.json) std::fprintf(stderr, "verify: every %d-th answer, %s\n", o.verify_every, o.verify_policy.description().c_str());
  }
  Stubs stubs;
  for (int i = 0; i < o.channels; ++i) {
    const std::shared_ptr<grpc::Channel> channel = MakeChannel(o.connection, i);
    stubs.v1.push_back(ActivationService::NewStub(channel));
    stubs.oip.push_back(GRPCInferenceService::NewStub(channel));
  }

  bool first = true;
  std::uint64_t failures = 0, mismatches = 0;
  if (o.json) std::printf("[");
  for (std::size_t size : o.sizes) {
    for (int concurrency : o.concurrency) {
      // Protocols alternate at each size and concurrency, so a change in
      // the machine's load touches both alike.
      for (const std::string& protocol : o.protocols) {
        const RunResult r = RunOne(o, job, local.get(), stubs, protocol, size, concurrency);
        mismatches += r.mismatches;
        for (int c = 1; c < kCodes; ++c) failures += r.status_counts[c];
        if (o.json) {
          std::printf("%s\n  %s", first ? "" : ",", JsonResult(o, r).c_str());
          std::fflush(stdout);
        } else {
          PrintText(o, r, first);
        }
        first = false;
      }
    }
  }
  if (o.json) std::printf("\n]\n");
  return failures != 0 ? 1 : mismatches != 0 ? 3 : 0;
}

}  // namespace

Command AddBenchCommand(CLI::App& parent) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* app = parent.add_subcommand(
      "bench", "Load generator: req/s, MB/s, latency percentiles and status counts per size and concurrency");
  AddActivationOptions(*app, &o->activation, false);
  o->activation.activation = "sigmoid";
  AddConnectionOptions(*app, &o->connection);
  app->add_option("--method", o->method, "evaluate, gradient (unary) or stream (EvaluateStream, one in flight)")
      ->check(CLI::IsMember({"evaluate", "gradient", "stream"}))
      ->capture_default_str();
  app->add_option("--protocol", o->protocols,
                  "v1 (activation.v1 Evaluate/Gradient/EvaluateStream), oip (Open Inference Protocol ModelInfer), "
                  "or both (v1,oip): measured in turn at each size and concurrency")
      ->delimiter(',')
      ->check(CLI::IsMember({"v1", "oip"}))
      ->capture_default_str();
  app->add_option("--sizes", o->sizes, "Floats per request (comma separated)")
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 28));
  app->add_option("--encoding", o->encoding, "Tensor encoding")
      ->check(CLI::IsMember({"raw", "values"}))
      ->capture_default_str();
  AddDtypeOption(*app, &o->dtype, "Element type of the requests and answers (default: float32)");
  app->add_option("-c,--concurrency", o->concurrency, "Calls in flight; a list sweeps (e.g. 1,8,32)")
      ->delimiter(',')
      ->check(CLI::Range(1, 4096));
  app->add_option("--channels", o->channels, "gRPC channels (connections) shared by the workers")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app->add_option("--duration", o->duration, "Seconds measured per run")->check(CLI::PositiveNumber)->capture_default_str();
  app->add_option("--requests", o->requests, "Measure this many requests instead of a duration");
  app->add_option("--warmup", o->warmup, "Seconds of warm-up before each run")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--verify-every", o->verify_every,
                  "Check every Nth response against the compute library (0: off, e.g. for an echo server)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_flag("--json", o->json, "JSON output");
  return Command{app, [o] { return RunBench(*o); }};
}

}  // namespace activation::client
