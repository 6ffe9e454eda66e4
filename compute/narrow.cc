#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "compute/dtype.h"
#include "compute/registry.h"
#include "compute/simd/convert.h"
#include "compute/simd/target.h"

namespace activation {
namespace {

// The generated corrections: for each function and mode at `params`, the
// inputs whose rounded float32 kernel answer might differ from the
// correctly rounded one on some target, with the correct answer.
struct NarrowParams {
  const char* name;
  std::array<double, kMaxParams> params;
};
struct NarrowFix {
  const char* name;
  unsigned char mode;   // 0 forward, 1 derivative
  unsigned char dtype;  // 2 float16, 3 bfloat16 (the wire's numbering)
  std::uint16_t in;
  std::uint16_t out;
};
#include "compute/narrow_exceptions.inc"

std::uint32_t Bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float FromBits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

std::uint16_t FloatToHalf(float value) {
  const std::uint32_t bits = Bits(value);
  const std::uint16_t sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  std::uint32_t abs = bits & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return sign | 0x7E00u | static_cast<std::uint16_t>((abs >> 13) & 0x3FFu);
  if (abs >= 0x477FF000u) return sign | 0x7C00u;  // at or past 65520: rounds to inf
  if (abs < 0x38800000u) {
    // Subnormal half: adding 0.5 aligns the half's last place with float's, and the FPU rounds to even.
    const float sum = FromBits(abs) + 0.5f;
    return sign | static_cast<std::uint16_t>(Bits(sum) - Bits(0.5f));
  }
  const std::uint32_t odd = (abs >> 13) & 1u;
  abs += (static_cast<std::uint32_t>(15 - 127) << 23) + 0xFFFu + odd;
  return sign | static_cast<std::uint16_t>(abs >> 13);
}

float HalfToFloat(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu;
  const std::uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return FromBits(Bits(magnitude) | sign);
  }
  if (exponent == 31) return FromBits(sign | 0x7F800000u | (mantissa << 13));
  return FromBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

std::uint16_t FloatToBFloat(float value) {
  const std::uint32_t bits = Bits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);
  return static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

// Working floats for one call: reused per thread up to a size, so repeated
// calls do not fault fresh pages in; larger arrays are allocated each time.
class Scratch {
 public:
  explicit Scratch(std::size_t n) {
    constexpr std::size_t kKept = std::size_t{3} << 20;
    thread_local std::vector<float> kept;
    if (n <= kKept) {
      if (kept.size() < n) kept.resize(n);
      data_ = kept.data();
    } else {
      own_.reset(new float[n]);
      data_ = own_.get();
    }
  }
  float* data() { return data_; }

 private:
  std::unique_ptr<float[]> own_;
  float* data_ = nullptr;
};

bool MatchesTable(const Activation& activation, const KernelArgs& args, const NarrowParams& table) {
  for (std::size_t i = 0; i < activation.params.size(); ++i) {
    if (args.param[i] != table.params[i]) return false;
  }
  return true;
}

const NarrowParams* FindTableParams(const Activation& activation) {
  for (const NarrowParams& p : kNarrowParams) {
    if (activation.name == p.name) return &p;
  }
  return nullptr;
}

using Table = std::array<std::uint16_t, 65536>;

// The position of `activation` in the catalogue; none for a copy or any
// other Activation outside it.
std::optional<std::size_t> CatalogueIndex(const Activation& activation) {
  const std::vector<Activation>& catalogue = Catalogue();
  const Activation* first = catalogue.data();
  if (std::less<const Activation*>()(&activation, first) ||
      !std::less<const Activation*>()(&activation, first + catalogue.size())) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(&activation - first);
}

bool FixApplies(const NarrowFix& fix, const Activation& activation, Mode mode, DataType dtype) {
  const unsigned char wire_mode = mode == Mode::kForward ? 0 : 1;
  const unsigned char wire_dtype = dtype == DataType::kFloat16 ? 2 : 3;
  return fix.mode == wire_mode && fix.dtype == wire_dtype && activation.name == fix.name;
}

bool HasFixes(const Activation& activation, Mode mode, DataType dtype) {
  for (const NarrowFix& fix : kNarrowFixes) {
    if (FixApplies(fix, activation, mode, dtype)) return true;
  }
  return false;
}

// Every value of the type, widened, in bit-pattern order: what a table is
// built over.
std::vector<float> EveryInput(DataType dtype) {
  std::vector<std::uint16_t> all(65536);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  std::vector<float> x(all.size());
  WidenNarrow(dtype, all.data(), x.data(), x.size());
  return x;
}

// Builds the correctly rounded answers for `activation` at its table
// parameters on the current target, or returns nullptr where rounding the
// float32 kernel's answer is already correct for every input (no committed
// corrections) and the kernel is cheaper than a lookup. The table is never
// freed.
const Table* BuildTable(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype) {
  if (activation.cost == Cost::kMemoryBound && !HasFixes(activation, mode, dtype)) return nullptr;
  Table* table = new Table;
  const std::vector<float> x = EveryInput(dtype);
  std::vector<float> y(x.size());
  Compute(activation, mode, args, x.data(), nullptr, y.data(), y.size());
  RoundToNarrow(dtype, y.data(), table->data(), y.size());
  for (const NarrowFix& fix : kNarrowFixes) {
    if (FixApplies(fix, activation, mode, dtype)) (*table)[fix.in] = fix.out;
  }
  return table;
}

// The float32 kernel's derivative at every input of the type, computed on
// this target as the forward tables are, for the VJP: g f'(x) then takes
// f'(x) from here instead of widening x and running the kernel. None for
// memory-bound functions, whose kernels are as cheap as a lookup. Never
// freed.
using SlopeTable = std::array<float, 65536>;
const SlopeTable* BuildSlopeTable(const Activation& activation, Mode, const KernelArgs& args, DataType dtype) {
  if (activation.cost == Cost::kMemoryBound) return nullptr;
  SlopeTable* table = new SlopeTable;
  const std::vector<float> x = EveryInput(dtype);
  Compute(activation, Mode::kDerivative, args, x.data(), nullptr, table->data(), table->size());
  return table;
}

// One table slot per catalogue function, mode (forward, derivative), narrow
// type and compiled target, for tables of type T made by Build. Concurrent
// calls read a built slot without a lock; only the first use of a slot
// builds, under the lock.
template <class T, const T* (*Build)(const Activation&, Mode, const KernelArgs&, DataType)>
class TableSlots {
 public:
  TableSlots()
      : targets_(simd::CompiledTargets()), slots_(new Slot[Catalogue().size() * 2 * 2 * targets_.size()]) {}

  // Stops the process for an activation outside the catalogue (or a target
  // not compiled): its answers would silently lose their corrections.
  const T* Find(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype) {
    Slot* slot = SlotFor(activation, mode, dtype, simd::CurrentTarget());
    if (slot == nullptr) {
      std::fprintf(stderr, "ComputeNarrow: %.*s is not a catalogue entry\n", static_cast<int>(activation.name.size()),
                   activation.name.data());
      std::abort();
    }
    if (!slot->built.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(build_mutex_);
      if (!slot->built.load(std::memory_order_relaxed)) {
        slot->table = Build(activation, mode, args, dtype);
        slot->built.store(true, std::memory_order_release);
      }
    }
    return slot->table;
  }

 private:
  struct Slot {
    std::atomic<bool> built{false};
    const T* table = nullptr;  // written once, before `built`
  };

  Slot* SlotFor(const Activation& activation, Mode mode, DataType dtype, std::int64_t target) {
    const std::optional<std::size_t> function = CatalogueIndex(activation);
    const auto target_at = std::find(targets_.begin(), targets_.end(), target);
    if (!function || target_at == targets_.end()) return nullptr;
    const std::size_t mode_index = mode == Mode::kForward ? 0 : 1;
    const std::size_t dtype_index = dtype == DataType::kFloat16 ? 0 : 1;
    const std::size_t target_index = static_cast<std::size_t>(target_at - targets_.begin());
    return &slots_[((*function * 2 + mode_index) * 2 + dtype_index) * targets_.size() + target_index];
  }

  const std::vector<std::int64_t> targets_;
  const std::unique_ptr<Slot[]> slots_;
  std::mutex build_mutex_;
};

// The table for `activation` (a catalogue function) at its table parameters
// on the target dispatch runs on, built on first use so that each target's
// answers are what its own kernels give, corrected; nullptr where the kernel
// is used directly.
const Table* TableFor(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype) {
  // Never destroyed: tables stay reachable (and valid for threads still
  // running) through process exit.
  static auto* const slots = new TableSlots<Table, BuildTable>();
  return slots->Find(activation, mode, args, dtype);
}

// The derivative table for the VJP of `activation` at its table parameters;
// nullptr where the kernel is used directly.
const SlopeTable* SlopeTableFor(const Activation& activation, const KernelArgs& args, DataType dtype) {
  static auto* const slots = new TableSlots<SlopeTable, BuildSlopeTable>();
  return slots->Find(activation, Mode::kDerivative, args, dtype);
}

// Elements per step of the narrow paths: their working floats stay in the L1 cache.
constexpr std::size_t kBlock = 1024;

// Narrow elements through the float32 kernels on the calling thread, in
// blocks of kBlock: widen, compute, round once. The VJP takes the float32
// derivative times g, rounded once to the type (NarrowProduct).
void ComputeBlocks(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype,
                   const std::uint16_t* x, const std::uint16_t* grad_output, std::uint16_t* out, std::size_t n) {
  alignas(64) float wide[kBlock];
  alignas(64) float result[kBlock];
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    const std::size_t count = std::min(kBlock, n - begin);
    WidenNarrow(dtype, x + begin, wide, count);
    ComputePart(activation, mode == Mode::kVjp ? Mode::kDerivative : mode, args, wide, nullptr, result, count);
    if (mode == Mode::kVjp) {
      simd::NarrowProduct(dtype == DataType::kFloat16, grad_output + begin, result, out + begin, count);
    } else {
      RoundToNarrow(dtype, result, out + begin, count);
    }
  }
}

// Row-wise functions: as many whole rows at a time as fit in kBlock (a
// longer row alone), widened, computed in float32 and rounded.
void ComputeRows(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype,
                 const std::uint16_t* x, const std::uint16_t* grad_output, std::uint16_t* out, std::size_t n) {
  const std::size_t row = args.row_length > 0 ? args.row_length : n;
  const std::size_t chunk = std::max<std::size_t>(1, kBlock / row) * row;
  const std::size_t buffer = std::min(n, chunk);
  Scratch scratch(mode == Mode::kVjp ? 3 * buffer : 2 * buffer);  // x, the result and grad_output, widened
  float* wide = scratch.data();
  float* result = wide + buffer;
  float* grad = mode == Mode::kVjp ? result + buffer : nullptr;
  for (std::size_t begin = 0; begin < n; begin += chunk) {
    const std::size_t count = std::min(chunk, n - begin);
    WidenNarrow(dtype, x + begin, wide, count);
    if (grad != nullptr) WidenNarrow(dtype, grad_output + begin, grad, count);
    ComputePart(activation, mode, args, wide, grad, result, count);
    RoundToNarrow(dtype, result, out + begin, count);
  }
}

}  // namespace

std::string_view DataTypeName(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat16: return "float16";
    case DataType::kBFloat16: return "bfloat16";
    case DataType::kFloat64: return "float64";
    case DataType::kFloat32: break;
  }
  return "float32";
}

std::size_t ElementBytes(DataType dtype) {
  return IsNarrow(dtype) ? 2 : dtype == DataType::kFloat64 ? 8 : 4;
}

bool IsNarrow(DataType dtype) { return dtype == DataType::kFloat16 || dtype == DataType::kBFloat16; }

float NarrowToFloat(DataType dtype, std::uint16_t bits) {
  return dtype == DataType::kFloat16 ? HalfToFloat(bits) : FromBits(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t FloatToNarrow(DataType dtype, float value) {
  return dtype == DataType::kFloat16 ? FloatToHalf(value) : FloatToBFloat(value);
}

std::uint16_t DoubleToNarrow(DataType dtype, double value) { return FloatToNarrow(dtype, simd::RoundToOdd(value)); }

std::uint16_t LongDoubleToNarrow(DataType dtype, long double value) {
  return FloatToNarrow(dtype, simd::RoundToOdd(value));
}

void WidenNarrow(DataType dtype, const std::uint16_t* in, float* out, std::size_t n) {
  simd::WidenFloats(dtype == DataType::kFloat16, in, out, n);
}

void RoundToNarrow(DataType dtype, const float* in, std::uint16_t* out, std::size_t n) {
  simd::NarrowFloats(dtype == DataType::kFloat16, in, out, n);
}

const KernelArgs* NarrowTableParams(const Activation& activation) {
  // One per catalogue function, built once; never destroyed, like the tables.
  static const std::vector<std::optional<KernelArgs>>* const params = [] {
    auto* all = new std::vector<std::optional<KernelArgs>>(Catalogue().size());
    for (std::size_t i = 0; i < all->size(); ++i) {
      const NarrowParams* table = FindTableParams(Catalogue()[i]);
      if (table == nullptr || Catalogue()[i].rowwise) continue;
      (*all)[i].emplace().param = table->params;
    }
    return all;
  }();
  const std::optional<std::size_t> index = CatalogueIndex(activation);
  if (!index || !(*params)[*index]) return nullptr;
  return &*(*params)[*index];
}

void ComputeNarrow(const Activation& activation, Mode mode, const KernelArgs& args, DataType dtype,
                   const std::uint16_t* x, const std::uint16_t* grad_output, std::uint16_t* out, std::size_t n) {
  const std::uint16_t* g = mode == Mode::kVjp ? grad_output : nullptr;
  if (activation.rowwise) {
    ForEachPart(activation, args, n, [&](std::size_t begin, std::size_t end) {
      ComputeRows(activation, mode, args, dtype, x + begin, g ? g + begin : nullptr, out + begin, end - begin);
    });
    return;
  }
  const NarrowParams* table_params = FindTableParams(activation);
  const bool at_table_params = table_params != nullptr && MatchesTable(activation, args, *table_params);
  const Table* table = mode != Mode::kVjp && at_table_params ? TableFor(activation, mode, args, dtype) : nullptr;
  const SlopeTable* slopes = mode == Mode::kVjp && at_table_params ? SlopeTableFor(activation, args, dtype) : nullptr;
  ForEachPart(activation, args, n, [&](std::size_t begin, std::size_t end) {
    if (table != nullptr) {
      // A plain loop: 32-bit gathers (Highway 1.0 has no 16-bit one) lose to it on AMD's AVX-512 CPUs.
      for (std::size_t i = begin; i < end; ++i) out[i] = (*table)[x[i]];
    } else if (slopes != nullptr) {
      simd::NarrowProductLookup(dtype == DataType::kFloat16, g + begin, slopes->data(), x + begin, out + begin,
                                end - begin);
    } else {
      ComputeBlocks(activation, mode, args, dtype, x + begin, g ? g + begin : nullptr, out + begin, end - begin);
    }
  });
}

}  // namespace activation
