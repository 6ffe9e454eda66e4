// libactivation-compute: neural-network activation functions, their
// derivatives and vector-Jacobian products over float32 arrays, with the
// service's catalogue, parameter checks and published accuracy.
//
// The whole public API is this header (C++17, standard library only). Every
// function is thread-safe; a Function is immutable once made. No function
// throws: failures come back as a Status whose message names the problem.
//
//   activation::api::Function gelu;
//   activation::api::Status s = activation::api::Function::Make("gelu", {}, &gelu);
//   if (s.ok()) s = gelu.Forward(x, y);  // x, y: std::vector<float> of one size
//
// Large arrays are split across a pool of worker threads the library starts
// on first need (ACTIVATION_COMPUTE_THREADS sets its size, ACTIVATION_SIMD_TARGET
// caps the instruction set; docs/library.md lists the variables).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__GNUC__) || defined(__clang__)
#define ACTIVATION_API __attribute__((visibility("default")))
#else
#define ACTIVATION_API
#endif

namespace activation::api {

// The library's version, "MAJOR.MINOR.PATCH"; the shared library's SONAME
// carries MAJOR.
ACTIVATION_API const char* Version();

// A view of `size` contiguous elements owned by the caller (std::span's
// subset, for C++17). Built from a pointer and a size, a C array, or any
// lvalue container with data() and size() (std::vector, std::array).
template <class T>
class Span {
 public:
  constexpr Span() noexcept = default;
  constexpr Span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  template <std::size_t N>
  constexpr Span(T (&array)[N]) noexcept : data_(array), size_(N) {}  // NOLINT: implicit by design
  template <class Container,
            class = std::enable_if_t<std::is_convertible_v<decltype(std::declval<Container&>().data()), T*>>>
  constexpr Span(Container& c) noexcept : data_(c.data()), size_(c.size()) {}  // NOLINT: implicit by design

  constexpr T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }
  constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// Success, or an error whose message, meant for people, names what is wrong
// (the activation, the parameter, the value and its valid range).
class Status {
 public:
  Status() = default;
  static Status Error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return ok_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : ok_(false), message_(std::move(message)) {}
  bool ok_ = true;
  std::string message_;
};

// Error bound in float32 ULP of f(x) and of f'(x); -1 when not measured.
struct UlpFigures {
  double forward = -1;
  double derivative = -1;
};

// The figures measured on one SIMD target, by Highway's name ("AVX3" for
// AVX-512, "AVX2", "SSE4", "SSSE3", "SCALAR").
struct TargetAccuracy {
  std::string target;
  UlpFigures ulp;
};

// The published worst case over every target (the bound the service
// promises), and each target's own figures where they were measured.
struct AccuracyInfo {
  UlpFigures max_ulp;
  std::vector<TargetAccuracy> targets;
};

// A parameter as published in the catalogue. Values must be finite; min/max
// may be +-inf for "unbounded on that side".
struct ParameterInfo {
  std::string name;
  std::string description;
  double default_value = 0;  // meaningless when `required`
  bool required = false;     // no default: Function::Make needs a value
  double min = 0;
  double max = 0;
  bool min_inclusive = true;
  bool max_inclusive = true;
  std::vector<double> excluded;  // values inside [min, max] that are not allowed
  std::string range;             // the range as error messages show it: "(0, inf)", "[-inf, inf], != 0"
};

// One activation of the catalogue.
struct ActivationInfo {
  std::string name;  // PyTorch's name: "gelu", "leaky_relu", "log_softmax"
  std::vector<std::string> aliases;
  std::string description;
  std::string formula;             // f(x)
  std::string derivative_formula;  // f'(x)
  std::vector<ParameterInfo> parameters;
  // Row-wise functions (softmax, log_softmax) work on rows of `row_length`
  // elements; the others elementwise. Derivative() of a row-wise function is
  // the Jacobian's diagonal.
  bool rowwise = false;
  AccuracyInfo accuracy;
};

// Every activation, in catalogue order. The reference stays valid for the
// life of the program.
ACTIVATION_API const std::vector<ActivationInfo>& Catalogue();

// The activation called `name_or_alias`; nullptr when there is none.
ACTIVATION_API const ActivationInfo* Find(std::string_view name_or_alias);

// The instruction set the kernels run on in this process ("AVX2", ...): the
// entry of AccuracyInfo::targets that applies.
ACTIVATION_API std::string ActiveTarget();

// A parameter value given by name, as in PyTorch (negative_slope = 0.2).
struct Param {
  std::string_view name;
  double value = 0;
};

// An activation with its parameters resolved and checked, ready to run.
class ACTIVATION_API Function {
 public:
  // Looks up `name` (or an alias), fills the parameters from their defaults
  // and `params`, and checks them: unknown names, missing required ones,
  // NaN/inf, out of range and violated relations (hardtanh's min_val <
  // max_val) are errors naming the parameter, the value and the valid range.
  // *out is set only on success.
  static Status Make(std::string_view name, const std::vector<Param>& params, Function* out);

  // An empty Function: every call on it fails until Make fills it.
  Function() = default;

  bool valid() const { return index_ != kNone; }
  // The catalogue entry (valid() only).
  const ActivationInfo& info() const;
  // The value of every parameter, in the order of info().parameters.
  const std::vector<double>& parameter_values() const { return values_; }

  // out[i] = f(x[i]). For a row-wise function, per row of `row_length`
  // elements (0: all of x is one row; x.size() must be a multiple of it);
  // elementwise functions ignore it. out.size() must equal x.size(); out
  // must not overlap x, except that it may be x itself for an elementwise
  // function.
  Status Forward(Span<const float> x, Span<float> out, std::size_t row_length = 0) const;
  // out[i] = f'(x[i]) (for a row-wise function, the Jacobian's diagonal).
  Status Derivative(Span<const float> x, Span<float> out, std::size_t row_length = 0) const;
  // out = grad_output^T J_f(x): for an elementwise function grad_output[i] *
  // f'(x[i]). grad_output and out have x's size; out must not overlap x or
  // grad_output.
  Status Vjp(Span<const float> x, Span<const float> grad_output, Span<float> out,
             std::size_t row_length = 0) const;

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t index_ = kNone;  // position in Catalogue()
  std::vector<double> values_;
};

}  // namespace activation::api
