// The Open Inference Protocol's (KServe v2) view of the catalogue, shared by
// its gRPC (server/oip_service.h) and HTTP/JSON (server/oip_http.h) front
// ends: each decodes its own message form into an InferRequest, and
// Prepare() maps it onto the one evaluation path (wire/evaluation.h).
//
// Every catalogue activation is a model of the same name (aliases accepted),
// version "1". Inputs: x (required), grad_output (optional, x's shape).
// Outputs: y = f(x) and grad_input = f'(x), or the vector-Jacobian product
// when grad_output is sent; default y. Request parameters are the
// activation's parameters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/status.h>

#include "compute/activation.h"
#include "wire/evaluation.h"
#include "wire/float_bytes.h"

namespace activation::server::oip {

inline constexpr std::string_view kModelVersion = "1";
inline constexpr std::string_view kPlatform = "activation";
inline constexpr std::string_view kServerName = "activation-server";
inline constexpr std::string_view kInputX = "x";
inline constexpr std::string_view kInputGradOutput = "grad_output";
inline constexpr std::string_view kOutputY = "y";
inline constexpr std::string_view kOutputGradInput = "grad_input";

// The model `name` at `version` (empty: the current one); NOT_FOUND naming
// both otherwise.
absl::Status FindModel(std::string_view name, std::string_view version, const Activation** model);

// A request parameter as the protocol carried it.
struct Parameter {
  enum class Kind { kNumber, kText, kOther };
  std::string_view name;
  Kind kind = Kind::kOther;
  double number = 0;      // kNumber
  std::string_view text;  // kText: must hold a number
};

// An input tensor, decoded by the front end. `tensor.shape` is the tensor's
// shape as sent (empty: a scalar).
struct Input {
  std::string_view name;
  wire::TensorRef tensor;
};

enum class Output { kY, kGradInput };
std::string_view OutputName(Output output);

struct InferRequest {
  std::string_view model_name;
  std::string_view model_version;
  std::vector<Parameter> parameters;
  std::vector<Input> inputs;
  std::vector<std::string_view> outputs;  // names asked for; empty: y
};

// An input's datatype (FP32, FP16, BF16 or FP64; wire/oip_datatype.h), read
// before its data: fills `dtype`, or names the field and the datatypes served.
absl::Status ReadDatatype(std::string_view field, std::string_view datatype, DataType* dtype);

// An input's little-endian bytes (raw_input_contents, the binary data
// extension) as elements of tensor->dtype: FP32 read in place when aligned,
// the others copied into `storage` (wire/float_bytes.h). An error names
// `field` when the length is not a whole number of elements.
struct InputBytes {
  wire::FloatBytes floats;
  std::vector<std::uint16_t> narrow;
  std::vector<double> wide;
};
absl::Status DecodeBytes(std::string_view bytes, const std::string& field, std::string_view datatype,
                         InputBytes* storage, wire::TensorRef* tensor);

// A request mapped onto the evaluation path, ready to run.
struct Plan {
  wire::Evaluation evaluation;
  std::vector<Output> outputs;  // in the response's order
  std::size_t x_index = 0;      // which of request.inputs is x
  std::vector<std::int64_t> shape;  // of every output: x's
};

// Checks everything (model, version, input and output names, parameters,
// shapes) before any work: NOT_FOUND for an unknown model or version,
// INVALID_ARGUMENT naming the field otherwise. The plan points into
// `request`'s tensors.
absl::Status Prepare(const InferRequest& request, Plan* plan);

// Writes each wanted output: `y` and `grad_input` may be null when not in
// plan.outputs. float32; RunNarrow for FP16 and BF16, RunFloat64 for FP64.
void Run(const Plan& plan, float* y, float* grad_input);
void RunNarrow(const Plan& plan, std::uint16_t* y, std::uint16_t* grad_input);
void RunFloat64(const Plan& plan, double* y, double* grad_input);

// Model metadata, as both front ends describe it.
struct TensorInfo {
  std::string_view name;
  std::string_view datatype;
  std::vector<std::int64_t> shape;
};
std::vector<TensorInfo> ModelInputs();
std::vector<TensorInfo> ModelOutputs();
// Protocol extensions the server supports.
std::vector<std::string_view> ServerExtensions();

}  // namespace activation::server::oip
