// Checks activations over all 2^32 float32 bit patterns (or every Nth one)
// against the independent reference (tests/compute/reference.h) and prints
// the max ULP error and the input where it occurs.
//
//   ulp_sweep --function NAME[,NAME...]|all --mode forward|derivative|both
//             --kernel reference|fast|onednn [--target avx512|avx2|sse4|ssse3|scalar]
//             [--stride N] [--check-published] --threads N [--param name=value ...]
//
// Each output is screened against the reference evaluated in double; where
// the screen is far enough from a float rounding boundary it decides the
// comparison alone (DecidesComparison), everything else is re-checked in
// long double. Row-wise functions (softmax, log_softmax) are swept over the
// rows [x, 0], screened with their two-element closed forms in double.
// --kernel onednn measures the peer the kernel benchmark compares against
// (oneDNN's eltwise primitive, where it has the function, at the catalogue's
// defaults; its derivative is its backward pass with diff_dst = 1; one
// oneDNN thread per sweep thread; DNNL_MAX_CPU_ISA caps its JIT).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "compute/registry.h"
#include "compute/simd/target.h"
#include "tests/compute/harness.h"
#ifdef ACTIVATION_BENCH_ONEDNN
#include "bench/kernels/onednn_eltwise.h"
#endif

namespace activation::accuracy {
namespace {

struct Options {
  std::string function = "all";
  bool forward = true;
  bool derivative = true;
  enum class Kernel { kReference, kFast, kOneDnn } kernel = Kernel::kReference;
  std::int64_t target = 0;     // 0: the default dispatch
  std::uint64_t stride = 1;    // every stride-th bit pattern
  bool check_published = false;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  GivenParams params;
  std::vector<std::string> param_storage;
};

constexpr std::uint64_t kPatterns = std::uint64_t{1} << 32;
constexpr std::uint64_t kChunk = std::uint64_t{1} << 16;

// Sample k of a sweep with this stride is the pattern k * stride + k % stride:
// the low mantissa bits vary from sample to sample, and with a power-of-two
// stride up to 2^19 the patterns of +-0, +-inf and the quiet NaN are among them.
std::uint64_t Samples(std::uint64_t stride) { return (kPatterns + stride - 1) / stride; }

void FillChunk(std::uint64_t first_sample, std::uint64_t stride, float* x) {
  for (std::uint64_t i = 0; i < kChunk; ++i) {
    const std::uint64_t k = first_sample + i;
    const std::uint32_t bits = static_cast<std::uint32_t>(k * stride + k % stride);
    std::memcpy(&x[i], &bits, sizeof bits);
  }
}

// Whether a double screen decides the comparison by itself: a screen that is
// not within 2^-30 (relative) of a float rounding boundary rounds to the same
// float as the exact value, and one below FLT_MIN/2 has an exact value below
// FLT_MIN too (the comparison is then absolute, |got - exact| < FLT_MIN).
// That holds when the screen is accurate to 2^-30. The row screens are closed
// forms without cancellation (a few double ulps); the elementwise screens are
// the reference's own formulas in double, whose error is the long double
// one's times 2^11 (the ratio of the two epsilons): a long double reference
// good to 2^-41, as deciding float roundings needs anyway, gives a double
// screen good to 2^-30. Without the screen, a full sweep took hours.
bool DecidesComparison(double screened) {
  if (std::fabs(screened) < FLT_MIN / 2) return true;
  const float rounded = static_cast<float>(screened);
  if (!(std::fabs(rounded) >= FLT_MIN) || std::isinf(rounded)) return false;
  const double narrower_gap = std::fabs(static_cast<double>(rounded) - std::nextafter(rounded, 0.0f));
  const double margin = std::fabs(screened) * 0x1p-30;
  return std::fabs(screened - static_cast<double>(rounded)) + margin < narrower_gap / 2;
}

// Worst case of one mode for one chunk of an elementwise function.
void CheckElementwise(const ReferenceFunction& ref, const std::vector<double>& params, bool derivative,
                      const float* x, const float* got, Worst* worst) {
  const auto screen = derivative ? ref.derivative_double : ref.forward_double;
  const auto exact = derivative ? ref.derivative : ref.forward;
  const std::string no_params;
  for (std::uint64_t i = 0; i < kChunk; ++i) {
    if (std::isnan(x[i])) {
      const long double nan = std::numeric_limits<long double>::quiet_NaN();
      worst->Add(Compare(got[i], nan), x[i], got[i], nan, no_params);
      continue;
    }
    const double screened = screen(std::isinf(x[i]) ? std::copysign(1e100, x[i]) : x[i], params.data());
    if (!std::isnan(screened) && DecidesComparison(screened)) {
      worst->Add(Compare(got[i], screened), x[i], got[i], screened, no_params);
      continue;
    }
    const long double expected = exact(ReferenceArgument(x[i]), params.data());
    worst->Add(Compare(got[i], expected), x[i], got[i], expected, no_params);
  }
}

// The screen of a row [x, 0] (x finite) in double, from the two-element
// closed forms: with e = e^-|x|, the larger element's softmax is 1/(1+e),
// the smaller's e/(1+e); both Jacobian diagonals are e/(1+e)^2; log_softmax
// is -log1p(e) for the larger and -|x| - log1p(e) for the smaller, and its
// diagonal 1 - s_i is the other element's softmax.
void ScreenPair(bool log, bool derivative, double x, double out[2]) {
  const double e = std::exp(-std::fabs(x));
  const double large = log ? -std::log1p(e) : 1.0 / (1.0 + e);
  const double small = log ? -std::fabs(x) - std::log1p(e) : e / (1.0 + e);
  const bool x_larger = x >= 0;
  if (derivative && !log) {
    out[0] = out[1] = e / ((1.0 + e) * (1.0 + e));
  } else if (derivative) {
    out[0] = x_larger ? e / (1.0 + e) : 1.0 / (1.0 + e);
    out[1] = x_larger ? 1.0 / (1.0 + e) : e / (1.0 + e);
  } else {
    out[0] = x_larger ? large : small;
    out[1] = x_larger ? small : large;
  }
}

// softmax-like functions: rows [x, 0]; screened in double like the
// elementwise ones, every output the screen cannot decide re-checked against
// the long double reference.
void CheckRows(const ReferenceRowFunction& ref, bool derivative, const float* rows, const float* got,
               std::uint64_t count, Worst* worst) {
  const bool log = ref.name == "log_softmax";
  long double expected[2];
  const std::string no_params;
  for (std::uint64_t r = 0; r < count; ++r) {
    const float* row = &rows[2 * r];
    const float* out = &got[2 * r];
    if (std::isfinite(row[0])) {
      double screened[2];
      ScreenPair(log, derivative, row[0], screened);
      if (DecidesComparison(screened[0]) && DecidesComparison(screened[1])) {
        for (int k = 0; k < 2; ++k) worst->Add(Compare(out[k], screened[k]), row[0], out[k], screened[k], no_params);
        continue;
      }
    }
    ref.evaluate(row, 2, derivative ? RowMode::kJacobianDiagonal : RowMode::kForward, expected);
    for (int k = 0; k < 2; ++k) worst->Add(Compare(out[k], expected[k]), row[0], out[k], expected[k], no_params);
  }
}

// The reference's default parameter set overridden by --param (into
// `ref_params` when given), as the kernels' arguments.
KernelArgs ArgsForSweep(const Activation& a, const ReferenceFunction& ref, const Options& o,
                        std::vector<double>* ref_params) {
  std::vector<double> params = ref.param_sets.front();
  for (const auto& [name, value] : o.params) {
    for (std::size_t i = 0; i < ref.param_names.size(); ++i) {
      if (ref.param_names[i] == name) params[i] = value;
    }
  }
  const KernelArgs args = ResolveForTest(a, ref, params);
  if (ref_params != nullptr) *ref_params = std::move(params);
  return args;
}

// oneDNN's name for the catalogue entry at `args`: gelu's tanh form is its own algorithm.
std::string OneDnnLabel(const Activation& a, const KernelArgs& args) {
  return a.name == "gelu" && args.param[0] != 0 ? "gelu_tanh" : std::string(a.name);
}

// The kernel a sweep thread calls on one chunk of n inputs.
using ChunkKernel = std::function<void(const float* x, float* out, std::size_t n)>;

ChunkKernel MakeChunkKernel(const Activation& a, const Options& o, bool derivative, const KernelArgs& args) {
  if (o.kernel == Options::Kernel::kOneDnn) {
#ifdef ACTIVATION_BENCH_ONEDNN
    bench::UseOneThreadForOneDnn();  // per thread: OpenMP's thread count is a per-thread setting
    std::shared_ptr<bench::OneDnnEltwise> eltwise = bench::OneDnnEltwise::For(OneDnnLabel(a, args), kChunk);
    if (eltwise == nullptr) return nullptr;
    auto ones = std::make_shared<std::vector<float>>(kChunk, 1.0f);
    return [eltwise, ones, derivative](const float* x, float* out, std::size_t) {
      if (derivative) {
        eltwise->Backward(x, ones->data(), out);
      } else {
        eltwise->Forward(x, out);
      }
    };
#else
    return nullptr;
#endif
  }
  const Kernels& kernels = o.kernel == Options::Kernel::kFast ? a.fast : a.reference;
  const auto kernel = derivative ? kernels.derivative : kernels.forward;
  return [kernel, args](const float* x, float* out, std::size_t n) { kernel(x, out, n, args); };
}

// Whether oneDNN has `a` at the sweep's parameters.
bool HasOneDnnPeer(const Activation& a, const Options& o) {
  const ReferenceFunction* ref = FindReference(a.name);
  if (ref == nullptr) return false;
  return MakeChunkKernel(a, o, false, ArgsForSweep(a, *ref, o, nullptr)) != nullptr;
}

Worst Sweep(const Activation& a, const Options& o, bool derivative) {
  const ReferenceFunction* ref = FindReference(a.name);
  const ReferenceRowFunction* row_ref = FindRowReference(a.name);
  std::vector<double> ref_params;
  KernelArgs args;
  if (ref != nullptr) {
    args = ArgsForSweep(a, *ref, o, &ref_params);
  } else {
    args.row_length = 2;
  }
  std::atomic<std::uint64_t> next{0};
  std::mutex mutex;
  Worst total;
  auto work = [&] {
    Worst mine;
    const ChunkKernel kernel = MakeChunkKernel(a, o, derivative, args);
    std::vector<float> x(kChunk), rows(2 * kChunk), got(2 * kChunk);
    const std::uint64_t samples = Samples(o.stride);
    for (std::uint64_t first; (first = next.fetch_add(kChunk)) < samples;) {
      FillChunk(first, o.stride, x.data());
      if (ref != nullptr) {
        kernel(x.data(), got.data(), kChunk);
        CheckElementwise(*ref, ref_params, derivative, x.data(), got.data(), &mine);
      } else {
        for (std::uint64_t i = 0; i < kChunk; ++i) rows[2 * i] = x[i], rows[2 * i + 1] = 0.0f;
        kernel(rows.data(), got.data(), 2 * kChunk);
        CheckRows(*row_ref, derivative, rows.data(), got.data(), kChunk, &mine);
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    total.Merge(mine);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < o.threads; ++t) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  return total;
}

int Usage(const std::string& error) {
  std::fprintf(stderr,
               "%s%susage: ulp_sweep [--function NAME[,NAME...]|all] [--mode forward|derivative|both]\n"
               "                 [--kernel reference|fast|onednn] [--target avx512|avx2|sse4|ssse3|scalar]\n"
               "                 [--stride N (a power of two <= 65536)] [--check-published]\n"
               "                 [--threads N] [--param name=value]...\n"
               "exit status 1 when a result is wrong at a special value, exceeds the 4 ULP bound,\n"
               "or (--check-published) exceeds the figure the catalogue publishes for the target\n",
               error.c_str(), error.empty() ? "" : "\n");
  return error.empty() ? 0 : 2;
}

int Run(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help") return Usage("");
    if (flag == "--check-published") {
      o.check_published = true;
      continue;
    }
    if (i + 1 >= argc) return Usage("missing value for " + flag);
    const std::string value = argv[++i];
    if (flag == "--function") {
      o.function = value;
    } else if (flag == "--mode") {
      if (value != "forward" && value != "derivative" && value != "both") return Usage("bad --mode: " + value);
      o.forward = value != "derivative";
      o.derivative = value != "forward";
    } else if (flag == "--kernel") {
      if (value == "reference") {
        o.kernel = Options::Kernel::kReference;
      } else if (value == "fast") {
        o.kernel = Options::Kernel::kFast;
#ifdef ACTIVATION_BENCH_ONEDNN
      } else if (value == "onednn") {
        o.kernel = Options::Kernel::kOneDnn;
#endif
      } else {
        return Usage("bad --kernel: " + value);
      }
    } else if (flag == "--target") {
      if (!simd::ParseTargetCap(value, &o.target)) return Usage("bad or unavailable --target: " + value);
    } else if (flag == "--stride") {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
      if (*end != '\0' || n == 0 || n > kChunk || (n & (n - 1)) != 0) return Usage("bad --stride: " + value);
      o.stride = n;
    } else if (flag == "--threads") {
      char* end = nullptr;
      const long n = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 1024) return Usage("bad --threads: " + value);
      o.threads = static_cast<unsigned>(n);
    } else if (flag == "--param") {
      const std::size_t eq = value.find('=');
      char* end = nullptr;
      const double v = eq == std::string::npos ? 0 : std::strtod(value.c_str() + eq + 1, &end);
      if (eq == std::string::npos || end == value.c_str() + eq + 1 || *end != '\0') {
        return Usage("bad --param (want name=value): " + value);
      }
      o.param_storage.push_back(value.substr(0, eq));
      o.params.emplace_back(std::string_view(), v);
    } else {
      return Usage("unknown flag: " + flag);
    }
  }
  for (std::size_t i = 0; i < o.params.size(); ++i) o.params[i].first = o.param_storage[i];
  for (const std::string& name : o.param_storage) {  // oneDNN runs at the catalogue's defaults
    if (o.kernel == Options::Kernel::kOneDnn && name != "approximate") return Usage("--kernel onednn takes no --param " + name);
  }
  std::vector<const Activation*> chosen;
  if (o.function == "all") {
    for (const Activation& a : Catalogue()) chosen.push_back(&a);
  } else {  // NAME[,NAME...]
    for (std::size_t start = 0; start <= o.function.size();) {
      const std::size_t comma = std::min(o.function.find(',', start), o.function.size());
      const Activation* a = nullptr;
      const Status s = ResolveActivation(o.function.substr(start, comma - start), &a);
      if (!s.ok()) return Usage(s.message());
      chosen.push_back(a);
      start = comma + 1;
    }
  }
  simd::ForceTarget(o.target);
  std::string target;  // the reference kernels are scalar: their figures hold on every target
  if (o.kernel == Options::Kernel::kFast) target = " target=" + simd::TargetName(simd::CurrentTarget());
#ifdef ACTIVATION_BENCH_ONEDNN
  if (o.kernel == Options::Kernel::kOneDnn) target = " target=" + std::string(bench::OneDnnIsa());
#endif
  const char* kernel_name = o.kernel == Options::Kernel::kFast     ? "fast"
                            : o.kernel == Options::Kernel::kOneDnn ? "onednn"
                                                                   : "reference";
  const std::string stride = o.stride > 1 ? " stride=" + std::to_string(o.stride) : "";
  constexpr std::int64_t kBoundUlp = 4;
  int status = 0;
  std::string param_label;
  for (const auto& [name, value] : o.params) {
    param_label += (param_label.empty() ? "(" : ",") + std::string(name) + "=" + FormatNumber(value);
  }
  if (!param_label.empty()) param_label += ")";
  for (const Activation* a : chosen) {
    const UlpFigures published = AccuracyOnCurrentTarget(a->accuracy);
    const std::string label = std::string(a->name) + param_label;
    if (o.kernel == Options::Kernel::kOneDnn && !HasOneDnnPeer(*a, o)) {
      std::printf("%-12s no oneDNN equivalent\n", label.c_str());
      continue;
    }
    for (bool derivative : {false, true}) {
      if (derivative ? !o.derivative : !o.forward) continue;
      const auto start = std::chrono::steady_clock::now();
      const Worst w = Sweep(*a, o, derivative);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double limit = derivative ? published.derivative : published.forward;
      const bool over_published = o.check_published && static_cast<double>(w.ulp) > limit;
      std::printf("%-12s %-10s %-9s%s%s max %lld ULP at x=%.9g (got %.9g, exact %.12Lg); wrong non-normal/NaN results: %zu%s%s; %.0f s%s\n",
                  label.c_str(), derivative ? "derivative" : "forward", kernel_name, target.c_str(),
                  stride.c_str(), static_cast<long long>(w.ulp), w.x, w.got, w.exact, w.failures,
                  w.failures ? " first: " : "", w.first_failure.c_str(), seconds,
                  over_published ? (" OVER THE PUBLISHED " + std::to_string(static_cast<long long>(limit)) + " ULP").c_str() : "");
      std::fflush(stdout);
      // The bound is ours; a peer's figures are only reported.
      const bool ours = o.kernel != Options::Kernel::kOneDnn;
      if (ours && (w.failures != 0 || w.ulp > kBoundUlp || over_published)) status = 1;
    }
  }
  return status;
}

}  // namespace
}  // namespace activation::accuracy

int main(int argc, char** argv) { return activation::accuracy::Run(argc, argv); }
