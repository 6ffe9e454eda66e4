#include "server/oip_rest.h"

#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "compute/client_text.h"
#include "compute/dtype.h"
#include "server/oip.h"
#include "server/version.h"
#include "wire/oip_datatype.h"

namespace activation::server {
namespace {

namespace od = simdjson::ondemand;
using nlohmann::json;

// Client text may be any bytes; JSON output must be UTF-8.
std::string Dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

HttpAnswer JsonAnswer(const json& body) {
  HttpAnswer answer;
  answer.body = Dump(body);
  return answer;
}

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// A decoding error inside the JSON walk, carried out to the handler.
struct BadRequest {
  absl::Status status;
};

// ---- the request body ----

struct JsonInput {
  std::string_view name, datatype;
  std::vector<std::int64_t> shape;
  std::vector<double> numbers;               // data, as read
  std::optional<std::uint64_t> binary_size;  // parameters.binary_data_size
  absl::Status data_error;                   // reported after the datatype
  // data in the input's datatype: FP32 and FP16/BF16 rounded once from the
  // number read; FP64 is `numbers` itself.
  std::vector<float> floats;
  std::vector<std::uint16_t> narrow;
};

struct JsonRequest {
  std::optional<std::string_view> id;
  std::vector<oip::Parameter> parameters;
  bool binary_output = false;  // parameters.binary_data_output
  std::vector<JsonInput> inputs;
  std::vector<std::pair<std::string_view, bool>> outputs;  // name, binary
};

// Flattens `value` (a number, or arrays nested up to the rank limit) into `out`.
void Flatten(od::value value, const std::string& field, std::size_t depth, std::vector<double>* out,
             absl::Status* error) {
  if (!error->ok()) return;
  if (value.type() == od::json_type::array) {
    if (depth > wire::kMaxRank) {
      *error = Invalid(field + ": nested deeper than " + std::to_string(wire::kMaxRank) + " levels");
      return;
    }
    for (od::value element : value.get_array()) Flatten(element, field, depth + 1, out, error);
    return;
  }
  if (value.type() != od::json_type::number) {
    *error = Invalid(field + ": element " + std::to_string(out->size()) + " is not a number");
    return;
  }
  out->push_back(value.get_double());
}

// A value of the wrong type names the field; broken JSON is reported as such.
void Expect(simdjson::error_code error, const std::string& field, const char* what) {
  if (error == simdjson::SUCCESS) return;
  if (error == simdjson::INCORRECT_TYPE) throw BadRequest{Invalid(field + ": not " + what)};
  throw simdjson::simdjson_error(error);
}

std::uint64_t Unsigned(od::value value, const std::string& field) {
  std::uint64_t number = 0;
  Expect(value.get_uint64().get(number), field, "a whole number >= 0");
  return number;
}

std::string_view Text(od::value value, const std::string& field) {
  std::string_view text;
  Expect(value.get_string().get(text), field, "a string");
  return text;
}

bool Bool(od::value value, const std::string& field) {
  bool flag = false;
  Expect(value.get_bool().get(flag), field, "true or false");
  return flag;
}

od::object Object(od::value value, const std::string& field) {
  od::object object;
  Expect(value.get_object().get(object), field, "an object");
  return object;
}

od::array Array(od::value value, const std::string& field) {
  od::array array;
  Expect(value.get_array().get(array), field, "an array");
  return array;
}

JsonInput ParseInput(od::value value, const std::string& field) {
  JsonInput input;
  for (auto member : Object(value, field)) {
    const std::string_view key = member.unescaped_key();
    od::value v = member.value();
    if (key == "name") {
      input.name = Text(v, field + ".name");
    } else if (key == "datatype") {
      input.datatype = Text(v, field + ".datatype");
    } else if (key == "shape") {
      std::size_t i = 0;
      for (od::value d : Array(v, field + ".shape")) {
        std::int64_t dim = 0;
        Expect(d.get_int64().get(dim), field + ".shape[" + std::to_string(i) + "]", "a whole number");
        if (++i > wire::kMaxRank) {
          throw BadRequest{Invalid(field + ".shape: rank exceeds the maximum of " + std::to_string(wire::kMaxRank))};
        }
        input.shape.push_back(dim);
      }
    } else if (key == "parameters") {
      for (auto parameter : Object(v, field + ".parameters")) {
        if (std::string_view(parameter.unescaped_key()) == "binary_data_size") {
          input.binary_size = Unsigned(parameter.value(), field + ".parameters.binary_data_size");
        }
      }
    } else if (key == "data") {
      Flatten(v, field + ".data", 0, &input.numbers, &input.data_error);
    }
  }
  return input;
}

oip::Parameter ParseParameter(std::string_view name, od::value value) {
  oip::Parameter parameter;
  parameter.name = name;
  const od::json_type type = value.type();
  if (type == od::json_type::number) {
    parameter.kind = oip::Parameter::Kind::kNumber;
    parameter.number = value.get_double();
  } else if (type == od::json_type::string) {
    parameter.kind = oip::Parameter::Kind::kText;
    parameter.text = value.get_string();
  }
  return parameter;
}

JsonRequest ParseRequest(od::document& document) {
  JsonRequest request;
  od::object root;
  Expect(document.get_object().get(root), "body", "a JSON object");
  for (auto member : root) {
    const std::string_view key = member.unescaped_key();
    od::value v = member.value();
    if (key == "id") {
      request.id = Text(v, "id");
    } else if (key == "parameters") {
      for (auto parameter : Object(v, "parameters")) {
        const std::string_view name = parameter.unescaped_key();
        if (name == "binary_data_output") {
          request.binary_output = Bool(parameter.value(), "parameters.binary_data_output");
        } else {
          request.parameters.push_back(ParseParameter(name, parameter.value()));
        }
      }
    } else if (key == "inputs") {
      for (od::value input : Array(v, "inputs")) {
        request.inputs.push_back(ParseInput(input, "inputs[" + std::to_string(request.inputs.size()) + "]"));
      }
    } else if (key == "outputs") {
      for (od::value output : Array(v, "outputs")) {
        const std::string field = "outputs[" + std::to_string(request.outputs.size()) + "]";
        std::string_view name;
        bool binary = false;
        for (auto member : Object(output, field)) {
          const std::string_view output_key = member.unescaped_key();
          if (output_key == "name") name = Text(member.value(), field + ".name");
          if (output_key == "parameters") {
            for (auto parameter : Object(member.value(), field + ".parameters")) {
              if (std::string_view(parameter.unescaped_key()) == "binary_data") {
                binary = Bool(parameter.value(), field + ".parameters.binary_data");
              }
            }
          }
        }
        request.outputs.emplace_back(name, binary);
      }
    }
  }
  return request;
}

// Parses `text` into `request`; a status naming the problem otherwise.
absl::Status ParseJson(std::string_view text, od::parser& parser, simdjson::padded_string& padded,
                       JsonRequest* request) {
  padded = simdjson::padded_string(text);
  try {
    od::document document = parser.iterate(padded);
    *request = ParseRequest(document);
    const char* rest = nullptr;
    if (document.current_location().get(rest) == simdjson::SUCCESS) {
      return Invalid("malformed JSON: content after the top-level object");
    }
  } catch (const BadRequest& bad) {
    return bad.status;
  } catch (const simdjson::simdjson_error& e) {
    return Invalid(std::string("malformed JSON: ") + e.what());
  }
  return absl::OkStatus();
}


// ---- inference ----

// JSON data in the input's datatype: one rounding from the number read
// (FP32, FP16, BF16), or the number itself (FP64).
void FromNumbers(JsonInput* input, wire::TensorRef* tensor) {
  const std::vector<double>& numbers = input->numbers;
  tensor->size = numbers.size();
  if (tensor->dtype == DataType::kFloat64) {
    tensor->wide = numbers.data();
    return;
  }
  if (tensor->dtype == DataType::kFloat32) {
    input->floats.assign(numbers.begin(), numbers.end());
    tensor->data = input->floats.data();
  } else {
    input->narrow.resize(numbers.size());
    for (std::size_t i = 0; i < numbers.size(); ++i) input->narrow[i] = DoubleToNarrow(tensor->dtype, numbers[i]);
    tensor->narrow = input->narrow.data();
  }
  std::vector<double>().swap(input->numbers);  // no longer needed: free it before computing
}

// Characters a JSON number takes at most, with its comma: nlohmann-json
// writes the shortest text that reads back as the same double.
std::size_t JsonBytesPerElement(DataType dtype) { return dtype == DataType::kFloat64 ? 25 : 16; }

// The kernels for the storage type of each dtype.
void RunPlan(const oip::Plan& plan, float* y, float* grad_input) { oip::Run(plan, y, grad_input); }
void RunPlan(const oip::Plan& plan, std::uint16_t* y, std::uint16_t* grad_input) {
  oip::RunNarrow(plan, y, grad_input);
}
void RunPlan(const oip::Plan& plan, double* y, double* grad_input) { oip::RunFloat64(plan, y, grad_input); }

// An element as a JSON number: exact, since a double holds every value of
// every dtype (16-bit patterns widened first).
double JsonNumber(float value, DataType) { return value; }
double JsonNumber(double value, DataType) { return value; }
double JsonNumber(std::uint16_t bits, DataType dtype) { return NarrowToFloat(dtype, bits); }

// Computes the plan's outputs in their storage type T and describes them in
// the request's datatype: as JSON data, or appended to `binary_body`.
template <typename T>
json Outputs(const oip::Plan& plan, const std::vector<bool>& binary_outputs, std::string* binary_body) {
  const std::size_t n = plan.evaluation.elements();
  const DataType dtype = plan.evaluation.dtype();
  std::vector<T> y, grad_input;
  for (oip::Output output : plan.outputs) (output == oip::Output::kY ? y : grad_input).resize(n);
  RunPlan(plan, y.empty() ? nullptr : y.data(), grad_input.empty() ? nullptr : grad_input.data());
  json outputs = json::array();
  for (std::size_t i = 0; i < plan.outputs.size(); ++i) {
    const std::vector<T>& data = plan.outputs[i] == oip::Output::kY ? y : grad_input;
    json output = {{"name", std::string(oip::OutputName(plan.outputs[i]))},
                   {"datatype", std::string(wire::OipDatatypeName(dtype))},
                   {"shape", plan.shape}};
    if (binary_outputs[i]) {
      output["parameters"] = {{"binary_data_size", n * sizeof(T)}};
      binary_body->append(reinterpret_cast<const char*>(data.data()), n * sizeof(T));
    } else {
      json& values = output["data"] = json::array();
      values.get_ref<json::array_t&>().reserve(n);
      for (const T& value : data) values.push_back(JsonNumber(value, dtype));
    }
    outputs.push_back(std::move(output));
  }
  return outputs;
}

// Serves one inference into `answer` (OK), or returns why not.
absl::Status Infer(std::string_view body, const std::string* header_length, std::string_view model,
                   std::string_view version, std::size_t max_response_bytes, HttpAnswer* answer) {
  // The binary extension: the JSON header comes first, the tensors' bytes after it.
  std::string_view json_text = body;
  std::string_view binary;
  if (header_length != nullptr) {
    const std::string& header = *header_length;
    std::size_t length = 0;
    const bool number = !header.empty() && header.size() <= 19 &&
                        header.find_first_not_of("0123456789") == std::string::npos;
    if (number) length = std::stoull(header);
    if (!number || length > body.size()) {
      return Invalid(std::string(kInferenceHeaderLength) + ": '" + ClientText(header) + "' is not a length within the " +
                     std::to_string(body.size()) + "-byte body");
    }
    json_text = body.substr(0, length);
    binary = body.substr(length);
  }
  static thread_local od::parser parser;
  simdjson::padded_string padded;
  JsonRequest parsed;
  absl::Status status = ParseJson(json_text, parser, padded, &parsed);
  if (!status.ok()) return status;

  oip::InferRequest request;
  request.model_name = model;
  request.model_version = version;
  request.parameters = parsed.parameters;
  for (const auto& [name, binary_output] : parsed.outputs) request.outputs.push_back(name);
  std::vector<oip::InputBytes> bytes(parsed.inputs.size());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < parsed.inputs.size(); ++i) {
    JsonInput& input = parsed.inputs[i];
    const std::string field = "inputs[" + std::to_string(i) + "]";
    oip::Input decoded;
    status = oip::ReadDatatype(field, input.datatype, &decoded.tensor.dtype);
    if (!status.ok()) return status;
    decoded.name = input.name;
    decoded.tensor.shape = input.shape;
    if (input.binary_size) {
      const std::string size_field = field + ".parameters.binary_data_size";
      if (*input.binary_size > binary.size() - offset) {
        return Invalid(size_field + ": " + std::to_string(*input.binary_size) + " bytes, but only " +
                       std::to_string(binary.size() - offset) + " binary bytes are left after the JSON header");
      }
      status = oip::DecodeBytes(binary.substr(offset, *input.binary_size), size_field, input.datatype, &bytes[i],
                                &decoded.tensor);
      if (!status.ok()) return status;
      offset += *input.binary_size;
    } else {
      if (!input.data_error.ok()) return input.data_error;
      FromNumbers(&input, &decoded.tensor);
    }
    request.inputs.push_back(std::move(decoded));
  }
  if (offset != binary.size()) {
    return Invalid("body: " + std::to_string(binary.size() - offset) +
                   " binary bytes after the JSON header belong to no input (binary_data_size)");
  }

  oip::Plan plan;
  status = oip::Prepare(request, &plan);
  if (!status.ok()) return status;
  const std::size_t n = plan.evaluation.elements();
  const DataType dtype = plan.evaluation.dtype();
  std::size_t response_bytes = 0;
  std::vector<bool> binary_outputs;
  for (std::size_t i = 0; i < plan.outputs.size(); ++i) {
    const bool as_binary = parsed.binary_output || (i < parsed.outputs.size() && parsed.outputs[i].second);
    binary_outputs.push_back(as_binary);
    response_bytes += n * (as_binary ? ElementBytes(dtype) : JsonBytesPerElement(dtype));
  }
  if (response_bytes > max_response_bytes) {
    return absl::ResourceExhaustedError("response: about " + std::to_string(response_bytes) +
                                        " bytes exceeds the send limit of " + std::to_string(max_response_bytes) +
                                        " bytes; send fewer elements per call, ask for binary_data outputs, or "
                                        "raise the server's --max-message-bytes");
  }

  json header = {{"model_name", std::string(model)}, {"model_version", std::string(oip::kModelVersion)}};
  if (parsed.id) header["id"] = std::string(*parsed.id);
  std::string binary_body;
  switch (dtype) {
    case DataType::kFloat32: header["outputs"] = Outputs<float>(plan, binary_outputs, &binary_body); break;
    case DataType::kFloat64: header["outputs"] = Outputs<double>(plan, binary_outputs, &binary_body); break;
    default: header["outputs"] = Outputs<std::uint16_t>(plan, binary_outputs, &binary_body); break;
  }
  answer->status = 200;
  answer->body = Dump(header);
  answer->elements = n;
  answer->dtype = dtype;
  if (!binary_body.empty()) {
    answer->header_length = std::to_string(answer->body.size());
    answer->body += binary_body;
    answer->content_type = "application/octet-stream";
  }
  return absl::OkStatus();
}

json ModelMetadata(const Activation& model) {
  auto tensors = [](const std::vector<oip::TensorInfo>& infos) {
    json list = json::array();
    for (const oip::TensorInfo& info : infos) {
      list.push_back({{"name", std::string(info.name)}, {"datatype", std::string(info.datatype)}, {"shape", info.shape}});
    }
    return list;
  };
  return {{"name", std::string(model.name)},
          {"versions", {std::string(oip::kModelVersion)}},
          {"platform", std::string(oip::kPlatform)},
          {"inputs", tensors(oip::ModelInputs())},
          {"outputs", tensors(oip::ModelOutputs())}};
}
}  // namespace

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

absl::StatusCode StatusCodeOf(int http_status) {
  switch (http_status) {
    case 200: return absl::StatusCode::kOk;
    case 400: return absl::StatusCode::kInvalidArgument;
    case 404: return absl::StatusCode::kNotFound;
    case 413: case 429: return absl::StatusCode::kResourceExhausted;
    case 503: return absl::StatusCode::kUnavailable;
    default: return absl::StatusCode::kUnknown;
  }
}

HttpAnswer ErrorAnswer(const absl::Status& status) {
  HttpAnswer answer = JsonAnswer(json{{"error", std::string(status.message())}});
  answer.status = HttpStatusOf(status.code());
  return answer;
}

HttpAnswer ServeInfer(std::string_view body, const std::string* header_length, std::string_view model,
                      std::string_view version, std::size_t max_response_bytes) {
  HttpAnswer answer;
  const absl::Status status = Infer(body, header_length, model, version, max_response_bytes, &answer);
  return status.ok() ? answer : ErrorAnswer(status);
}

HttpAnswer LiveAnswer() { return JsonAnswer({{"live", true}}); }

HttpAnswer ReadyAnswer() { return JsonAnswer({{"ready", true}}); }

HttpAnswer ServerMetadataAnswer() {
  json extensions = json::array();
  for (std::string_view extension : oip::ServerExtensions()) extensions.push_back(std::string(extension));
  return JsonAnswer({{"name", std::string(oip::kServerName)}, {"version", kVersion}, {"extensions", extensions}});
}

HttpAnswer ModelMetadataAnswer(std::string_view model, std::string_view version) {
  const Activation* found = nullptr;
  const absl::Status status = oip::FindModel(model, version, &found);
  return status.ok() ? JsonAnswer(ModelMetadata(*found)) : ErrorAnswer(status);
}

HttpAnswer ModelReadyAnswer(std::string_view model, std::string_view version) {
  const Activation* found = nullptr;
  const absl::Status status = oip::FindModel(model, version, &found);
  return status.ok() ? JsonAnswer({{"name", std::string(found->name)}, {"ready", true}}) : ErrorAnswer(status);
}

}  // namespace activation::server
