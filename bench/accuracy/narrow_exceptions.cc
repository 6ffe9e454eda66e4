// Writes compute/narrow_exceptions.inc: for every elementwise function at
// its default parameters, forward and derivative, float16 and bfloat16, the
// inputs where rounding the float32 kernel's answer once might not give the
// correctly rounded exact value (long double reference) on some target:
//  - the exact value lies within the function's published float32 bound
//    (compute/accuracy_table.inc, the worst over every compiled target) of
//    a rounding boundary of the narrow type, so a target this machine
//    cannot run might land on either side;
//  - or a target this machine runs actually gives a different answer.
// The exhaustive test (tests/compute/narrow_test.cc) checks the result on
// every target of the machine it runs on.
// Usage: narrow_exceptions > compute/narrow_exceptions.inc
//        narrow_exceptions --measure > bench/results/accuracy/narrow_ulp.txt
// --measure: the max error, in ULP of the type, of the service's float16
// and bfloat16 answers (ComputeNarrow) over all 65,536 inputs on every
// target this machine runs, for docs/accuracy.md (render_dtypes.py).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <vector>

#include "compute/dtype.h"
#include "compute/registry.h"
#include "compute/simd/target.h"
#include "tests/compute/harness.h"

namespace activation::accuracy {
namespace {

bool SameNarrow(DataType dtype, std::uint16_t a, std::uint16_t b) {
  const float fa = NarrowToFloat(dtype, a), fb = NarrowToFloat(dtype, b);
  if (std::isnan(fa) || std::isnan(fb)) return std::isnan(fa) && std::isnan(fb);
  return fa == fb;  // +0 and -0 alike
}

// Distance in representable values of the 16-bit type (+0 and -0 coincide).
long long NarrowUlp(DataType dtype, std::uint16_t a, std::uint16_t b) {
  if (SameNarrow(dtype, a, b)) return 0;
  if (std::isnan(NarrowToFloat(dtype, a)) || std::isnan(NarrowToFloat(dtype, b))) return 1 << 20;
  auto ordered = [](std::uint16_t v) { return v & 0x8000 ? -static_cast<long long>(v & 0x7FFF) : v; };
  return std::llabs(ordered(a) - ordered(b));
}

int Measure() {
  std::printf("# narrow_exceptions --measure: max ULP of the type over all 65536 inputs, default parameters\n");
  std::printf("# targets:");
  for (std::int64_t target : simd::AvailableTargets()) std::printf(" %s", simd::TargetName(target).c_str());
  std::printf("\n# function dtype forward derivative\n");
  std::vector<std::uint16_t> all(65536), got(65536);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  for (const Activation& activation : Catalogue()) {
    const ReferenceFunction* ref = FindReference(activation.name);
    const KernelArgs* args = NarrowTableParams(activation);
    if (ref == nullptr || args == nullptr) continue;
    const std::vector<double>& values = ref->param_sets.front();
    for (DataType dtype : {DataType::kFloat16, DataType::kBFloat16}) {
      long long worst[2] = {0, 0};
      for (int mode = 0; mode < 2; ++mode) {
        std::vector<std::uint16_t> expected(65536);
        for (std::size_t i = 0; i < 65536; ++i) {
          const float x = NarrowToFloat(dtype, all[i]);
          if (std::isnan(x)) {
            expected[i] = all[i];
            continue;
          }
          const long double arg = ReferenceArgument(x);
          expected[i] = LongDoubleToNarrow(dtype, mode == 0 ? ref->forward(arg, values.data())
                                                             : ref->derivative(arg, values.data()));
        }
        for (std::int64_t target : simd::AvailableTargets()) {
          simd::ForceTarget(target);
          ComputeNarrow(activation, mode == 0 ? Mode::kForward : Mode::kDerivative, *args, dtype, all.data(), nullptr,
                        got.data(), got.size());
          for (std::size_t i = 0; i < 65536; ++i) worst[mode] = std::max(worst[mode], NarrowUlp(dtype, got[i], expected[i]));
        }
        simd::ForceTarget(0);
      }
      std::printf("%s %s %lld %lld\n", activation.name.data(), DataTypeName(dtype).data(), worst[0], worst[1]);
    }
  }
  return 0;
}

int Main() {
  std::vector<float> inputs[2];
  const DataType dtypes[2] = {DataType::kFloat16, DataType::kBFloat16};
  for (int d = 0; d < 2; ++d) {
    for (std::uint32_t i = 0; i < 65536; ++i) inputs[d].push_back(NarrowToFloat(dtypes[d], static_cast<std::uint16_t>(i)));
  }
  std::string params_text, fixes_text;
  std::size_t fixes = 0;
  for (const Activation& activation : Catalogue()) {
    if (activation.rowwise) continue;
    const ReferenceFunction* ref = FindReference(activation.name);
    if (ref == nullptr) continue;
    const std::vector<double>& values = ref->param_sets.front();
    const KernelArgs args = ResolveForTest(activation, *ref, values);
    params_text += "    {\"" + std::string(activation.name) + "\", {";
    for (std::size_t i = 0; i < kMaxParams; ++i) params_text += (i ? ", " : "") + FormatNumber(args.param[i]);
    params_text += "}},\n";
    for (int mode = 0; mode < 2; ++mode) {
      for (int d = 0; d < 2; ++d) {
        const DataType dtype = dtypes[d];
        std::vector<bool> fix(65536, false);
        std::size_t near = 0, wrong = 0;
        const long double margin =
            mode == 0 ? activation.accuracy.forward_max_ulp : activation.accuracy.derivative_max_ulp;
        std::vector<std::uint16_t> correct(65536);
        for (std::size_t i = 0; i < 65536; ++i) {
          if (std::isnan(inputs[d][i])) {
            correct[i] = FloatToNarrow(dtype, inputs[d][i]);  // NaN in, NaN out, as for float32
            continue;
          }
          const long double arg = ReferenceArgument(inputs[d][i]);
          const long double exact = mode == 0 ? ref->forward(arg, values.data()) : ref->derivative(arg, values.data());
          correct[i] = LongDoubleToNarrow(dtype, exact);
          if (std::isnan(exact) || std::isinf(exact) || exact == 0) continue;
          if (margin == 0) continue;
          const long double ulp = std::ldexp(1.0L, std::ilogb(exact) - 23);
          if (LongDoubleToNarrow(dtype, exact - margin * ulp) != correct[i] ||
              LongDoubleToNarrow(dtype, exact + margin * ulp) != correct[i]) {
            fix[i] = true;
            ++near;
          }
        }
        std::vector<float> y(65536);
        for (std::int64_t target : simd::AvailableTargets()) {
          simd::ForceTarget(target);
          Compute(activation, mode == 0 ? Mode::kForward : Mode::kDerivative, args, inputs[d].data(), nullptr,
                  y.data(), y.size());
          for (std::size_t i = 0; i < 65536; ++i) {
            if (!SameNarrow(dtype, FloatToNarrow(dtype, y[i]), correct[i])) {
              if (!fix[i]) ++wrong;
              fix[i] = true;
            }
          }
        }
        simd::ForceTarget(0);
        std::fprintf(stderr, "%s mode %d %s: %zu near a boundary, %zu wrong on some target\n", activation.name.data(), mode,
                     DataTypeName(dtype).data(), near, wrong);
        for (std::size_t i = 0; i < 65536; ++i) {
          if (!fix[i]) continue;
          ++fixes;
          char line[96];
          std::snprintf(line, sizeof line, "    {\"%s\", %d, %d, 0x%04zx, 0x%04x},\n", activation.name.data(), mode,
                        d == 0 ? 2 : 3, i, correct[i]);
          fixes_text += line;
        }
      }
    }
  }
  std::printf("// Generated by bench/accuracy/narrow_exceptions (see its header); do not edit.\n");
  std::printf("// %zu corrections.\n", fixes);
  std::printf("constexpr NarrowParams kNarrowParams[] = {\n%s};\n", params_text.c_str());
  std::printf("constexpr NarrowFix kNarrowFixes[] = {\n%s};\n", fixes_text.c_str());
  return 0;
}

}  // namespace
}  // namespace activation::accuracy

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--measure") return activation::accuracy::Measure();
  return activation::accuracy::Main();
}
