// float16 and bfloat16: every one of the 65,536 inputs of every elementwise
// function at its default parameters, forward and derivative, on every
// target this machine runs, must equal the exact value (long double
// reference) rounded once to the type. The conversions are checked against
// the compiler's _Float16 and against rounding by hand in long double.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "compute/dtype.h"
#include "compute/registry.h"
#include "compute/simd/convert.h"
#include "compute/simd/target.h"
#include "tests/compute/harness.h"
#include "tests/compute/reference.h"

namespace activation::accuracy {
namespace {

bool SameNarrow(DataType dtype, std::uint16_t a, std::uint16_t b) {
  const float fa = NarrowToFloat(dtype, a), fb = NarrowToFloat(dtype, b);
  if (std::isnan(fa) || std::isnan(fb)) return std::isnan(fa) && std::isnan(fb);
  return fa == fb;  // +0 and -0 alike, as the float32 ULP distance
}

std::string Hex(std::uint16_t bits) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", bits);
  return text;
}

const DataType kNarrow[] = {DataType::kFloat16, DataType::kBFloat16};

TEST(NarrowConversions, FloatToHalfMatchesTheCompiler) {
  std::mt19937 random(7);
  std::vector<std::uint32_t> patterns = {0, 0x80000000u, 0x7F800000u, 0x477FEFFFu, 0x477FF000u, 0x33000000u,
                                         0x33000001u, 0x387FFFFFu, 0x38800000u, 0x3F800000u, 0x3F801000u};
  for (int i = 0; i < 2000000; ++i) patterns.push_back(random());
  for (std::uint32_t bits : patterns) {
    float f;
    std::memcpy(&f, &bits, 4);
    const _Float16 h = static_cast<_Float16>(f);
    std::uint16_t expected;
    std::memcpy(&expected, &h, 2);
    ASSERT_TRUE(SameNarrow(DataType::kFloat16, FloatToNarrow(DataType::kFloat16, f), expected)) << f;
    if (!std::isnan(f)) {
      ASSERT_EQ(FloatToNarrow(DataType::kFloat16, f), expected) << f;
    }
  }
  for (std::uint32_t h = 0; h < 65536; ++h) {
    _Float16 half;
    const std::uint16_t bits = static_cast<std::uint16_t>(h);
    std::memcpy(&half, &bits, 2);
    const float wide = NarrowToFloat(DataType::kFloat16, bits);
    if (std::isnan(wide)) {
      ASSERT_TRUE(std::isnan(static_cast<float>(half)));
      continue;
    }
    ASSERT_EQ(wide, static_cast<float>(half)) << h;
  }
}

// The bfloat16 nearest to `value` by comparing the two candidates in long double.
std::uint16_t NearestBFloat(long double value) {
  if (std::fabs(value) >= 0x1.FFp127L) return value > 0 ? 0x7F80 : 0xFF80;  // past the last midpoint: inf
  std::uint16_t best = 0;
  long double best_error = INFINITY;
  const std::uint16_t sign = value < 0 ? 0x8000 : 0;
  // Candidates: every pattern with the magnitude's leading bits, the one below and the one above.
  const float f = static_cast<float>(std::fabs(value));
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  const std::uint16_t around = static_cast<std::uint16_t>(bits >> 16);
  for (int step = -1; step <= 1; ++step) {
    const std::uint16_t candidate = static_cast<std::uint16_t>(around + step);
    if (step < 0 && around == 0) continue;
    if (candidate > 0x7F80) continue;
    const long double c = NarrowToFloat(DataType::kBFloat16, candidate);
    const long double error = std::fabs(c - std::fabs(value));
    if (error < best_error || (error == best_error && (candidate & 1) == 0)) {
      best = candidate;
      best_error = error;
    }
  }
  return sign | best;
}

TEST(NarrowConversions, BFloatRoundsToNearestEven) {
  std::mt19937 random(11);
  for (int i = 0; i < 1000000; ++i) {
    const std::uint32_t bits = random();
    float f;
    std::memcpy(&f, &bits, 4);
    if (std::isnan(f)) continue;
    ASSERT_EQ(FloatToNarrow(DataType::kBFloat16, f), NearestBFloat(f)) << f;
    // A long double between floats: rounded once, not twice.
    const long double between = static_cast<long double>(f) * (1 + 0x1p-40L);
    if (std::isfinite(between)) {
      ASSERT_EQ(LongDoubleToNarrow(DataType::kBFloat16, between), NearestBFloat(between)) << f;
    }
  }
}

TEST(NarrowConversions, DoubleRoundsOnce) {
  // 1 + 2^-11 + 2^-40 is above the float16 midpoint 1 + 2^-11; through a
  // float rounded to nearest it would become the tie and round to even (1).
  EXPECT_EQ(DoubleToNarrow(DataType::kFloat16, 1 + 0x1p-11 + 0x1p-40), 0x3C01);
  EXPECT_EQ(DoubleToNarrow(DataType::kFloat16, 1 + 0x1p-11), 0x3C00);
  EXPECT_EQ(DoubleToNarrow(DataType::kBFloat16, 1 + 0x1p-8 + 0x1p-40), 0x3F81);
  EXPECT_EQ(DoubleToNarrow(DataType::kBFloat16, 1 + 0x1p-8), 0x3F80);
}

// The vector conversions (RoundToNarrow, WidenNarrow) equal the scalar ones
// just checked, on every target, for every array length around the vector
// widths (the tails) and for every narrow value, every midpoint between
// neighbours and random floats.
TEST(NarrowConversions, VectorEqualsScalarOnEveryTarget) {
  std::mt19937 random(5);
  for (DataType dtype : kNarrow) {
    std::vector<float> floats;
    std::vector<std::uint16_t> all(65536);
    for (std::uint32_t i = 0; i < 65536; ++i) {
      all[i] = static_cast<std::uint16_t>(i);
      const float v = NarrowToFloat(dtype, all[i]);
      floats.push_back(v);
      const float next = NarrowToFloat(dtype, static_cast<std::uint16_t>(i + 1));
      if (std::isfinite(v) && std::isfinite(next) && (i & 0x7FFF) != 0x7FFF) floats.push_back((v + next) / 2);
    }
    for (int i = 0; i < 300000; ++i) {
      const std::uint32_t bits = random();
      float f;
      std::memcpy(&f, &bits, 4);
      floats.push_back(f);
    }
    for (std::int64_t target : simd::AvailableTargets()) {
      simd::TargetScope scope(target);
      SCOPED_TRACE(simd::TargetName(target));
      std::vector<std::uint16_t> narrow(floats.size());
      RoundToNarrow(dtype, floats.data(), narrow.data(), floats.size());
      for (std::size_t i = 0; i < floats.size(); ++i) {
        const std::uint16_t want = FloatToNarrow(dtype, floats[i]);
        if (std::isnan(floats[i])) {
          ASSERT_TRUE(std::isnan(NarrowToFloat(dtype, narrow[i]))) << floats[i];
        } else {
          ASSERT_EQ(narrow[i], want) << DataTypeName(dtype) << " " << floats[i];
        }
      }
      std::vector<float> wide(all.size());
      WidenNarrow(dtype, all.data(), wide.data(), all.size());
      for (std::size_t i = 0; i < all.size(); ++i) {
        const float want = NarrowToFloat(dtype, all[i]);
        if (std::isnan(want)) {
          ASSERT_TRUE(std::isnan(wide[i]));
        } else {
          ASSERT_EQ(std::memcmp(&wide[i], &want, 4), 0) << DataTypeName(dtype) << " " << Hex(all[i]);
        }
      }
      for (std::size_t n = 0; n <= 40; ++n) {  // tails: nothing written past n
        std::vector<std::uint16_t> out(n + 1, 0xABCD);
        RoundToNarrow(dtype, floats.data() + 1000, out.data(), n);
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], FloatToNarrow(dtype, floats[1000 + i]));
        ASSERT_EQ(out[n], 0xABCD);
        std::vector<float> back(n + 1, 7.0f);
        WidenNarrow(dtype, all.data() + 15000, back.data(), n);
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(back[i], NarrowToFloat(dtype, all[15000 + i]));
        ASSERT_EQ(back[n], 7.0f);
      }
    }
  }
}

// The nearest value of the type to `value`, rounded once: the compiler's
// long double to _Float16 conversion, or NearestBFloat.
std::uint16_t Nearest(DataType dtype, long double value) {
  if (value == 0) return std::signbit(value) ? 0x8000 : 0;
  if (dtype == DataType::kBFloat16) return NearestBFloat(value);
  const _Float16 h = static_cast<_Float16>(value);
  std::uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}

// The VJP's product (a value of the type times a float, given or looked up
// in a table) rounded to the type equals the exact product rounded once, on
// every target: products across
// the whole range, below float's normal range (where the vector form hands
// lanes to the scalar one), past its top, zeros, infinities and NaN, and
// every length around the vector widths.
TEST(NarrowConversions, ProductRoundsOnceOnEveryTarget) {
  std::mt19937 random(13);
  for (DataType dtype : kNarrow) {
    const bool half = dtype == DataType::kFloat16;
    std::vector<std::uint16_t> g;
    std::vector<float> slope;
    for (int i = 0; i < 400000; ++i) {
      g.push_back(static_cast<std::uint16_t>(random()));
      std::uint32_t bits = random();
      if (i % 4 == 1) bits = (bits & 0x807FFFFFu) | ((random() % 40) << 23);  // tiny: exponent below -87
      float f;
      std::memcpy(&f, &bits, 4);
      slope.push_back(f);
    }
    // 1.5 * 109227 * 2^-149 = 5 * 2^-134 + 2^-150: just above a bfloat16
    // midpoint, where rounding first to float's subnormal grid would make a
    // tie and round down to even.
    for (std::size_t i = 0; i < g.size(); i += 997) {
      g[i] = FloatToNarrow(dtype, i % 2 ? 1.5f : -1.5f);
      slope[i] = std::ldexp(109227.0f, -149);
    }
    // Products whose float rounding lands exactly halfway between two values
    // of the type while the exact product does not: slope = M / g rounded,
    // M such a midpoint, so g slope is within a float ULP or so of M.
    for (std::size_t i = 3; i < g.size(); i += 7) {
      const float factor = NarrowToFloat(dtype, static_cast<std::uint16_t>(random() % 0x3C00 + 0x2000));
      const std::uint16_t low = static_cast<std::uint16_t>(random() % 0x3800 + 0x1000);
      const double midpoint = (double{NarrowToFloat(dtype, low)} + NarrowToFloat(dtype, low + 1)) / 2;
      g[i] = FloatToNarrow(dtype, i % 2 ? factor : -factor);
      slope[i] = static_cast<float>(midpoint / factor);
    }
    for (std::int64_t target : simd::AvailableTargets()) {
      simd::TargetScope scope(target);
      SCOPED_TRACE(simd::TargetName(target));
      std::vector<std::uint16_t> got(g.size());
      simd::NarrowProduct(half, g.data(), slope.data(), got.data(), got.size());
      for (std::size_t i = 0; i < g.size(); ++i) {
        const float factor = NarrowToFloat(dtype, g[i]);
        const long double exact = static_cast<long double>(factor) * slope[i];
        if (std::isnan(exact)) {
          ASSERT_TRUE(std::isnan(NarrowToFloat(dtype, got[i]))) << factor << " * " << slope[i];
        } else {
          ASSERT_EQ(Hex(got[i]), Hex(Nearest(dtype, exact))) << DataTypeName(dtype) << " " << factor << " * " << slope[i];
        }
      }
      for (std::size_t n = 0; n <= 40; ++n) {  // tails: nothing written past n
        std::vector<std::uint16_t> out(n + 1, 0x7777);
        simd::NarrowProduct(half, g.data() + 1000, slope.data() + 1000, out.data(), n);
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(Hex(out[i]), Hex(got[1000 + i])) << i;
        ASSERT_EQ(out[n], 0x7777);
      }
      // The slopes looked up by 16-bit patterns instead: table[k] = slope[k].
      std::vector<std::uint16_t> index(g.size());
      for (std::uint16_t& k : index) k = static_cast<std::uint16_t>(random());
      std::vector<std::uint16_t> looked_up(g.size() + 1, 0x7777);
      const std::size_t n = g.size() - 3;  // a partial last vector
      simd::NarrowProductLookup(half, g.data(), slope.data(), index.data(), looked_up.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const float factor = NarrowToFloat(dtype, g[i]);
        const long double exact = static_cast<long double>(factor) * slope[index[i]];
        if (std::isnan(exact)) {
          ASSERT_TRUE(std::isnan(NarrowToFloat(dtype, looked_up[i]))) << factor << " * " << slope[index[i]];
        } else {
          ASSERT_EQ(Hex(looked_up[i]), Hex(Nearest(dtype, exact))) << factor << " * " << slope[index[i]];
        }
      }
      ASSERT_EQ(looked_up[n], 0x7777);
    }
  }
}

class NarrowExhaustive : public ::testing::TestWithParam<std::string> {};

TEST_P(NarrowExhaustive, CorrectlyRoundedOnEveryTarget) {
  const Activation* activation = FindActivation(GetParam());
  ASSERT_NE(activation, nullptr);
  const ReferenceFunction* ref = FindReference(activation->name);
  ASSERT_NE(ref, nullptr);
  const KernelArgs* args = NarrowTableParams(*activation);
  ASSERT_NE(args, nullptr);
  const std::vector<double>& values = ref->param_sets.front();
  const KernelArgs expected_args = ResolveForTest(*activation, *ref, values);
  ASSERT_EQ(args->param, expected_args.param) << "the table's parameters are not the defaults";

  std::vector<std::uint16_t> all(65536);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  for (DataType dtype : kNarrow) {
    for (Mode mode : {Mode::kForward, Mode::kDerivative}) {
      std::vector<std::uint16_t> expected(65536);
      for (std::size_t i = 0; i < 65536; ++i) {
        const float x = NarrowToFloat(dtype, all[i]);
        if (std::isnan(x)) {
          expected[i] = all[i];  // NaN in, NaN out
          continue;
        }
        const long double arg = ReferenceArgument(x);
        expected[i] = LongDoubleToNarrow(
            dtype, mode == Mode::kForward ? ref->forward(arg, values.data()) : ref->derivative(arg, values.data()));
      }
      std::vector<std::uint16_t> got(65536);
      for (std::int64_t target : simd::AvailableTargets()) {
        simd::TargetScope scope(target);
        ComputeNarrow(*activation, mode, *args, dtype, all.data(), nullptr, got.data(), got.size());
        std::size_t wrong = 0;
        std::string first;
        for (std::size_t i = 0; i < 65536; ++i) {
          if (SameNarrow(dtype, got[i], expected[i])) continue;
          if (wrong++ == 0) first = "x=" + Hex(all[i]) + " got " + Hex(got[i]) + " expected " + Hex(expected[i]);
        }
        EXPECT_EQ(wrong, 0u) << activation->name << " " << DataTypeName(dtype)
                             << (mode == Mode::kForward ? " forward" : " derivative") << " on "
                             << simd::TargetName(target) << ": " << first;
      }
    }
  }
}

// The VJP rounds g * f'(x) once: within half a unit of the type of the exact
// product, plus the float32 derivative's own error.
TEST_P(NarrowExhaustive, VjpRoundsTheProductOnce) {
  const Activation* activation = FindActivation(GetParam());
  const ReferenceFunction* ref = FindReference(activation->name);
  const KernelArgs* args = NarrowTableParams(*activation);
  ASSERT_NE(args, nullptr);
  const std::vector<double>& values = ref->param_sets.front();
  std::mt19937 random(3);
  for (DataType dtype : kNarrow) {
    std::vector<std::uint16_t> x, g;
    for (int i = 0; i < 20000; ++i) {
      const float xf = std::uniform_real_distribution<float>(-8, 8)(random);
      const float gf = std::uniform_real_distribution<float>(-4, 4)(random);
      x.push_back(FloatToNarrow(dtype, xf));
      g.push_back(FloatToNarrow(dtype, gf));
    }
    std::vector<std::uint16_t> got(x.size());
    ComputeNarrow(*activation, Mode::kVjp, *args, dtype, x.data(), g.data(), got.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const long double exact = static_cast<long double>(NarrowToFloat(dtype, g[i])) *
                                ref->derivative(NarrowToFloat(dtype, x[i]), values.data());
      const float value = NarrowToFloat(dtype, got[i]);
      // Half a unit in the type's last place (subnormals included), plus the
      // float32 derivative's error (a few 2^-23 of it).
      const int mantissa_bits = dtype == DataType::kFloat16 ? 10 : 7;
      const int min_exponent = dtype == DataType::kFloat16 ? -14 : -126;
      const long double unit =
          exact == 0 ? 0 : std::ldexp(1.0L, std::max(std::ilogb(exact), min_exponent) - mantissa_bits);
      const long double bound = 0.5L * unit + std::fabs(exact) * 0x1p-20L;
      ASSERT_LE(std::fabs(value - exact), bound)
          << activation->name << " " << DataTypeName(dtype) << " x=" << NarrowToFloat(dtype, x[i])
          << " g=" << NarrowToFloat(dtype, g[i]);
    }
  }
}

std::vector<std::string> TabledNames() {
  std::vector<std::string> names;
  for (const Activation& a : Catalogue()) {
    if (NarrowTableParams(a) != nullptr) names.emplace_back(a.name);
  }
  return names;
}

// Concurrent calls, each thread taking the functions in its own order so
// that first uses (which build the tables) race with each other and with
// lookups: every answer must equal the one a single thread gets afterwards,
// when every table is complete.
TEST(NarrowConcurrency, ConcurrentCallsGiveTheSingleThreadedAnswers) {
  std::vector<const Activation*> functions;
  for (const std::string& name : TabledNames()) functions.push_back(FindActivation(name));
  functions.resize(std::min<std::size_t>(functions.size(), 6));
  ASSERT_GE(functions.size(), 2u);
  struct Case {
    const Activation* activation;
    Mode mode;
    DataType dtype;
  };
  std::vector<Case> cases;
  for (const Activation* activation : functions) {
    for (Mode mode : {Mode::kForward, Mode::kDerivative}) {
      for (DataType dtype : kNarrow) cases.push_back({activation, mode, dtype});
    }
  }
  std::vector<std::uint16_t> all(65536);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  auto run = [&](const Case& c, std::vector<std::uint16_t>* out) {
    out->resize(all.size());
    ComputeNarrow(*c.activation, c.mode, *NarrowTableParams(*c.activation), c.dtype, all.data(), nullptr,
                  out->data(), all.size());
  };

  constexpr std::size_t kThreads = 4;
  using Answers = std::vector<std::vector<std::uint16_t>>;  // per case
  std::vector<Answers> got(kThreads, Answers(cases.size()));
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (std::size_t k = 0; k < cases.size(); ++k) {
        // Each thread starts at its own quarter; odd threads go backwards.
        const std::size_t rotated = (k + t * cases.size() / kThreads) % cases.size();
        const std::size_t i = t % 2 == 0 ? rotated : cases.size() - 1 - rotated;
        run(cases[i], &got[t][i]);
      }
    });
  }
  go.store(true);
  for (std::thread& thread : threads) thread.join();

  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::vector<std::uint16_t> expected;
    run(cases[i], &expected);
    for (std::size_t t = 0; t < kThreads; ++t) {
      EXPECT_EQ(got[t][i], expected) << cases[i].activation->name << " " << DataTypeName(cases[i].dtype)
                                     << (cases[i].mode == Mode::kForward ? " forward" : " derivative")
                                     << ", thread " << t;
    }
  }
}

// float16 / bfloat16 bits in value order (+0 and -0 alike), for distances.
int OrderKey(std::uint16_t bits) { return bits & 0x8000 ? -(bits & 0x7FFF) : bits & 0x7FFF; }

// softmax and log_softmax in a narrow type: each row's float32 answer
// rounded to the type, so within one step of the type of the exact value
// correctly rounded (long double row reference), for rows shorter than,
// equal to and longer than the blocks the narrow path works in, one row of
// everything (row_length 0), on every target; forward, Jacobian diagonal
// and VJP.
TEST(NarrowRows, EachRowIsItsFloat32AnswerRounded) {
  std::mt19937 random(29);
  std::uniform_real_distribution<float> spread(-8.0f, 8.0f);
  for (const char* name : {"softmax", "log_softmax"}) {
    const Activation* activation = FindActivation(name);
    const ReferenceRowFunction* ref = FindRowReference(name);
    ASSERT_NE(activation, nullptr);
    ASSERT_NE(ref, nullptr);
    for (DataType dtype : kNarrow) {
      for (std::size_t row_length : {1u, 5u, 1000u, 1024u, 1500u, 0u}) {
        const std::size_t row = row_length > 0 ? row_length : 3000;
        const std::size_t n = row_length > 0 ? row * std::max<std::size_t>(3, 5000 / row) : row;
        std::vector<std::uint16_t> x(n), g(n);
        std::vector<float> wide_x(n), wide_g(n);
        for (std::size_t i = 0; i < n; ++i) {
          x[i] = FloatToNarrow(dtype, spread(random));
          g[i] = FloatToNarrow(dtype, spread(random));
          wide_x[i] = NarrowToFloat(dtype, x[i]);
          wide_g[i] = NarrowToFloat(dtype, g[i]);
        }
        KernelArgs args;
        ASSERT_TRUE(ResolveParams(*activation, {}, &args).ok());
        args.row_length = row_length;
        std::vector<long double> exact(n);
        for (Mode mode : {Mode::kForward, Mode::kDerivative, Mode::kVjp}) {
          for (std::size_t begin = 0; begin < n; begin += row) {
            if (mode == Mode::kVjp) {
              ref->vjp(wide_x.data() + begin, wide_g.data() + begin, row, exact.data() + begin);
            } else {
              const RowMode row_mode = mode == Mode::kForward ? RowMode::kForward : RowMode::kJacobianDiagonal;
              ref->evaluate(wide_x.data() + begin, row, row_mode, exact.data() + begin);
            }
          }
          for (std::int64_t target : simd::AvailableTargets()) {
            simd::TargetScope scope(target);
            SCOPED_TRACE(std::string(name) + " " + std::string(DataTypeName(dtype)) + " rows of " +
                         std::to_string(row_length) + " mode " + std::to_string(static_cast<int>(mode)) + " on " +
                         simd::TargetName(target));
            std::vector<std::uint16_t> got(n);
            ComputeNarrow(*activation, mode, args, dtype, x.data(), g.data(), got.data(), n);
            std::vector<float> float32(n);
            Compute(*activation, mode, args, wide_x.data(), wide_g.data(), float32.data(), n);
            std::vector<std::uint16_t> rounded(n);
            RoundToNarrow(dtype, float32.data(), rounded.data(), n);
            for (std::size_t i = 0; i < n; ++i) {
              ASSERT_EQ(Hex(got[i]), Hex(rounded[i])) << "element " << i;
              ASSERT_LE(std::abs(OrderKey(got[i]) - OrderKey(LongDoubleToNarrow(dtype, exact[i]))), 1)
                  << "element " << i << ": exact " << static_cast<double>(exact[i]);
            }
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryFunction, NarrowExhaustive, ::testing::ValuesIn(TabledNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace activation::accuracy
