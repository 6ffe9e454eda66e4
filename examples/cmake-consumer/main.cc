// Evaluates gelu and its derivative through the installed libactivation-compute
// and checks them against x * Phi(x) computed here in double precision.
// Prints one line per input; exits 1 if a value is off by more than the
// library's published bound.
#include <activation/compute.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace api = activation::api;

// Distance in float32 ULP (both finite, same sign here).
double UlpDistance(float a, float b) {
  std::int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  return std::fabs(static_cast<double>(ia) - static_cast<double>(ib));
}

int main() {
  api::Function gelu;
  api::Status status = api::Function::Make("gelu", {}, &gelu);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  const std::vector<float> x = {-3.0f, -1.0f, -0.5f, 0.25f, 1.0f, 2.5f};
  std::vector<float> y(x.size());
  status = gelu.Forward(x, y);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  const double bound = gelu.info().accuracy.max_ulp.forward;
  std::printf("libactivation-compute %s, %s kernels, gelu max %.0f ULP\n", api::Version(),
              api::ActiveTarget().c_str(), bound);
  int failures = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double expected = 0.5 * x[i] * std::erfc(-x[i] / std::sqrt(2.0));
    const double ulp = UlpDistance(y[i], static_cast<float>(expected));
    std::printf("gelu(%g) = %.9g (%.0f ULP from x*Phi(x))\n", x[i], y[i], ulp);
    if (!(ulp <= bound + 1)) ++failures;  // +1: the expected value is rounded to float once more
  }

  // A bad parameter is refused with a message naming it.
  api::Function bad;
  status = api::Function::Make("gelu", {{"approximate", 2}}, &bad);
  std::printf("gelu approximate=2: %s\n", status.ok() ? "accepted" : status.message().c_str());
  if (status.ok()) ++failures;
  return failures == 0 ? 0 : 1;
}
