#include "server/oip.h"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "compute/client_text.h"
#include "compute/registry.h"
#include "wire/oip_datatype.h"

namespace activation::server::oip {
namespace {

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

absl::Status ToNumber(const Parameter& parameter, double* value) {
  const std::string field = "parameters." + ClientText(parameter.name);
  switch (parameter.kind) {
    case Parameter::Kind::kNumber:
      *value = parameter.number;
      return absl::OkStatus();
    case Parameter::Kind::kText: {
      // The whole text must be one number: "0.5", "-1e-3", not "0.5x" or "".
      const std::string text(parameter.text);
      char* end = nullptr;
      errno = 0;
      *value = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
        return Invalid(field + ": '" + ClientText(parameter.text) + "' is not a number");
      }
      return absl::OkStatus();
    }
    case Parameter::Kind::kOther:
      break;
  }
  return Invalid(field + ": must be a number (double_param, int64_param, or string_param holding a number)");
}

}  // namespace

absl::Status FindModel(std::string_view name, std::string_view version, const Activation** model) {
  *model = FindActivation(name);
  if (*model == nullptr) {
    return absl::NotFoundError("model '" + ClientText(name) + "' not found; models: " + CatalogueNames());
  }
  if (!version.empty() && version != kModelVersion) {
    return absl::NotFoundError("model '" + std::string((*model)->name) + "' has no version '" + ClientText(version) +
                               "'; versions: " + std::string(kModelVersion));
  }
  return absl::OkStatus();
}

std::string_view OutputName(Output output) { return output == Output::kY ? kOutputY : kOutputGradInput; }

absl::Status ReadDatatype(std::string_view field, std::string_view datatype, DataType* dtype) {
  if (!wire::ReadOipDatatype(datatype, dtype)) {
    return Invalid(std::string(field) + ".datatype: '" + ClientText(datatype) +
                   "' is not supported; send FP32, FP16, BF16 or FP64");
  }
  return absl::OkStatus();
}

absl::Status DecodeBytes(std::string_view bytes, const std::string& field, std::string_view datatype,
                         InputBytes* storage, wire::TensorRef* tensor) {
  Status decoded;
  if (tensor->dtype == DataType::kFloat32) {
    decoded = storage->floats.View(bytes, field);
    tensor->data = storage->floats.data();
    tensor->size = storage->floats.size();
  } else if (tensor->dtype == DataType::kFloat64) {
    decoded = wire::CopyElements(bytes, field, datatype, &storage->wide);
    tensor->wide = storage->wide.data();
    tensor->size = storage->wide.size();
  } else {
    decoded = wire::CopyElements(bytes, field, datatype, &storage->narrow);
    tensor->narrow = storage->narrow.data();
    tensor->size = storage->narrow.size();
  }
  return decoded.ok() ? absl::OkStatus() : Invalid(decoded.message());
}

absl::Status Prepare(const InferRequest& request, Plan* plan) {
  const Activation* model = nullptr;
  absl::Status status = FindModel(request.model_name, request.model_version, &model);
  if (!status.ok()) return status;

  const Input* x = nullptr;
  const Input* grad_output = nullptr;
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    const Input& input = request.inputs[i];
    const std::string field = "inputs[" + std::to_string(i) + "].name";
    const Input** slot = input.name == kInputX ? &x : input.name == kInputGradOutput ? &grad_output : nullptr;
    if (slot == nullptr) {
      return Invalid(field + ": unknown input '" + ClientText(input.name) + "'; model '" + std::string(model->name) +
                     "' takes x and, optionally, grad_output");
    }
    if (*slot != nullptr) return Invalid(field + ": input '" + std::string(input.name) + "' is given twice");
    *slot = &input;
    if (slot == &x) plan->x_index = i;
  }
  if (x == nullptr) return Invalid("inputs: no input named x; model '" + std::string(model->name) + "' needs one");
  for (const Input* input : {x, grad_output}) {
    // The protocol's empty shape is a scalar; the evaluation path's is 1-D.
    if (input != nullptr && input->tensor.shape.empty() && input->tensor.size != 1) {
      return Invalid(std::string(input->name) + ".shape: [] is a scalar (1 element) but the data holds " +
                     std::to_string(input->tensor.size) + " elements; send the shape");
    }
  }

  plan->outputs.clear();
  for (std::size_t i = 0; i < request.outputs.size(); ++i) {
    const std::string_view name = request.outputs[i];
    const std::string field = "outputs[" + std::to_string(i) + "].name";
    Output output;
    if (name == kOutputY) {
      output = Output::kY;
    } else if (name == kOutputGradInput) {
      output = Output::kGradInput;
    } else {
      return Invalid(field + ": unknown output '" + ClientText(name) + "'; model '" + std::string(model->name) +
                     "' has y and grad_input");
    }
    for (Output asked : plan->outputs) {
      if (asked == output) return Invalid(field + ": output '" + std::string(name) + "' is asked for twice");
    }
    plan->outputs.push_back(output);
  }
  if (plan->outputs.empty()) plan->outputs.push_back(Output::kY);
  bool y = false, gradient = false;
  for (Output output : plan->outputs) (output == Output::kY ? y : gradient) = true;
  if (grad_output != nullptr && !gradient) {
    return Invalid("grad_output: only the output grad_input uses it; ask for grad_input too");
  }

  wire::EvaluationRequest evaluation;
  evaluation.activation = request.model_name;
  evaluation.params.reserve(request.parameters.size());
  for (const Parameter& parameter : request.parameters) {
    double value = 0;
    status = ToNumber(parameter, &value);
    if (!status.ok()) return status;
    evaluation.params.emplace_back(parameter.name, value);
  }
  evaluation.input = x->tensor;
  evaluation.grad_output = grad_output != nullptr ? &grad_output->tensor : nullptr;
  evaluation.produce = !gradient ? wire::Produce::kOutput
                       : y       ? wire::Produce::kGradientAndOutput
                                 : wire::Produce::kGradient;
  evaluation.input_field = kInputX;
  evaluation.grad_output_field = kInputGradOutput;
  const Status prepared = wire::Evaluation::Prepare(evaluation, &plan->evaluation);
  if (!prepared.ok()) return Invalid(prepared.message());
  plan->shape = x->tensor.shape;
  return absl::OkStatus();
}

void Run(const Plan& plan, float* y, float* grad_input) { plan.evaluation.Run(grad_input, y); }
void RunNarrow(const Plan& plan, std::uint16_t* y, std::uint16_t* grad_input) {
  plan.evaluation.RunNarrow(grad_input, y);
}
void RunFloat64(const Plan& plan, double* y, double* grad_input) { plan.evaluation.RunFloat64(grad_input, y); }

std::vector<TensorInfo> ModelInputs() {
  const std::string_view fp32 = wire::OipDatatypeName(DataType::kFloat32);
  return {{kInputX, fp32, {-1}}, {kInputGradOutput, fp32, {-1}}};
}

std::vector<TensorInfo> ModelOutputs() {
  const std::string_view fp32 = wire::OipDatatypeName(DataType::kFloat32);
  return {{kOutputY, fp32, {-1}}, {kOutputGradInput, fp32, {-1}}};
}

std::vector<std::string_view> ServerExtensions() { return {"binary_tensor_data"}; }

}  // namespace activation::server::oip
