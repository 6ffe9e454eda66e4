// The consuming Serve overload the handlers use moves the input's storage
// into the response and computes the last output over it (output buffer =
// input buffer). For every activation, on every SIMD target this CPU offers,
// it must answer exactly what the copying overload answers: forward,
// derivative, VJP and both outputs, in both encodings, at lengths around the
// vector widths and one large enough for the worker pool to split.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compute/compute.h"
#include "compute/registry.h"
#include "compute/simd/target.h"
#include "server/evaluation.h"
#include "tests/server/tensors.h"

namespace activation::server::testing {
namespace {

constexpr std::size_t kNoSendLimit = std::size_t{1} << 40;

// Inputs over the interesting range with the specials mixed in.
std::vector<float> Inputs(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> spread(-12.0f, 12.0f);
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, -1e-40f, 1e30f, -1e30f};
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = i % 37 < 9 ? specials[i % 37] : spread(rng);
  return x;
}

// Every required parameter at 0.5 (inside each one's range).
void SetRequiredParams(const Activation& a, google::protobuf::Map<std::string, double>* params) {
  for (const ParamSpec& p : a.params) {
    if (p.required) (*params)[std::string(p.name)] = 0.5;
  }
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Serves `request` through both overloads and returns whether their answers
// have the same bits (each read back from the request's encoding).
template <typename Request, typename Response, typename Read>
void ExpectSameAnswer(const Request& request, Read read, const std::string& what) {
  Response copied, consumed;
  ServeSummary summary;
  const grpc::Status a = Serve(request, &copied, kNoSendLimit, &summary);
  Request consumable = request;
  const grpc::Status b = Serve(&consumable, &consumed, kNoSendLimit, &summary);
  ASSERT_TRUE(a.ok()) << what << ": " << a.error_message();
  ASSERT_TRUE(b.ok()) << what << ": " << b.error_message();
  const std::vector<std::vector<float>> expected = read(copied, request);
  const std::vector<std::vector<float>> got = read(consumed, request);
  ASSERT_EQ(expected.size(), got.size()) << what;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_TRUE(SameBits(expected[k], got[k])) << what << ", output " << k;
  }
}

class InPlaceServe : public ::testing::TestWithParam<std::string> {};

TEST_P(InPlaceServe, AnswersWhatTheCopyingPathAnswersOnEveryTarget) {
  const Activation* a = FindActivation(GetParam());
  ASSERT_NE(a, nullptr);
  // Around the vector widths, and past the pool's split point.
  std::vector<std::size_t> lengths = {1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 65, 257};
  lengths.push_back(SplitThreshold(*a) + 19);
  for (std::int64_t target : simd::AvailableTargets()) {
    simd::TargetScope scope(target);
    const std::string on = " on " + simd::TargetName(target);
    for (std::size_t n : lengths) {
      const std::size_t row = a->rowwise ? (n % 4 == 0 ? 4 : 1) : 0;
      const std::vector<std::int64_t> shape =
          row ? std::vector<std::int64_t>{static_cast<std::int64_t>(n / row), static_cast<std::int64_t>(row)}
              : std::vector<std::int64_t>{};
      const std::vector<float> x = Inputs(n, static_cast<unsigned>(n));
      const std::vector<float> g = Inputs(n, static_cast<unsigned>(n) + 1000);
      for (Encoding e : {Encoding::kRaw, Encoding::kValues}) {
        // The split-size array only in raw: the encodings share every code
        // path past decoding, and typed values of that size cost seconds.
        if (e == Encoding::kValues && n > 257) continue;
        const std::string what = std::string(a->name) + " n=" + std::to_string(n) + " " + EncodingName(e) + on;
        v1::EvaluateRequest evaluate;
        evaluate.set_activation(std::string(a->name));
        SetRequiredParams(*a, evaluate.mutable_params());
        *evaluate.mutable_input() = MakeTensor(x, e, shape);
        ExpectSameAnswer<v1::EvaluateRequest, v1::EvaluateResponse>(
            evaluate,
            [](const v1::EvaluateResponse& r, const v1::EvaluateRequest& q) {
              return std::vector<std::vector<float>>{ReadTensor(r.output(), q.input())};
            },
            what + " forward");
        for (bool vjp : {false, true}) {
          for (bool include_output : {false, true}) {
            v1::GradientRequest gradient;
            gradient.set_activation(std::string(a->name));
            SetRequiredParams(*a, gradient.mutable_params());
            *gradient.mutable_input() = MakeTensor(x, e, shape);
            if (vjp) *gradient.mutable_grad_output() = MakeTensor(g, e, shape);
            gradient.set_include_output(include_output);
            ExpectSameAnswer<v1::GradientRequest, v1::GradientResponse>(
                gradient,
                [include_output](const v1::GradientResponse& r, const v1::GradientRequest& q) {
                  std::vector<std::vector<float>> out = {ReadTensor(r.grad_input(), q.input())};
                  if (include_output) out.push_back(ReadTensor(r.output(), q.input()));
                  return out;
                },
                what + (vjp ? " vjp" : " derivative") + (include_output ? " with output" : ""));
          }
        }
      }
    }
  }
}

std::vector<std::string> AllNames() {
  std::vector<std::string> names;
  for (const Activation& a : Catalogue()) names.emplace_back(a.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, InPlaceServe, ::testing::ValuesIn(AllNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace activation::server::testing
