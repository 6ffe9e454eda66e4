// Fuzz target: bytes -> inference.ModelInferRequest -> ServeModelInfer, as the
// Open Inference Protocol's gRPC handler serves it after admission. A crash,
// a sanitizer report or a broken invariant (trap) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "server/oip_service.h"

namespace {

constexpr std::size_t kSendLimit = 16 << 10;

// Bytes per raw element of an OIP datatype the server accepts.
std::size_t RawElementBytes(const std::string& datatype) {
  if (datatype == "FP16" || datatype == "BF16") return 2;
  return datatype == "FP64" ? 8 : 4;
}

// Elements of a tensor given as raw bytes or as typed contents.
std::size_t Elements(const std::string& datatype, const std::string* raw,
                     const inference::InferTensorContents& contents) {
  if (raw != nullptr) return raw->size() / RawElementBytes(datatype);
  return static_cast<std::size_t>(datatype == "FP64" ? contents.fp64_contents_size() : contents.fp32_contents_size());
}

// Elements of the request's x, as sent, before the request is consumed.
std::size_t ElementsOfX(const inference::ModelInferRequest& request) {
  for (int i = 0; i < request.inputs_size(); ++i) {
    if (request.inputs(i).name() != "x") continue;
    const std::string* raw = i < request.raw_input_contents_size() ? &request.raw_input_contents(i) : nullptr;
    return Elements(request.inputs(i).datatype(), raw, request.inputs(i).contents());
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  inference::ModelInferRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  const std::size_t n = ElementsOfX(request);
  const bool raw = request.raw_input_contents_size() > 0;
  const std::string id = request.id();
  inference::ModelInferResponse response;
  std::size_t elements = 0;
  const grpc::Status status = activation::server::ServeModelInfer(&request, &response, kSendLimit, &elements);
  if (status.ok()) {
    if (elements != n || response.id() != id || response.outputs_size() == 0) __builtin_trap();
    if (raw != (response.raw_output_contents_size() == response.outputs_size())) __builtin_trap();
    for (int i = 0; i < response.outputs_size(); ++i) {
      const inference::ModelInferResponse::InferOutputTensor& output = response.outputs(i);
      const std::string* bytes = raw ? &response.raw_output_contents(i) : nullptr;
      if (Elements(output.datatype(), bytes, output.contents()) != n) __builtin_trap();
    }
    if (response.ByteSizeLong() > kSendLimit) __builtin_trap();  // the limit let a larger answer through
  } else if (status.error_message().empty()) {
    __builtin_trap();  // every refusal says why
  } else if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT &&
             status.error_code() != grpc::StatusCode::NOT_FOUND &&
             status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
    __builtin_trap();
  }
  return 0;
}
