// `eval` and `grad`: numbers from the command line or a file of any size,
// results to stdout or a file, through the service or the linked library.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/batch/batch.h"
#include "client/batch/local_transport.h"
#include "client/batch/rpc_transport.h"
#include "client/batch/verify.h"
#include "client/cli/ask_server.h"
#include "client/cli/command.h"
#include "client/cli/options.h"
#include "client/formats/number.h"
#include "client/formats/open.h"
#include "activation/v1/activation.grpc.pb.h"
#include "client/channel.h"

namespace activation::client {
namespace {

struct ComputeOptions {
  bool gradient = false;
  ConnectionOptions connection;
  ActivationOptions activation;
  std::vector<std::string> numbers;
  std::string input, output = "-", grad_output;
  std::string input_format, output_format, grad_output_format;
  bool include_output = false;
  std::size_t chunk = 1 << 18;
  std::size_t inflight = 8;
  int streams = 0;
  std::string rpc = "auto";
  std::string encoding = "raw";
  std::string dtype;  // empty: float32, or what a .npy input holds
  std::size_t row_length = 0;
  bool local = false, verify = false, quiet = false;
  int threads = 2;
  double timeout = 0;
};

// Numbers given as arguments.
class VectorReader : public ArrayReader {
 public:
  explicit VectorReader(Elements values) : values_(std::move(values)) {}
  DataType dtype() const override { return values_.dtype(); }
  std::size_t Read(void* out, std::size_t max) override {
    const std::size_t n = std::min(max, values_.size() - pos_);
    const std::size_t size = values_.element_bytes();
    std::memcpy(out, values_.bytes() + pos_ * size, n * size);
    pos_ += n;
    return n;
  }
  std::optional<std::uint64_t> count() const override { return values_.size(); }

 private:
  Elements values_;
  std::size_t pos_ = 0;
};

Elements ParseArguments(const std::vector<std::string>& numbers, DataType dtype) {
  Elements values(dtype);
  values.resize(numbers.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (!ParseElement(numbers[i], dtype, values.bytes() + i * values.element_bytes())) {
      throw UsageError("argument " + std::to_string(i + 1) + ": '" + numbers[i] + "' is not a " +
                       std::string(DataTypeName(dtype)) + " number");
    }
  }
  return values;
}

Format ChooseFormat(const std::string& flag, const std::string& path, Format for_stdio) {
  if (!flag.empty()) {
    if (auto f = ParseFormat(flag)) return *f;
    throw UsageError("unknown format '" + flag + "'; use text, csv, npy, raw or json");
  }
  return path == "-" || path.empty() ? for_stdio : FormatFromPath(path);
}

Job MakeJob(const ComputeOptions& o) {
  Job job;
  job.activation = o.activation.activation;
  job.params = ParseParams(o.activation.params);
  job.mode = !o.gradient ? Mode::kForward : o.grad_output.empty() ? Mode::kDerivative : Mode::kVjp;
  job.include_output = o.include_output;
  job.raw_encoding = o.encoding == "raw";
  job.dtype = ParseDtype(o.dtype).value_or(DataType::kFloat32);  // a .npy input may say otherwise
  return job;
}

std::unique_ptr<Transport> MakeTransport(const ComputeOptions& o, const Job& job) {
  if (o.local) return MakeLocalTransport(job, o.threads);
  RpcTransportOptions rpc;
  rpc.streaming = o.rpc == "stream" || (o.rpc == "auto" && o.numbers.empty());
  // Two streams let a server work on two chunks at once (it answers each
  // stream in order); measured ~1.5x over one on 2 cores.
  rpc.streams = o.streams > 0 ? o.streams : o.connection.lb == "round_robin" ? 4 : 2;
  rpc.rebalance_every = o.connection.lb == "round_robin" ? 16 : 0;
  rpc.unary_threads = static_cast<int>(o.inflight);
  rpc.timeout_seconds = o.timeout;
  return MakeRpcTransport(MakeChannel(o.connection), job, rpc);
}

int Run(const ComputeOptions& o) {
  Job job = MakeJob(o);
  if (!o.numbers.empty() && !o.input.empty()) throw UsageError("give numbers as arguments or --input, not both");
  if (o.numbers.empty() && o.input.empty()) throw UsageError("no input: give numbers as arguments or --input FILE|-");
  if (o.local && o.verify) throw UsageError("--local and --verify exclude each other");

  // Names and parameters first: the linked library's word (--local,
  // --verify), and the server's; whether chunks must hold whole rows too.
  auto make_local = [](const Job& for_job) {
    try {
      return std::make_unique<LocalEvaluator>(for_job);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  };
  std::unique_ptr<LocalEvaluator> local;
  if (o.local || o.verify) local = make_local(job);
  const ServerEntry server = o.local ? ServerEntry{} : AskServer(o.connection, job, o.timeout);
  const bool rowwise = o.local ? local->rowwise() : server.rowwise;

  // Then the input, which decides the dtype: --dtype, else what a .npy
  // holds, else float32.
  const Format in_format = ChooseFormat(o.input_format, o.input, Format::kText);
  const Format out_format = ChooseFormat(o.output_format, o.output, Format::kText);
  std::unique_ptr<ByteSource> in_source;
  std::unique_ptr<ArrayReader> reader;
  auto csv_layout = in_format == Format::kCsv && out_format == Format::kCsv ? std::make_shared<CsvLayout>() : nullptr;
  if (!o.numbers.empty()) {
    reader = std::make_unique<VectorReader>(ParseArguments(o.numbers, job.dtype));
  } else {
    in_source = std::make_unique<FileSource>(o.input);
    reader = OpenReader(in_format, *in_source, csv_layout, ParseDtype(o.dtype));
  }
  if (reader->dtype() != job.dtype) {
    job.dtype = reader->dtype();
    if (local) local = make_local(job);  // e.g. float64 kernels the function may lack
  }
  std::unique_ptr<ByteSource> grad_source;
  std::unique_ptr<ArrayReader> grad_reader;
  if (job.mode == Mode::kVjp) {
    grad_source = std::make_unique<FileSource>(o.grad_output);
    grad_reader = OpenReader(ChooseFormat(o.grad_output_format, o.grad_output, Format::kText), *grad_source,
                             nullptr, job.dtype);
  }

  std::optional<VerifyPolicy> policy;
  if (o.verify) policy = ChooseVerifyPolicy(server, LocalTarget(), LocalEntry(job), job);

  std::unique_ptr<Transport> transport = MakeTransport(o, job);

  AtomicFileSink sink(o.output);
  OutputLayout layout;
  layout.shape = reader->shape();
  layout.count = reader->count();
  layout.width = job.gradient() && job.include_output ? 2 : 1;
  layout.dtype = job.dtype;
  const std::string field = layout.width == 2 ? "values" : job.gradient() ? "grad_input" : "output";
  std::unique_ptr<ArrayWriter> writer = OpenWriter(out_format, sink, layout, csv_layout, field);

  BatchOptions batch;
  batch.chunk = o.chunk;
  batch.inflight = o.inflight;
  batch.rowwise = rowwise;
  batch.row_length = o.row_length;
  batch.progress = !o.quiet && isatty(STDERR_FILENO) && !o.input.empty();
  batch.verifier = o.verify ? local.get() : nullptr;
  if (policy) batch.verify_policy = *policy;
  const BatchResult result = RunBatch(job, *reader, grad_reader.get(), *transport, *writer, batch);
  writer->Finish();
  sink.Commit();
  if (o.verify) {
    std::fprintf(stderr, "verify, %s: %llu elements, %llu differ from the local library, max |difference| %.9g\n",
                 policy->description().c_str(), static_cast<unsigned long long>(result.elements),
                 static_cast<unsigned long long>(result.mismatches), result.max_abs_diff);
    if (result.mismatches != 0) return 3;
  }
  return 0;
}

Command AddComputeCommand(CLI::App& parent, bool gradient) {
  auto o = std::make_shared<ComputeOptions>();
  o->gradient = gradient;
  CLI::App* app = gradient
      ? parent.add_subcommand("grad", "Gradient: f'(x), or the VJP grad_output * f'(x) with --grad-output")
      : parent.add_subcommand("eval", "Evaluate y = f(x)");
  AddActivationOptions(*app, &o->activation, true);
  AddConnectionOptions(*app, &o->connection);
  app->add_option("numbers", o->numbers, "Input numbers (or use --input)");
  app->add_option("-i,--input", o->input, "Input file, '-' for stdin (text, .csv, .npy, .f32/.bin)");
  app->add_option("-o,--output", o->output, "Output file, '-' for stdout; written whole or not at all")
      ->capture_default_str();
  app->add_option("--input-format", o->input_format, "text|csv|npy|raw (default: from the extension)");
  app->add_option("--output-format,--format", o->output_format,
                  "text|csv|npy|raw|json (default: from the extension; text on stdout)");
  if (gradient) {
    app->add_option("--grad-output", o->grad_output, "Upstream gradient file: computes the VJP");
    app->add_option("--grad-output-format", o->grad_output_format, "Format of --grad-output");
    app->add_flag("--include-output", o->include_output,
                  "Also write f(x): each element gives the pair (f(x), gradient)");
  }
  app->add_option("--chunk", o->chunk, "Elements per streamed chunk")->check(CLI::PositiveNumber)->capture_default_str();
  app->add_option("--inflight", o->inflight, "Chunks in flight")->check(CLI::Range(1, 1024))->capture_default_str();
  app->add_option("--streams", o->streams, "Parallel streams (default 2; 4 with --lb round_robin)")
      ->check(CLI::Range(0, 256));
  app->add_option("--rpc", o->rpc, "auto (unary for arguments, streams for files), unary or stream")
      ->check(CLI::IsMember({"auto", "unary", "stream"}))
      ->capture_default_str();
  app->add_option("--encoding", o->encoding, "Tensor encoding on the wire")
      ->check(CLI::IsMember({"raw", "values"}))
      ->capture_default_str();
  AddDtypeOption(*app, &o->dtype,
                 "Element type of input, wire and output: numbers are read in it, answers come back and are "
                 "written in it (default: float32, or the dtype of a .npy input; bfloat16 .npy arrays are "
                 "uint16 views)");
  app->add_option("--row-length", o->row_length, "Row length for row-wise functions on 1-D input");
  app->add_option("--timeout", o->timeout, "Seconds per unary call (0: none)");
  app->add_flag("--local", o->local, "Evaluate with the linked compute library, no server");
  app->add_option("--threads", o->threads, "Threads for --local")->check(CLI::Range(1, 256))->capture_default_str();
  app->add_flag("--verify", o->verify,
                "Also evaluate locally and compare, in the answers' dtype (exit 3 on a difference)");
  app->add_flag("-q,--quiet", o->quiet, "No progress bar");
  return Command{app, [o] { return Run(*o); }};
}

}  // namespace

Command AddEvalCommand(CLI::App& parent) { return AddComputeCommand(parent, false); }
Command AddGradCommand(CLI::App& parent) { return AddComputeCommand(parent, true); }

}  // namespace activation::client
