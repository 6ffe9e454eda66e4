#include "client/batch/verify.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace activation::client {
namespace {

// Element i's bit pattern, whatever its width.
std::uint64_t BitsAt(const Elements& elements, std::size_t i) {
  switch (elements.element_bytes()) {
    case 2: return elements.as<std::uint16_t>()[i];
    case 4: return elements.as<std::uint32_t>()[i];
    default: return elements.as<std::uint64_t>()[i];
  }
}

// Representable values between two non-NaN elements of one dtype, from their
// sign-and-magnitude bit patterns `width` bits wide (-0 and +0 coincide).
std::uint64_t StepsBetween(std::uint64_t a, std::uint64_t b, std::size_t width) {
  const std::uint64_t sign = std::uint64_t{1} << (width - 1);
  const std::uint64_t magnitude_a = a & (sign - 1), magnitude_b = b & (sign - 1);
  if ((a & sign) != (b & sign)) return magnitude_a + magnitude_b;
  return magnitude_a > magnitude_b ? magnitude_a - magnitude_b : magnitude_b - magnitude_a;
}

double SmallestNormal(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat16: return 0x1p-14;
    case DataType::kFloat64: return DBL_MIN;
    case DataType::kFloat32:
    case DataType::kBFloat16: break;  // bfloat16 has float32's exponents
  }
  return FLT_MIN;
}

// How far `job`'s answers of one dtype may lie apart, in its ULP, when each
// side is within its published figures of the exact value; -1 when either
// side publishes none.
double SumOfBounds(const UlpBounds& server, const UlpBounds& local, const Job& job) {
  auto sum = [](double remote, double here) { return remote < 0 || here < 0 ? -1.0 : remote + here; };
  const double forward = sum(server.forward, local.forward);
  if (!job.gradient()) return forward;
  double gradient = sum(server.derivative, local.derivative);
  // A VJP multiplies f' (its relative error is up to twice its ULP figure
  // in the product's ULPs) and rounds the product once more on each side.
  if (job.mode == Mode::kVjp && gradient >= 0) gradient = 2 * gradient + 1;
  if (!job.include_output) return gradient;
  return forward < 0 || gradient < 0 ? -1.0 : std::max(forward, gradient);
}

// float16 and bfloat16 answers that are not correctly rounded are float32
// answers rounded once to the type (compute/dtype.h): two float32 answers u
// float32 ULP apart round to at most floor(u / 2^k) + 1 steps apart, where k
// is how many more significand bits float32 has.
double NarrowFromFloat32(DataType dtype, double float32_ulp) {
  const int extra_bits = dtype == DataType::kFloat16 ? 24 - 11 : 24 - 8;
  return std::floor(std::ldexp(float32_ulp, -extra_bits)) + 1;
}

}  // namespace

VerifyPolicy VerifyPolicy::BitForBit(std::string why) {
  VerifyPolicy p;
  p.description_ = "bit for bit (" + why + ")";
  return p;
}

VerifyPolicy VerifyPolicy::WithinUlp(std::int64_t ulp, std::string why) {
  VerifyPolicy p;
  p.tolerance_ulp_ = static_cast<std::uint64_t>(std::max<std::int64_t>(ulp, 1));
  p.description_ = "within " + std::to_string(p.tolerance_ulp_) + " ULP (" + why + ")";
  return p;
}

void VerifyPolicy::Compare(const Elements& remote, const Elements& local, std::uint64_t* mismatches,
                           double* max_abs_diff) const {
  if (remote.empty() || std::memcmp(remote.data(), local.data(), remote.byte_size()) == 0) return;
  const std::size_t width = 8 * remote.element_bytes();
  const double smallest_normal = SmallestNormal(remote.dtype());
  for (std::size_t i = 0; i < remote.size(); ++i) {
    const std::uint64_t remote_bits = BitsAt(remote, i), local_bits = BitsAt(local, i);
    if (remote_bits == local_bits) continue;
    const double r = remote.value(i), l = local.value(i);  // exact
    if (std::isnan(r) && std::isnan(l)) continue;          // NaNs of any payload agree
    if (tolerance_ulp_ != 0 && !std::isnan(r) && !std::isnan(l) &&
        ((std::fabs(r) < smallest_normal && std::fabs(l) < smallest_normal) ||
         StepsBetween(remote_bits, local_bits, width) <= tolerance_ulp_)) {
      continue;
    }
    ++*mismatches;
    const double d = std::fabs(r - l);
    if (!(d <= *max_abs_diff)) *max_abs_diff = d;  // NaN/inf differences stick
  }
}

VerifyPolicy ChooseVerifyPolicy(const ServerEntry& server, const std::string& local_target,
                                const ServerEntry& local, const Job& job) {
  if (!server.simd_target.empty() && server.simd_target == local_target) {
    return VerifyPolicy::BitForBit("both on " + local_target);
  }
  const std::string why = "server on " + (server.simd_target.empty() ? std::string("an unnamed target") : server.simd_target) +
                          ", here on " + local_target;
  double ulp = SumOfBounds(server.bounds(job.dtype), local.bounds(job.dtype), job);
  if (ulp == 0) return VerifyPolicy::BitForBit(why + "; both correctly rounded");
  std::string basis = why;
  if (IsNarrow(job.dtype)) {
    const double float32_ulp = SumOfBounds(server.bounds(DataType::kFloat32), local.bounds(DataType::kFloat32), job);
    if (float32_ulp >= 0) {
      ulp = float32_ulp == 0 ? 0 : NarrowFromFloat32(job.dtype, float32_ulp);
      basis += "; float32 answers within " + std::to_string(static_cast<long long>(std::ceil(float32_ulp))) +
               " ULP, rounded once to " + std::string(DataTypeName(job.dtype));
    } else {
      ulp = -1;
    }
  }
  if (ulp < 0) return VerifyPolicy::BitForBit(why + "; no published bound");
  if (ulp == 0) return VerifyPolicy::BitForBit(why + "; both correctly rounded");
  return VerifyPolicy::WithinUlp(static_cast<std::int64_t>(std::ceil(ulp)), basis);
}

}  // namespace activation::client
