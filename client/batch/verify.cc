#include "client/batch/verify.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace activation::client {
namespace {

// Position of `v` on the line of floats (-0 and +0 coincide).
std::int64_t FloatIndex(float v) {
  std::int32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits < 0 ? -static_cast<std::int64_t>(bits & 0x7fffffff) : bits;
}

}  // namespace

VerifyPolicy VerifyPolicy::BitForBit(std::string why) {
  VerifyPolicy p;
  p.description_ = "bit for bit (" + why + ")";
  return p;
}

VerifyPolicy VerifyPolicy::WithinUlp(std::int64_t ulp, std::string why) {
  VerifyPolicy p;
  p.tolerance_ulp_ = std::max<std::int64_t>(ulp, 1);
  p.description_ = "within " + std::to_string(p.tolerance_ulp_) + " ULP (" + why + ")";
  return p;
}

bool VerifyPolicy::Agree(float remote, float local) const {
  if (std::memcmp(&remote, &local, sizeof remote) == 0 || (std::isnan(remote) && std::isnan(local))) return true;
  if (tolerance_ulp_ == 0 || std::isnan(remote) || std::isnan(local)) return false;
  if (std::fabs(remote) < FLT_MIN && std::fabs(local) < FLT_MIN) return true;
  return std::llabs(FloatIndex(remote) - FloatIndex(local)) <= tolerance_ulp_;
}

VerifyPolicy ChooseVerifyPolicy(const ServerEntry& server, const std::string& local_target,
                                const ServerEntry& local, const Job& job) {
  if (!server.simd_target.empty() && server.simd_target == local_target) {
    return VerifyPolicy::BitForBit("both on " + local_target);
  }
  const std::string why = "server on " + (server.simd_target.empty() ? std::string("an unnamed target") : server.simd_target) +
                          ", here on " + local_target;
  // Each side lies within its published bound of the correctly rounded value.
  auto sum = [&](double remote, double here) { return remote < 0 || here < 0 ? -1.0 : remote + here; };
  double ulp = sum(server.forward_max_ulp, local.forward_max_ulp);
  if (job.gradient()) {
    double gradient = sum(server.derivative_max_ulp, local.derivative_max_ulp);
    // A VJP multiplies f' (its relative error is up to twice its ULP figure
    // in the product's ULPs) and rounds the product once more on each side.
    if (job.mode == Mode::kVjp && gradient >= 0) gradient = 2 * gradient + 1;
    ulp = job.include_output ? (ulp < 0 || gradient < 0 ? -1.0 : std::max(ulp, gradient)) : gradient;
  }
  if (ulp < 0) return VerifyPolicy::BitForBit(why + "; no published bound");
  if (ulp == 0) return VerifyPolicy::BitForBit(why + "; both correctly rounded");
  return VerifyPolicy::WithinUlp(static_cast<std::int64_t>(std::ceil(ulp)), why);
}

}  // namespace activation::client
