#include "server/oip_service.h"

#include <algorithm>

#include <string>
#include <vector>

#include "compute/registry.h"
#include "server/arena_allocator.h"
#include "server/oip.h"
#include "server/unary_reactor.h"
#include "server/version.h"
#include "wire/oip_datatype.h"

namespace activation::server {
namespace {

constexpr std::string_view kService = "inference.GRPCInferenceService";
constexpr MethodName kServerLive{kService, "ServerLive"};
constexpr MethodName kServerReady{kService, "ServerReady"};
constexpr MethodName kModelReady{kService, "ModelReady"};
constexpr MethodName kServerMetadata{kService, "ServerMetadata"};
constexpr MethodName kModelMetadata{kService, "ModelMetadata"};
constexpr MethodName kModelInfer{kService, "ModelInfer"};

using inference::InferParameter;
using inference::ModelInferRequest;
using inference::ModelInferResponse;

std::string RawField(int input) { return "raw_input_contents[" + std::to_string(input) + "]"; }

oip::Parameter ToParameter(const std::string& name, const InferParameter& value) {
  oip::Parameter parameter;
  parameter.name = name;
  switch (value.parameter_choice_case()) {
    case InferParameter::kDoubleParam:
      parameter.kind = oip::Parameter::Kind::kNumber;
      parameter.number = value.double_param();
      break;
    case InferParameter::kInt64Param:
      parameter.kind = oip::Parameter::Kind::kNumber;
      parameter.number = static_cast<double>(value.int64_param());
      break;
    case InferParameter::kUint64Param:
      parameter.kind = oip::Parameter::Kind::kNumber;
      parameter.number = static_cast<double>(value.uint64_param());
      break;
    case InferParameter::kStringParam:
      parameter.kind = oip::Parameter::Kind::kText;
      parameter.text = value.string_param();
      break;
    default:
      parameter.kind = oip::Parameter::Kind::kOther;
  }
  return parameter;
}

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// True when typed contents other than fp32_contents and fp64_contents carry data.
bool HasIntegerOrBytes(const inference::InferTensorContents& c) {
  return c.bool_contents_size() > 0 || c.int_contents_size() > 0 || c.int64_contents_size() > 0 ||
         c.uint_contents_size() > 0 || c.uint64_contents_size() > 0 || c.bytes_contents_size() > 0;
}

// The request's tensors as spans of their dtype (raw bytes read in place when
// aligned FP32, copied otherwise).
absl::Status Decode(const ModelInferRequest& request, std::vector<oip::InputBytes>* raw, oip::InferRequest* out) {
  out->model_name = request.model_name();
  out->model_version = request.model_version();
  for (const auto& [name, value] : request.parameters()) out->parameters.push_back(ToParameter(name, value));
  for (const auto& output : request.outputs()) out->outputs.push_back(output.name());

  const bool use_raw = request.raw_input_contents_size() > 0;
  if (use_raw && request.raw_input_contents_size() != request.inputs_size()) {
    return Invalid("raw_input_contents: " + std::to_string(request.raw_input_contents_size()) + " entries for " +
                   std::to_string(request.inputs_size()) + " inputs; send one per input, in the same order");
  }
  raw->resize(use_raw ? request.inputs_size() : 0);
  for (int i = 0; i < request.inputs_size(); ++i) {
    const ModelInferRequest::InferInputTensor& tensor = request.inputs(i);
    const std::string field = "inputs[" + std::to_string(i) + "]";
    oip::Input input;
    absl::Status status = oip::ReadDatatype(field, tensor.datatype(), &input.tensor.dtype);
    if (!status.ok()) return status;
    const DataType dtype = input.tensor.dtype;
    input.name = tensor.name();
    input.tensor.shape.assign(tensor.shape().begin(), tensor.shape().end());
    const inference::InferTensorContents& contents = tensor.contents();
    const bool wide = dtype == DataType::kFloat64;
    const int typed = wide ? contents.fp64_contents_size() : contents.fp32_contents_size();
    // The protocol has no typed contents for 16-bit floats: raw only.
    if (IsNarrow(dtype) && (!use_raw || HasIntegerOrBytes(contents) || contents.fp32_contents_size() > 0 ||
                            contents.fp64_contents_size() > 0)) {
      return Invalid(field + ": " + tensor.datatype() + " data goes in raw_input_contents");
    }
    if (HasIntegerOrBytes(contents) || (wide ? contents.fp32_contents_size() : contents.fp64_contents_size()) > 0) {
      return Invalid(field + ".contents: " + tensor.datatype() + " data goes in " +
                     (wide ? "fp64_contents" : "fp32_contents") + " (or in raw_input_contents)");
    }
    if (use_raw) {
      if (typed > 0) {
        return Invalid(field + ".contents: set together with raw_input_contents; send the data in one form");
      }
      status = oip::DecodeBytes(request.raw_input_contents(i), RawField(i), tensor.datatype(), &(*raw)[i],
                                &input.tensor);
      if (!status.ok()) return status;
    } else if (wide) {
      input.tensor.wide = contents.fp64_contents().data();
      input.tensor.size = static_cast<std::size_t>(typed);
    } else {
      input.tensor.data = contents.fp32_contents().data();
      input.tensor.size = static_cast<std::size_t>(typed);
    }
    out->inputs.push_back(std::move(input));
  }
  return absl::OkStatus();
}

// What a ModelInfer holds the memory budget for: the request and the
// response, at most two outputs the size of the request's data.
std::uint64_t BytesToReserve(const ModelInferRequest& request) {
  const std::uint64_t bytes = request.ByteSizeLong();
  const int outputs = request.outputs_size() == 0 ? 1 : request.outputs_size() > 1 ? 2 : 1;
  return bytes * (1 + static_cast<std::uint64_t>(outputs));
}

// The small methods: admitted and observed like any call, answered inline.
template <typename Fill>
grpc::ServerUnaryReactor* Answer(CallTracker& calls, const MethodName& method, grpc::CallbackServerContext* context,
                                 const google::protobuf::Message& request, const google::protobuf::Message& response,
                                 std::string_view model, Fill fill) {
  auto* reactor = new UnaryReactor(context);
  Call& call = reactor->call();
  absl::Status status = calls.Start(method, &call);
  call.Received(model, request.ByteSizeLong());
  if (status.ok()) status = fill();
  if (status.ok()) call.Served(0, response.ByteSizeLong());
  reactor->Answer(ToGrpc(status));
  return reactor;
}

}  // namespace

grpc::Status ServeModelInfer(ModelInferRequest* request, ModelInferResponse* response, std::size_t max_response_bytes,
                             std::size_t* elements, DataType* served_dtype) {
  std::vector<oip::InputBytes> raw;
  oip::InferRequest decoded;
  absl::Status status = Decode(*request, &raw, &decoded);
  if (!status.ok()) return ToGrpc(status);
  oip::Plan plan;
  status = oip::Prepare(decoded, &plan);
  if (!status.ok()) return ToGrpc(status);
  const std::size_t n = plan.evaluation.elements();
  *elements = n;
  if (served_dtype != nullptr) *served_dtype = plan.evaluation.dtype();

  // Tensor metadata is small; the data dominates. Refused before computing.
  constexpr std::size_t kPerOutputOverhead = 64 + 10 * wire::kMaxRank;
  const std::size_t element_bytes = std::max(sizeof(float), ElementBytes(plan.evaluation.dtype()));
  const std::size_t response_bytes = plan.outputs.size() * (n * element_bytes + kPerOutputOverhead);
  if (response_bytes > max_response_bytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "response: about " + std::to_string(response_bytes) + " bytes exceeds the send limit of " +
                            std::to_string(max_response_bytes) +
                            " bytes; send fewer elements per call or raise the server's --max-message-bytes");
  }

  response->set_model_name(request->model_name());
  response->set_model_version(std::string(oip::kModelVersion));
  response->set_id(request->id());
  const DataType dtype = plan.evaluation.dtype();
  if (IsNarrow(dtype)) {  // raw in, raw out, in the request's dtype
    std::vector<std::uint16_t> y(n), grad_input(n);
    oip::RunNarrow(plan, y.data(), grad_input.data());
    for (oip::Output output : plan.outputs) {
      ModelInferResponse::InferOutputTensor* tensor = response->add_outputs();
      tensor->set_name(std::string(oip::OutputName(output)));
      tensor->set_datatype(std::string(wire::OipDatatypeName(dtype)));
      tensor->mutable_shape()->Add(plan.shape.begin(), plan.shape.end());
      const std::vector<std::uint16_t>& bits = output == oip::Output::kY ? y : grad_input;
      response->add_raw_output_contents()->assign(reinterpret_cast<const char*>(bits.data()), n * 2);
    }
    return grpc::Status::OK;
  }
  const bool use_raw = request->raw_input_contents_size() > 0;
  if (dtype == DataType::kFloat64) {  // in the request's form: raw or fp64_contents
    std::vector<double> y(n), grad_input(n);
    oip::RunFloat64(plan, y.data(), grad_input.data());
    for (oip::Output output : plan.outputs) {
      ModelInferResponse::InferOutputTensor* tensor = response->add_outputs();
      tensor->set_name(std::string(oip::OutputName(output)));
      tensor->set_datatype(std::string(wire::OipDatatypeName(DataType::kFloat64)));
      tensor->mutable_shape()->Add(plan.shape.begin(), plan.shape.end());
      const std::vector<double>& values = output == oip::Output::kY ? y : grad_input;
      if (use_raw) {
        response->add_raw_output_contents()->assign(reinterpret_cast<const char*>(values.data()), n * 8);
      } else {
        tensor->mutable_contents()->mutable_fp64_contents()->Add(values.begin(), values.end());
      }
    }
    return grpc::Status::OK;
  }
  const std::size_t x = plan.x_index;
  // Elementwise kernels may write over their input: the last output Run()
  // writes (y when asked for, else grad_input) takes x's storage.
  bool wants_y = false;
  for (oip::Output output : plan.outputs) wants_y |= output == oip::Output::kY;
  const oip::Output last = wants_y ? oip::Output::kY : oip::Output::kGradInput;
  const bool in_place = plan.evaluation.may_overwrite_input() && !(use_raw && raw[x].floats.is_copy());
  float* y = nullptr;
  float* grad_input = nullptr;
  for (oip::Output output : plan.outputs) {
    ModelInferResponse::InferOutputTensor* tensor = response->add_outputs();
    tensor->set_name(std::string(oip::OutputName(output)));
    tensor->set_datatype(std::string(wire::OipDatatypeName(DataType::kFloat32)));
    tensor->mutable_shape()->Add(plan.shape.begin(), plan.shape.end());
    float*& destination = output == oip::Output::kY ? y : grad_input;
    const bool take = in_place && output == last;
    if (use_raw) {
      std::string* bytes = response->add_raw_output_contents();
      if (take) {
        bytes->swap(*request->mutable_raw_input_contents(static_cast<int>(x)));
      } else {
        bytes->resize(n * sizeof(float));
      }
      destination = reinterpret_cast<float*>(bytes->data());
    } else {
      auto* values = tensor->mutable_contents()->mutable_fp32_contents();
      if (take) {
        // Same arena (the allocator below): a pointer swap.
        values->Swap(request->mutable_inputs(static_cast<int>(x))->mutable_contents()->mutable_fp32_contents());
      } else {
        values->Reserve(static_cast<int>(n));
        values->AddNAlreadyReserved(static_cast<int>(n));  // the kernel writes every element
      }
      destination = values->mutable_data();
    }
    if (take) plan.evaluation.MoveInput(destination);
  }
  oip::Run(plan, y, grad_input);
  return grpc::Status::OK;
}

struct InferenceServiceImpl::Allocator {
  ArenaAllocator<ModelInferRequest, ModelInferResponse> infer;
};

InferenceServiceImpl::InferenceServiceImpl(CallTracker* calls, KernelExecutor* pool, std::size_t max_response_bytes)
    : calls_(calls), pool_(pool), max_response_bytes_(max_response_bytes), allocator_(std::make_unique<Allocator>()) {
  SetMessageAllocatorFor_ModelInfer(&allocator_->infer);
}

InferenceServiceImpl::~InferenceServiceImpl() = default;

grpc::ServerUnaryReactor* InferenceServiceImpl::ServerLive(grpc::CallbackServerContext* context,
                                                           const inference::ServerLiveRequest* request,
                                                           inference::ServerLiveResponse* response) {
  return Answer(*calls_, kServerLive, context, *request, *response, {}, [response] {
    response->set_live(true);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InferenceServiceImpl::ServerReady(grpc::CallbackServerContext* context,
                                                            const inference::ServerReadyRequest* request,
                                                            inference::ServerReadyResponse* response) {
  // Admitted means ready: while draining, admission answers UNAVAILABLE.
  return Answer(*calls_, kServerReady, context, *request, *response, {}, [response] {
    response->set_ready(true);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InferenceServiceImpl::ModelReady(grpc::CallbackServerContext* context,
                                                           const inference::ModelReadyRequest* request,
                                                           inference::ModelReadyResponse* response) {
  return Answer(*calls_, kModelReady, context, *request, *response, request->name(), [request, response] {
    const Activation* model = nullptr;
    absl::Status status = oip::FindModel(request->name(), request->version(), &model);
    if (status.ok()) response->set_ready(true);
    return status;
  });
}

grpc::ServerUnaryReactor* InferenceServiceImpl::ServerMetadata(grpc::CallbackServerContext* context,
                                                               const inference::ServerMetadataRequest* request,
                                                               inference::ServerMetadataResponse* response) {
  return Answer(*calls_, kServerMetadata, context, *request, *response, {}, [response] {
    response->set_name(std::string(oip::kServerName));
    response->set_version(kVersion);
    for (std::string_view extension : oip::ServerExtensions()) response->add_extensions(std::string(extension));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InferenceServiceImpl::ModelMetadata(grpc::CallbackServerContext* context,
                                                              const inference::ModelMetadataRequest* request,
                                                              inference::ModelMetadataResponse* response) {
  return Answer(*calls_, kModelMetadata, context, *request, *response, request->name(), [request, response] {
    const Activation* model = nullptr;
    absl::Status status = oip::FindModel(request->name(), request->version(), &model);
    if (!status.ok()) return status;
    response->set_name(std::string(model->name));
    response->add_versions(std::string(oip::kModelVersion));
    response->set_platform(std::string(oip::kPlatform));
    for (const auto& [infos, tensors] : {std::pair{oip::ModelInputs(), response->mutable_inputs()},
                                         std::pair{oip::ModelOutputs(), response->mutable_outputs()}}) {
      for (const oip::TensorInfo& info : infos) {
        auto* tensor = tensors->Add();
        tensor->set_name(std::string(info.name));
        tensor->set_datatype(std::string(info.datatype));
        tensor->mutable_shape()->Add(info.shape.begin(), info.shape.end());
      }
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* InferenceServiceImpl::ModelInfer(grpc::CallbackServerContext* context,
                                                           const ModelInferRequest* request,
                                                           ModelInferResponse* response) {
  auto* reactor = new UnaryReactor(context);
  Call& call = reactor->call();
  absl::Status admitted = calls_->Start(kModelInfer, &call);
  call.Received(request->model_name(), request->ByteSizeLong());
  if (admitted.ok()) admitted = call.Reserve(BytesToReserve(*request));
  if (!admitted.ok()) {
    reactor->Answer(ToGrpc(admitted));
    return reactor;
  }
  const std::size_t max_response_bytes = max_response_bytes_;
  const bool queued = RunOn(pool_, [&call, request, response, reactor, max_response_bytes] {
    std::size_t elements = 0;
    DataType dtype = DataType::kFloat32;
    // The request is this call's own (the arena allocator made it), so its
    // x buffer may become the response's.
    const grpc::Status status =
        ServeModelInfer(const_cast<ModelInferRequest*>(request), response, max_response_bytes, &elements, &dtype);
    if (status.ok()) call.Served(elements, response->ByteSizeLong(), dtype);
    reactor->Answer(status);
  });
  if (!queued) reactor->Answer(kQueueFull);
  return reactor;
}

}  // namespace activation::server
