// Measures every catalogue entry as tests/compute/accuracy_test.cc does: the
// `reference` kernels once, the `fast` kernels with dispatch forced to each
// SIMD target this CPU offers in turn. Writes the raw results, with the
// machine they were taken on:
//   measure_accuracy --output bench/results/accuracy/measure_accuracy.txt
// bench/accuracy/render_accuracy.py turns them (and the sweeps beside them)
// into compute/accuracy_table.inc and the table of docs/accuracy.md.
// --float64: the float64 kernels as tests/compute/float64_test.cc measures
// them (MPFR, its inputs and rows), for render_dtypes.py:
//   measure_accuracy --float64 --output bench/results/accuracy/float64_ulp.txt
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "compute/registry.h"
#include "compute/simd/target.h"
#include "tests/compute/float64_reference.h"
#include "tests/compute/harness.h"

namespace activation::accuracy {
namespace {

int Usage(const std::string& error) {
  std::fprintf(stderr,
               "%s%susage: measure_accuracy [--output FILE] [--random-count N | --float64]\n"
               "  (default: standard output, 1000000)\n",
               error.c_str(), error.empty() ? "" : "\n");
  return error.empty() ? 0 : 2;
}

// "model name" and the SIMD flags of /proc/cpuinfo's first processor.
std::string DescribeCpu() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model = "unknown", flags;
  while (std::getline(in, line)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name") model = value;
    if (key == "flags") {
      std::istringstream words(value);
      for (std::string w; words >> w;) {
        if (w.rfind("avx", 0) == 0 || w.rfind("sse", 0) == 0 || w == "ssse3" || w == "fma") flags += " " + w;
      }
      break;
    }
  }
  return model + ";" + flags;
}

std::string Where(const Worst& w) {
  std::ostringstream s;
  s.precision(9);
  s << "x=" << w.x;
  if (!w.params.empty()) s << "(" << w.params << ")";
  return s.str();
}

// function kernel target forward_ulp forward_at derivative_ulp derivative_at failures
std::string Line(const Activation& a, const char* kernel, const std::string& target, const Measurement& m,
                 bool* failed) {
  for (const Worst* w : {&m.forward, &m.derivative}) {
    if (w->failures != 0) {
      *failed = true;
      std::fprintf(stderr, "%s %s %s: %zu wrong special results, first: %s\n", a.name.data(), kernel,
                   target.c_str(), w->failures, w->first_failure.c_str());
    }
  }
  std::ostringstream s;
  s << a.name << " " << kernel << " " << target << " " << m.forward.ulp << " " << Where(m.forward) << " "
    << m.derivative.ulp << " " << Where(m.derivative) << " " << m.forward.failures + m.derivative.failures << "\n";
  std::fputs(s.str().c_str(), stderr);
  return s.str();
}

// The reference kernels once, the fast kernels on every target this CPU runs.
std::string MeasureFloat32(std::size_t random_count, bool* failed) {
  std::string raw;
  for (const Activation& a : Catalogue()) {
    raw += Line(a, "reference", "-", MeasureStandard(a, a.reference, random_count), failed);
    for (std::int64_t t : simd::AvailableTargets()) {
      simd::ForceTarget(t);
      raw += Line(a, "fast", simd::TargetName(t), MeasureStandard(a, a.fast, random_count), failed);
    }
    simd::ForceTarget(0);
  }
  return raw;
}

std::string Where64(const float64_reference::Worst& w) {
  std::ostringstream s;
  s.precision(17);
  s << "x=" << w.x;
  return s.str();
}

// function parameters target forward_ulp forward_at derivative_ulp derivative_at failures
std::string Line64(const std::string& name, const char* params, const std::string& target,
                   const float64_reference::Worst& forward, const float64_reference::Worst& derivative, bool* failed) {
  for (const float64_reference::Worst* w : {&forward, &derivative}) {
    if (w->failures != 0) {
      *failed = true;
      std::fprintf(stderr, "%s %s %s: %zu wrong special results, first: %s\n", name.c_str(), params, target.c_str(),
                   w->failures, w->first_failure.c_str());
    }
  }
  std::ostringstream s;
  s << name << " " << params << " " << target << " " << forward.ulp << " " << Where64(forward) << " "
    << derivative.ulp << " " << Where64(derivative) << " " << forward.failures + derivative.failures << "\n";
  std::fputs(s.str().c_str(), stderr);
  return s.str();
}

// Every elementwise function at its default and non-default parameters, then
// softmax and log_softmax over the rows, on every target this CPU runs.
std::string MeasureFloat64(bool* failed) {
  namespace ref = float64_reference;
  const std::vector<std::int64_t> targets = simd::AvailableTargets();
  std::string raw;
  for (const ref::Case& c : ref::Cases()) {
    const Activation& a = *FindActivation(c.name);
    const KernelArgs args = ref::Args(a, c.defaults);
    const std::vector<ref::Worst> forward = ref::MeasureElementwise(a, args, false, targets);
    const std::vector<ref::Worst> derivative = ref::MeasureElementwise(a, args, true, targets);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      raw += Line64(c.name, c.defaults ? "default" : "non-default", simd::TargetName(targets[t]), forward[t],
                    derivative[t], failed);
    }
  }
  const std::vector<ref::RowCase> rows = ref::RowCases();
  const std::vector<ref::RowKernel> kernels = ref::RowKernels();
  for (std::size_t k = 0; k + 1 < kernels.size(); k += 2) {  // each function's forward, then its derivative
    for (std::int64_t t : targets) {
      simd::TargetScope scope(t);
      raw += Line64(kernels[k].name, "rows", simd::TargetName(t), ref::MeasureRows(kernels[k], rows),
                    ref::MeasureRows(kernels[k + 1], rows), failed);
    }
  }
  return raw;
}

int Run(int argc, char** argv) {
  std::string output;
  std::size_t random_count = 1000000;
  bool float64 = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help") return Usage("");
    if (flag == "--float64") {
      float64 = true;
      continue;
    }
    if (i + 1 >= argc) return Usage("missing value for " + flag);
    const std::string value = argv[++i];
    if (flag == "--output") {
      output = value;
    } else if (flag == "--random-count") {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
      if (*end != '\0' || n < 1000) return Usage("bad --random-count (want >= 1000): " + value);
      random_count = n;
    } else {
      return Usage("unknown flag: " + flag);
    }
  }
  std::ostringstream raw;
  if (float64) {
    raw << "# measure_accuracy --float64: max binary64 ULP against MPFR (256-bit) over the inputs and rows of "
           "tests/compute/float64_test.cc\n";
  } else {
    raw << "# measure_accuracy --random-count " << random_count << "\n";
  }
  raw << "# cpu: " << DescribeCpu() << "\n";
  raw << "# compiler: " << __VERSION__ << "\n";
  raw << "# targets:";
  const std::vector<std::int64_t> available = simd::AvailableTargets();
  for (std::int64_t t : available) raw << " " << simd::TargetName(t);
  // The published figures must cover every target the binary carries.
  std::string missing;
  for (std::int64_t t : simd::CompiledTargets()) {
    if (std::find(available.begin(), available.end(), t) == available.end()) missing += " " + simd::TargetName(t);
  }
  if (!missing.empty()) {
    raw << "\n# not measured:" << missing;
    std::fprintf(stderr,
                 "measure_accuracy: this CPU (or ACTIVATION_SIMD_TARGET) does not run%s; "
                 "the renderers (render_accuracy.py, render_dtypes.py) will refuse these results\n",
                 missing.c_str());
  }
  bool failed = false;
  raw << "\n# columns: function " << (float64 ? "parameters" : "kernel")
      << " target forward_ulp forward_at derivative_ulp derivative_at failures\n";
  raw << (float64 ? MeasureFloat64(&failed) : MeasureFloat32(random_count, &failed));
  if (output.empty()) {
    std::cout << raw.str();
  } else {
    std::ofstream out(output);
    out << raw.str();
    if (!out) return Usage("cannot write " + output);
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace activation::accuracy

int main(int argc, char** argv) { return activation::accuracy::Run(argc, argv); }
