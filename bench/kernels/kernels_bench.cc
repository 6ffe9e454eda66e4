// Throughput of every activation x {forward, derivative, vjp} x {1K, 64K,
// 1M, 16M} elements, single thread, float32, into preallocated buffers:
//   fast/<label>/<mode>/<n>       the vector kernels the service runs
//   reference/<label>/<mode>/<n>  the scalar reference kernels
//   onednn/<label>/<mode>/<n>     oneDNN's eltwise primitive, where it has the
//                                 function (backward = its VJP), if built with it
//   float16/<label>/<mode>/<n>    ComputeNarrow() in float16 and bfloat16, and
//   bfloat16/<label>/<mode>/<n>   ComputeFloat64() (for the functions whose
//   float64/<label>/<mode>/<n>    catalogue entry has float64 kernels): the
//                                 service's paths for those dtypes (one thread
//                                 with ACTIVATION_COMPUTE_THREADS=1, as
//                                 bench/kernels/dtypes.py runs them)
//   memcpy/<n>                    a plain copy: the bandwidth limit
//   pool/<label>/forward/<n>      Compute(), which splits large arrays over the
//   serial/<label>/forward/<n>    worker pool, and the kernel on one thread, both
//                                 in wall-clock time (to choose ParallelThreshold
//                                 and the cost classes; counter split = 1 where
//                                 Compute() splits; ACTIVATION_PARALLEL_THRESHOLD=1
//                                 makes every pool/ row split)
// Counters: items_per_second (elements) and bytes_per_second (bytes read +
// written). bench/render_docs.py renders the JSON output into docs/performance.md
// (raw runs live in bench/results/kernels/). Run: build/bench/kernels/kernels_bench --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true --benchmark_format=json
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compute/compute.h"
#include "compute/dtype.h"
#include "compute/parallel.h"
#include "compute/registry.h"
#include "compute/simd/target.h"

#ifdef ACTIVATION_BENCH_ONEDNN
#include "bench/kernels/onednn_eltwise.h"
#endif

namespace activation::bench {
namespace {

constexpr std::size_t kSizes[] = {1u << 10, 1u << 16, 1u << 20, 1u << 24};
constexpr std::size_t kMaxSize = 1u << 24;

// Inputs and outputs allocated and touched once, so no page fault is timed.
struct Buffers {
  std::vector<float> x, g, out;
  Buffers() : x(kMaxSize), g(kMaxSize), out(kMaxSize, 0.0f) {
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> spread(-8.0f, 8.0f);
    for (float& v : x) v = spread(rng);
    for (float& v : g) v = spread(rng);
  }
};
Buffers& Data() {
  static Buffers buffers;
  return buffers;
}

// The same inputs as float16 / bfloat16 bit patterns.
struct NarrowBuffers {
  std::vector<std::uint16_t> x, g, out;
  explicit NarrowBuffers(DataType dtype) : x(kMaxSize), g(kMaxSize), out(kMaxSize, 0) {
    RoundToNarrow(dtype, Data().x.data(), x.data(), kMaxSize);
    RoundToNarrow(dtype, Data().g.data(), g.data(), kMaxSize);
  }
};
NarrowBuffers& NarrowData(DataType dtype) {
  static NarrowBuffers half(DataType::kFloat16), bfloat(DataType::kBFloat16);
  return dtype == DataType::kFloat16 ? half : bfloat;
}

// The same inputs as doubles.
struct WideBuffers {
  std::vector<double> x, g, out;
  WideBuffers() : x(Data().x.begin(), Data().x.end()), g(Data().g.begin(), Data().g.end()), out(kMaxSize, 0.0) {}
};
WideBuffers& WideData() {
  static WideBuffers buffers;
  return buffers;
}

enum class Pass { kForward, kDerivative, kVjp };
constexpr const char* kPassNames[] = {"forward", "derivative", "vjp"};

void SetCounters(benchmark::State& state, std::size_t n, Pass pass) {
  const std::size_t bytes_per_element = pass == Pass::kVjp ? 12 : 8;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * bytes_per_element));
}

void RunKernels(benchmark::State& state, const Kernels& k, const KernelArgs& args, Pass pass, std::size_t n) {
  Buffers& b = Data();
  for (auto _ : state) {
    switch (pass) {
      case Pass::kForward: k.forward(b.x.data(), b.out.data(), n, args); break;
      case Pass::kDerivative: k.derivative(b.x.data(), b.out.data(), n, args); break;
      case Pass::kVjp: k.vjp(b.x.data(), b.g.data(), b.out.data(), n, args); break;
    }
    benchmark::ClobberMemory();
  }
  SetCounters(state, n, pass);
}

// A catalogue entry with the parameters benchmarked (defaults, and values
// for required parameters); `label` names the row.
struct Case {
  std::string label;
  const Activation* activation;
  KernelArgs args;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const Activation& a : Catalogue()) {
    GivenParams given;
    for (const ParamSpec& p : a.params) {
      if (p.required) given.emplace_back(p.name, 0.0);
    }
    Case c{std::string(a.name), &a, {}};
    if (!ResolveParams(a, given, &c.args).ok()) continue;
    c.args.row_length = 1024;  // row-wise functions: rows of 1024
    cases.push_back(c);
    if (a.name == "gelu") {  // the tanh approximation is a different kernel path
      Case t{"gelu_tanh", &a, {}};
      if (ResolveParams(a, {{"approximate", 1.0}}, &t.args).ok()) cases.push_back(t);
    }
  }
  return cases;
}

void RegisterAll() {
  for (std::size_t n : kSizes) {
    benchmark::RegisterBenchmark(("memcpy/" + std::to_string(n)).c_str(), [n](benchmark::State& state) {
      Buffers& b = Data();
      for (auto _ : state) {
        std::memcpy(b.out.data(), b.x.data(), n * sizeof(float));
        benchmark::ClobberMemory();
      }
      SetCounters(state, n, Pass::kForward);
    });
  }
  for (const Case& c : Cases()) {
    // One function per cost class (Activation::cost), softmax for rows.
    if (c.label == "relu" || c.label == "sigmoid" || c.label == "gelu" || c.label == "softmax") {
      for (std::size_t n : {1u << 14, 1u << 16, 1u << 17, 1u << 18, 3u << 17, 1u << 19, 3u << 18, 1u << 20,
                            1u << 22}) {
        benchmark::RegisterBenchmark(("pool/" + c.label + "/forward/" + std::to_string(n)).c_str(),
                                     [c, n](benchmark::State& state) {
                                       Buffers& b = Data();
                                       for (auto _ : state) {
                                         Compute(*c.activation, Mode::kForward, c.args, b.x.data(), nullptr,
                                                 b.out.data(), n);
                                         benchmark::ClobberMemory();
                                       }
                                       SetCounters(state, n, Pass::kForward);
                                       state.counters["split"] = n >= SplitThreshold(*c.activation) ? 1 : 0;
                                     })
            ->UseRealTime();
        // The same kernel on this thread only, timed the same way (wall clock).
        benchmark::RegisterBenchmark(("serial/" + c.label + "/forward/" + std::to_string(n)).c_str(),
                                     [c, n](benchmark::State& state) {
                                       RunKernels(state, c.activation->fast, c.args, Pass::kForward, n);
                                     })
            ->UseRealTime();
      }
    }
    for (Pass pass : {Pass::kForward, Pass::kDerivative, Pass::kVjp}) {
      for (std::size_t n : kSizes) {
        const std::string suffix = c.label + "/" + kPassNames[static_cast<int>(pass)] + "/" + std::to_string(n);
        benchmark::RegisterBenchmark(("fast/" + suffix).c_str(), [c, pass, n](benchmark::State& state) {
          RunKernels(state, c.activation->fast, c.args, pass, n);
        });
        benchmark::RegisterBenchmark(("reference/" + suffix).c_str(), [c, pass, n](benchmark::State& state) {
          RunKernels(state, c.activation->reference, c.args, pass, n);
        });
        const Mode mode = pass == Pass::kForward ? Mode::kForward : pass == Pass::kDerivative ? Mode::kDerivative
                                                                                               : Mode::kVjp;
        benchmark::RegisterBenchmark(("float64/" + suffix).c_str(), [c, pass, mode, n](benchmark::State& state) {
          WideBuffers& b = WideData();
          for (auto _ : state) {
            ComputeFloat64(*c.activation, mode, c.args, b.x.data(), b.g.data(), b.out.data(), n);
            benchmark::ClobberMemory();
          }
          state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
          state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * (pass == Pass::kVjp ? 24 : 16)));
        });
        for (DataType dtype : {DataType::kFloat16, DataType::kBFloat16}) {
          const std::string name = std::string(DataTypeName(dtype)) + "/" + suffix;
          benchmark::RegisterBenchmark(name.c_str(), [c, pass, mode, n, dtype](benchmark::State& state) {
            NarrowBuffers& b = NarrowData(dtype);
            for (auto _ : state) {
              ComputeNarrow(*c.activation, mode, c.args, dtype, b.x.data(), b.g.data(), b.out.data(), n);
              benchmark::ClobberMemory();
            }
            state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
            state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * (pass == Pass::kVjp ? 6 : 4)));
          });
        }
#ifdef ACTIVATION_BENCH_ONEDNN
        if (pass == Pass::kDerivative) continue;  // oneDNN has no plain f'(x)
        if (!OneDnnEltwise::For(c.label, 16)) continue;
        benchmark::RegisterBenchmark(("onednn/" + suffix).c_str(), [label = c.label, pass, n](benchmark::State& state) {
          auto eltwise = OneDnnEltwise::For(label, n);
          Buffers& b = Data();
          for (auto _ : state) {
            if (pass == Pass::kForward) eltwise->Forward(b.x.data(), b.out.data());
            else eltwise->Backward(b.x.data(), b.g.data(), b.out.data());
            benchmark::ClobberMemory();
          }
          SetCounters(state, n, pass);
        });
#endif
      }
    }
  }
}

}  // namespace
}  // namespace activation::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
#ifdef ACTIVATION_BENCH_ONEDNN
  activation::bench::UseOneThreadForOneDnn();
  benchmark::AddCustomContext("onednn_isa", std::string(activation::bench::OneDnnIsa()));
#endif
  activation::bench::RegisterAll();
  benchmark::AddCustomContext("simd_target", activation::simd::TargetName(activation::simd::CurrentTarget()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
