#include "server/oip_http.h"

#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "compute/client_text.h"
#include "server/config.h"
#include "server/oip.h"
#include "server/playground.h"
#include "server/version.h"
#include "wire/float_bytes.h"

namespace activation::server {
namespace {

namespace od = simdjson::ondemand;
using nlohmann::json;

constexpr std::string_view kService = "inference.REST";
constexpr MethodName kServerLive{kService, "ServerLive"};
constexpr MethodName kServerReady{kService, "ServerReady"};
constexpr MethodName kServerMetadata{kService, "ServerMetadata"};
constexpr MethodName kModelReady{kService, "ModelReady"};
constexpr MethodName kModelMetadata{kService, "ModelMetadata"};
constexpr MethodName kModelInfer{kService, "ModelInfer"};

constexpr std::size_t kHttpThreads = 64;
constexpr const char* kHeaderLength = "Inference-Header-Content-Length";
constexpr const char* kJson = "application/json";

// The call of the request this thread is serving: started by the handler,
// ended by the logger once the response has been written, so the memory
// budget covers the response until it is on the wire.
thread_local std::unique_ptr<Call> t_call;

int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

absl::StatusCode CodeOf(int http_status) {
  switch (http_status) {
    case 200: return absl::StatusCode::kOk;
    case 400: return absl::StatusCode::kInvalidArgument;
    case 404: return absl::StatusCode::kNotFound;
    case 413: case 429: return absl::StatusCode::kResourceExhausted;
    case 503: return absl::StatusCode::kUnavailable;
    default: return absl::StatusCode::kUnknown;
  }
}

// Client text may be any bytes; JSON output must be UTF-8.
std::string Dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

void Reply(httplib::Response& res, const absl::Status& status, const json& body = json::object()) {
  res.status = HttpStatus(status.code());
  res.set_content(status.ok() ? Dump(body) : Dump(json{{"error", std::string(status.message())}}), kJson);
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
  std::vector<float> data;
  std::optional<std::uint64_t> binary_size;  // parameters.binary_data_size
  absl::Status data_error;                   // reported after the datatype
};

struct JsonRequest {
  std::optional<std::string_view> id;
  std::vector<oip::Parameter> parameters;
  bool binary_output = false;  // parameters.binary_data_output
  std::vector<JsonInput> inputs;
  std::vector<std::pair<std::string_view, bool>> outputs;  // name, binary
};

// Flattens `value` (a number, or arrays nested up to the rank limit) into `out`.
void Flatten(od::value value, const std::string& field, std::size_t depth, std::vector<float>* out,
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
  out->push_back(static_cast<float>(value.get_double()));
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
      Flatten(v, field + ".data", 0, &input.data, &input.data_error);
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
      return Invalid(std::string(kHeaderLength) + ": '" + ClientText(header) + "' is not a length within the " +
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
  std::vector<wire::FloatBytes> views(parsed.inputs.size());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < parsed.inputs.size(); ++i) {
    JsonInput& input = parsed.inputs[i];
    const std::string field = "inputs[" + std::to_string(i) + "]";
    status = oip::CheckDatatype(field, input.datatype);
    if (!status.ok()) return status;
    oip::Input decoded;
    decoded.name = input.name;
    decoded.tensor.shape = input.shape;
    if (input.binary_size) {
      if (*input.binary_size > binary.size() - offset) {
        return Invalid(field + ".parameters.binary_data_size: " + std::to_string(*input.binary_size) +
                       " bytes, but only " + std::to_string(binary.size() - offset) +
                       " binary bytes are left after the JSON header");
      }
      const Status viewed = views[i].View(binary.substr(offset, *input.binary_size), field + " binary data");
      if (!viewed.ok()) return Invalid(viewed.message());
      offset += *input.binary_size;
      decoded.tensor.data = views[i].data();
      decoded.tensor.size = views[i].size();
    } else {
      if (!input.data_error.ok()) return input.data_error;
      decoded.tensor.data = input.data.data();
      decoded.tensor.size = input.data.size();
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
  // JSON spends up to ~16 characters on a float.
  constexpr std::size_t kJsonBytesPerFloat = 16;
  std::size_t response_bytes = 0;
  std::vector<bool> binary_outputs;
  for (std::size_t i = 0; i < plan.outputs.size(); ++i) {
    const bool as_binary = parsed.binary_output || (i < parsed.outputs.size() && parsed.outputs[i].second);
    binary_outputs.push_back(as_binary);
    response_bytes += n * (as_binary ? sizeof(float) : kJsonBytesPerFloat);
  }
  if (response_bytes > max_response_bytes) {
    return absl::ResourceExhaustedError("response: about " + std::to_string(response_bytes) +
                                        " bytes exceeds the send limit of " + std::to_string(max_response_bytes) +
                                        " bytes; send fewer elements per call, ask for binary_data outputs, or "
                                        "raise the server's --max-message-bytes");
  }
  std::vector<float> y, grad_input;
  for (oip::Output output : plan.outputs) (output == oip::Output::kY ? y : grad_input).resize(n);
  oip::Run(plan, y.empty() ? nullptr : y.data(), grad_input.empty() ? nullptr : grad_input.data());

  json header = {{"model_name", std::string(model)}, {"model_version", std::string(oip::kModelVersion)}};
  if (parsed.id) header["id"] = std::string(*parsed.id);
  json outputs = json::array();
  std::string binary_body;
  for (std::size_t i = 0; i < plan.outputs.size(); ++i) {
    const std::vector<float>& data = plan.outputs[i] == oip::Output::kY ? y : grad_input;
    json output = {{"name", std::string(oip::OutputName(plan.outputs[i]))},
                   {"datatype", std::string(oip::kFp32)},
                   {"shape", plan.shape}};
    if (binary_outputs[i]) {
      output["parameters"] = {{"binary_data_size", n * sizeof(float)}};
      binary_body.append(reinterpret_cast<const char*>(data.data()), n * sizeof(float));
    } else {
      output["data"] = data;
    }
    outputs.push_back(std::move(output));
  }
  header["outputs"] = std::move(outputs);
  answer->status = 200;
  answer->body = Dump(header);
  answer->elements = n;
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

// Starts this request's call on this thread; a refusal is answered at once.
absl::Status StartCall(CallTracker& calls, const MethodName& method, std::string_view model,
                       const httplib::Request& req) {
  t_call = std::make_unique<Call>();
  absl::Status status = calls.Start(method, t_call.get());
  t_call->Received(model, req.body.size());
  return status;
}

std::string_view Match(const httplib::Request& req, std::size_t i) {
  return i < req.matches.size() && req.matches[i].matched
             ? std::string_view(&*req.matches[i].first, static_cast<std::size_t>(req.matches[i].length()))
             : std::string_view();
}

}  // namespace

HttpAnswer ServeInfer(std::string_view body, const std::string* header_length, std::string_view model,
                      std::string_view version, std::size_t max_response_bytes) {
  HttpAnswer answer;
  const absl::Status status = Infer(body, header_length, model, version, max_response_bytes, &answer);
  if (!status.ok()) {
    answer = HttpAnswer();
    answer.status = HttpStatus(status.code());
    answer.body = Dump(json{{"error", std::string(status.message())}});
  }
  return answer;
}

std::unique_ptr<HttpFrontEnd> HttpFrontEnd::Start(const std::string& listen, const TlsFiles& tls, CallTracker* calls,
                                                  std::size_t max_message_bytes, std::string* error) {
  std::unique_ptr<HttpFrontEnd> front(new HttpFrontEnd);
  if (tls.cert.empty()) {
    front->http_ = std::make_unique<httplib::Server>();
  } else {
    front->http_ = std::make_unique<httplib::SSLServer>(tls.cert.c_str(), tls.key.c_str(),
                                                        tls.client_ca.empty() ? nullptr : tls.client_ca.c_str());
  }
  httplib::Server& http = *front->http_;
  if (!http.is_valid()) {
    *error = "--http-listen: cannot set up HTTPS with --tls-cert/--tls-key";
    return nullptr;
  }
  http.set_payload_max_length(max_message_bytes);
  http.set_keep_alive_max_count(1000);
  // A keep-alive connection holds one of these threads while it is open, so
  // there are enough for many clients; admission still bounds the calls.
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };

  auto simple = [calls](const MethodName& method, auto answer) {
    return [calls, method, answer](const httplib::Request& req, httplib::Response& res) {
      absl::Status status = StartCall(*calls, method, {}, req);
      json body;
      if (status.ok()) status = answer(req, &body);
      Reply(res, status, body);
      if (status.ok()) t_call->Served(0, res.body.size());
    };
  };
  http.Get("/v2/health/live", simple(kServerLive, [](const httplib::Request&, json* body) {
             *body = {{"live", true}};
             return absl::OkStatus();
           }));
  // Admitted means ready: while draining, admission answers 503.
  http.Get("/v2/health/ready", simple(kServerReady, [](const httplib::Request&, json* body) {
             *body = {{"ready", true}};
             return absl::OkStatus();
           }));
  http.Get("/v2", simple(kServerMetadata, [](const httplib::Request&, json* body) {
             json extensions = json::array();
             for (std::string_view extension : oip::ServerExtensions()) extensions.push_back(std::string(extension));
             *body = {{"name", std::string(oip::kServerName)}, {"version", kVersion}, {"extensions", extensions}};
             return absl::OkStatus();
           }));
  const std::string model_path = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";
  http.Get(model_path + "/ready", [calls](const httplib::Request& req, httplib::Response& res) {
    absl::Status status = StartCall(*calls, kModelReady, Match(req, 1), req);
    const Activation* model = nullptr;
    if (status.ok()) status = oip::FindModel(Match(req, 1), Match(req, 2), &model);
    Reply(res, status, status.ok() ? json{{"name", std::string(model->name)}, {"ready", true}} : json());
    if (status.ok()) t_call->Served(0, res.body.size());
  });
  http.Get(model_path, [calls](const httplib::Request& req, httplib::Response& res) {
    absl::Status status = StartCall(*calls, kModelMetadata, Match(req, 1), req);
    const Activation* model = nullptr;
    if (status.ok()) status = oip::FindModel(Match(req, 1), Match(req, 2), &model);
    Reply(res, status, status.ok() ? ModelMetadata(*model) : json());
    if (status.ok()) t_call->Served(0, res.body.size());
  });
  http.Post(model_path + "/infer", [calls, max_message_bytes](const httplib::Request& req, httplib::Response& res) {
    absl::Status status = StartCall(*calls, kModelInfer, Match(req, 1), req);
    // The body, the floats decoded from it and up to two outputs.
    if (status.ok()) status = t_call->Reserve(3 * static_cast<std::uint64_t>(req.body.size()));
    if (!status.ok()) return Reply(res, status);
    const std::string header = req.get_header_value(kHeaderLength);
    HttpAnswer answer = ServeInfer(req.body, req.has_header(kHeaderLength) ? &header : nullptr, Match(req, 1),
                                   Match(req, 2), max_message_bytes);
    res.status = answer.status;
    if (!answer.header_length.empty()) res.set_header(kHeaderLength, answer.header_length);
    res.set_content(std::move(answer.body), answer.content_type);
    if (answer.status == 200) t_call->Served(answer.elements, res.body.size());
  });
  ServePlayground(http);
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string what = res.status == 404   ? "not found: " + req.method + " " + ClientText(req.path)
                             : res.status == 413 ? "request body exceeds the server's --max-message-bytes"
                                                 : "HTTP status " + std::to_string(res.status);
    res.set_content(Dump(json{{"error", what}}), kJson);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Reply(res, absl::InternalError("internal error"));
  });
  http.set_logger([calls](const httplib::Request& req, const httplib::Response& res) {
    std::unique_ptr<Call> call = std::move(t_call);
    if (call == nullptr && res.status == 404) {
      // A path no endpoint serves: counted under the fixed "unknown" labels.
      call = std::make_unique<Call>();
      calls->Start(kUnknownMethod, call.get()).IgnoreError();
      call->Received({}, req.body.size());
    }
    if (call == nullptr) return;
    const absl::StatusCode code = CodeOf(res.status);
    std::string message;
    if (code != absl::StatusCode::kOk) message = res.body.substr(0, 512);
    call->End(code, message, req.remote_addr + ":" + std::to_string(req.remote_port));
  });

  std::string host;
  int port = 0;
  SplitHostPort(listen, &host, &port);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  front->port_ = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (front->port_ <= 0) {
    *error = "--http-listen: cannot listen on " + listen + " (address in use, or not a local address?)";
    return nullptr;
  }
  front->thread_ = std::thread([&http] { http.listen_after_bind(); });
  return front;
}

void HttpFrontEnd::Stop() {
  if (http_ != nullptr) http_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpFrontEnd::~HttpFrontEnd() { Stop(); }

}  // namespace activation::server
