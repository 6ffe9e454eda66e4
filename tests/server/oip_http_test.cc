// The Open Inference Protocol's HTTP/REST API (--http-listen) of an
// in-process server: every endpoint, JSON and binary tensor data, and
// answers equal to the same server's activation.v1 answers bit for bit;
// FP16, BF16 and FP64 answers against the independent long double reference
// (tests/compute/reference.cc).
#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "compute/dtype.h"
#include "compute/registry.h"
#include "tests/compute/reference.h"
#include "tests/server/oip_common.h"
#include "tests/server/tensors.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using nlohmann::json;

ServerConfig WithHttp() {
  ServerConfig config = TestServer::Defaults();
  config.http_listen = "127.0.0.1:0";
  return config;
}

// Finite inputs (JSON has no NaN or infinity), kinks, a spread of magnitudes.
std::vector<float> Inputs() {
  std::vector<float> xs = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 3.0f, -3.0f, 6.0f, 20.0f, -20.0f, 1e-30f, 0.1f, 2.5f};
  for (int i = 0; i < 18; ++i) xs.push_back(std::ldexp(static_cast<float>((i * 37) % 23) - 11.0f, (i % 9) - 4));
  return xs;
}

// Exactly the float: nlohmann-json writes the double holding it in full
// (and -0 as -0.0).
json Data(const std::vector<float>& xs) {
  json data = json::array();
  for (float x : xs) data.push_back(static_cast<double>(x));
  return data;
}

std::vector<float> Floats(const json& data) {
  std::vector<float> out;
  for (const json& x : data) out.push_back(x.get<float>());
  return out;
}

class OipHttpTest : public ::testing::Test {
 protected:
  OipHttpTest() : http_("127.0.0.1", server_.server->http_port()) {}

  // GET, checking the status; the parsed body.
  json Get(const std::string& path, int status) {
    auto result = http_.Get(path);
    EXPECT_TRUE(result) << path;
    if (!result) return {};
    EXPECT_EQ(result->status, status) << path << ": " << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json") << path;
    return json::parse(result->body);
  }

  json Post(const std::string& path, const json& body, int status) {
    auto result = http_.Post(path, body.dump(), "application/json");
    EXPECT_TRUE(result) << path;
    if (!result) return {};
    EXPECT_EQ(result->status, status) << path << ": " << result->body;
    return json::parse(result->body);
  }

  // activation.v1's f, f' and VJP for the same inputs.
  void V1(const std::string& name, const std::vector<std::pair<std::string, double>>& params,
          const std::vector<float>& xs, const std::vector<float>& gs, std::vector<float>* y,
          std::vector<float>* derivative, std::vector<float>* vjp) {
    v1::GradientRequest request;
    request.set_activation(name);
    for (const auto& [param, value] : params) (*request.mutable_params())[param] = value;
    *request.mutable_input() = MakeTensor(xs, Encoding::kRaw);
    request.set_include_output(true);
    v1::GradientResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(server_.stub->Gradient(&context, request, &response).ok()) << name;
    *y = ReadTensor(response.output(), request.input());
    *derivative = ReadTensor(response.grad_input(), request.input());
    *request.mutable_grad_output() = MakeTensor(gs, Encoding::kRaw);
    grpc::ClientContext vjp_context;
    ASSERT_TRUE(server_.stub->Gradient(&vjp_context, request, &response).ok()) << name;
    *vjp = ReadTensor(response.grad_input(), request.input());
  }

  // POST with the binary data extension: `header`, then `binary`; the
  // answer's JSON and its binary part.
  std::pair<json, std::string> PostBinary(const std::string& path, const json& header, const std::string& binary,
                                          int status) {
    std::string body = header.dump();
    const httplib::Headers headers = {{"Inference-Header-Content-Length", std::to_string(body.size())}};
    body += binary;
    auto result = http_.Post(path, headers, body, "application/octet-stream");
    EXPECT_TRUE(result) << path;
    if (!result) return {};
    EXPECT_EQ(result->status, status) << path << ": " << result->body;
    const std::string length = result->get_header_value("Inference-Header-Content-Length");
    const std::size_t json_length = length.empty() ? result->body.size() : std::stoul(length);
    return {json::parse(result->body.substr(0, json_length)), result->body.substr(json_length)};
  }

  TestServer server_{WithHttp()};
  httplib::Client http_;
};

template <typename T>
std::string Bytes(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

template <typename T>
std::vector<T> FromBytes(const std::string& bytes, std::size_t offset, std::size_t n) {
  std::vector<T> values(n);
  if (offset + n * sizeof(T) <= bytes.size()) std::memcpy(values.data(), bytes.data() + offset, n * sizeof(T));
  return values;
}

// The default parameters of a reference function, as request parameters.
json ReferenceParams(const accuracy::ReferenceFunction& ref) {
  json parameters = json::object();
  const std::vector<double>& values = ref.param_sets.front();
  for (std::size_t i = 0; i < values.size(); ++i) parameters[std::string(ref.param_names[i])] = values[i];
  return parameters;
}

// Within 4 ULP of binary64 where the exact value rounds to a normal double;
// closer than DBL_MIN to it elsewhere.
::testing::AssertionResult WithinFourUlp(double got, long double exact) {
  const double rounded = static_cast<double>(exact);
  if (std::fabs(rounded) < DBL_MIN) {
    if (std::fabs(static_cast<long double>(got) - exact) < DBL_MIN) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << got << " is not within DBL_MIN of " << static_cast<double>(exact);
  }
  const auto key = [](double d) {
    std::int64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return bits >= 0 ? bits : -(bits & INT64_MAX);
  };
  const std::int64_t ulp = std::llabs(key(got) - key(rounded));
  if (ulp <= 4) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << ::testing::PrintToString(got) << " is " << ulp << " ULP from "
                                       << ::testing::PrintToString(rounded);
}

TEST_F(OipHttpTest, HealthAndServerMetadata) {
  EXPECT_EQ(Get("/v2/health/live", 200)["live"], true);
  EXPECT_EQ(Get("/v2/health/ready", 200)["ready"], true);
  const json metadata = Get("/v2", 200);
  EXPECT_EQ(metadata["name"], "activation-server");
  EXPECT_EQ(metadata["version"], ACTIVATION_SERVER_VERSION);
  EXPECT_EQ(metadata["extensions"], json::array({"binary_tensor_data"}));
}

TEST_F(OipHttpTest, ModelMetadataAndReadiness) {
  for (const Activation& a : Catalogue()) {
    std::vector<std::string_view> names = a.aliases;
    names.push_back(a.name);
    for (std::string_view name : names) {
      for (const std::string& prefix : {"/v2/models/" + std::string(name), "/v2/models/" + std::string(name) + "/versions/1"}) {
        const json metadata = Get(prefix, 200);
        EXPECT_EQ(metadata["name"], a.name);
        EXPECT_EQ(metadata["versions"], json::array({"1"}));
        EXPECT_EQ(metadata["inputs"][0]["name"], "x");
        EXPECT_EQ(metadata["inputs"][1]["name"], "grad_output");
        EXPECT_EQ(metadata["outputs"][0]["name"], "y");
        EXPECT_EQ(metadata["outputs"][1]["name"], "grad_input");
        EXPECT_EQ(Get(prefix + "/ready", 200)["ready"], true);
      }
    }
  }
}

TEST_F(OipHttpTest, NotFound) {
  for (const char* path : {"/v2/models/bogus", "/v2/models/bogus/ready", "/v2/models/sigmoid/versions/2",
                           "/v2/models/sigmoid/versions/2/ready", "/v2/nothing", "/v3"}) {
    const json body = Get(path, 404);
    EXPECT_TRUE(body["error"].is_string()) << path;
  }
  const json body = Post("/v2/models/bogus/infer", {{"inputs", json::array()}}, 404);
  EXPECT_NE(body["error"].get<std::string>().find("model 'bogus' not found"), std::string::npos);
  Post("/v2/models/relu/versions/7/infer", {{"inputs", json::array()}}, 404);
}

// Every activation with parameters over JSON: y and grad_input in one call,
// then the VJP, each equal to activation.v1's answer bit for bit.
TEST_F(OipHttpTest, EveryActivationEqualsActivationV1) {
  const std::vector<float> xs = Inputs();
  std::vector<float> gs(xs.size());
  for (std::size_t i = 0; i < gs.size(); ++i) gs[i] = 0.25f * static_cast<float>(static_cast<int>(i % 7) - 3);
  const std::vector<std::int64_t> shape = {2, static_cast<std::int64_t>(xs.size() / 2)};
  for (const Activation& a : Catalogue()) {
    const std::string name(a.name);
    const auto params = OipParams(a);
    std::vector<float> want_y, want_d, want_vjp;
    // Row-wise functions: activation.v1 row by row.
    if (a.rowwise) {
      std::vector<float> y0, d0, v0, y1, d1, v1_;
      const std::size_t half = xs.size() / 2;
      V1(name, params, {xs.begin(), xs.begin() + half}, {gs.begin(), gs.begin() + half}, &y0, &d0, &v0);
      V1(name, params, {xs.begin() + half, xs.end()}, {gs.begin() + half, gs.end()}, &y1, &d1, &v1_);
      want_y = y0, want_d = d0, want_vjp = v0;
      want_y.insert(want_y.end(), y1.begin(), y1.end());
      want_d.insert(want_d.end(), d1.begin(), d1.end());
      want_vjp.insert(want_vjp.end(), v1_.begin(), v1_.end());
    } else {
      V1(name, params, xs, gs, &want_y, &want_d, &want_vjp);
    }
    json parameters = json::object();
    for (const auto& [param, value] : params) parameters[param] = value;
    const json request = {{"id", "call-" + name},
                          {"parameters", parameters},
                          {"inputs", {{{"name", "x"}, {"shape", shape}, {"datatype", "FP32"}, {"data", Data(xs)}}}},
                          {"outputs", {{{"name", "y"}}, {{"name", "grad_input"}}}}};
    const json response = Post("/v2/models/" + name + "/infer", request, 200);
    EXPECT_EQ(response["id"], "call-" + name);
    EXPECT_EQ(response["model_name"], name);
    EXPECT_EQ(response["model_version"], "1");
    ASSERT_EQ(response["outputs"].size(), 2u) << name;
    EXPECT_EQ(response["outputs"][0]["name"], "y");
    EXPECT_EQ(response["outputs"][0]["shape"], json(shape));
    EXPECT_EQ(response["outputs"][0]["datatype"], "FP32");
    ExpectBitEqual(Floats(response["outputs"][0]["data"]), want_y, name + " y");
    ExpectBitEqual(Floats(response["outputs"][1]["data"]), want_d, name + " f'");

    json vjp = request;
    vjp["inputs"].push_back({{"name", "grad_output"}, {"shape", shape}, {"datatype", "FP32"}, {"data", Data(gs)}});
    vjp["outputs"] = {{{"name", "grad_input"}}};
    const json vjp_response = Post("/v2/models/" + name + "/infer", vjp, 200);
    ExpectBitEqual(Floats(vjp_response["outputs"][0]["data"]), want_vjp, name + " VJP");
  }
}

TEST_F(OipHttpTest, NestedDataEqualsFlatAndParametersAsText) {
  const json nested = {{"parameters", {{"negative_slope", "0.5"}}},
                       {"inputs", {{{"name", "x"}, {"shape", {2, 2}}, {"datatype", "FP32"},
                                    {"data", {{-2, 1}, {-4, 3}}}}}}};
  const json response = Post("/v2/models/leaky_relu/infer", nested, 200);
  EXPECT_EQ(response["outputs"][0]["data"], json({-1, 1, -2, 3}));
  EXPECT_EQ(response["outputs"][0]["shape"], json({2, 2}));
  EXPECT_EQ(response.count("id"), 0u);
}

// The binary tensor data extension: raw little-endian floats after the JSON
// header, in and out; non-finite values travel too.
TEST_F(OipHttpTest, BinaryData) {
  std::vector<float> xs = Inputs();
  xs.push_back(NAN);
  xs.push_back(INFINITY);
  xs.push_back(-INFINITY);
  xs.push_back(-104.0f);
  std::vector<float> gs(xs.size(), 0.5f);
  std::vector<float> want_y, want_d, want_vjp;
  V1("gelu", {}, xs, gs, &want_y, &want_d, &want_vjp);
  const std::int64_t n = static_cast<std::int64_t>(xs.size());
  const json header = {
      {"inputs",
       {{{"name", "x"}, {"shape", {n}}, {"datatype", "FP32"}, {"parameters", {{"binary_data_size", n * 4}}}},
        {{"name", "grad_output"}, {"shape", {n}}, {"datatype", "FP32"}, {"parameters", {{"binary_data_size", n * 4}}}}}},
      {"outputs", {{{"name", "grad_input"}, {"parameters", {{"binary_data", true}}}}, {{"name", "y"}}}}};
  std::string body = header.dump();
  const std::size_t header_length = body.size();
  body.append(reinterpret_cast<const char*>(xs.data()), xs.size() * 4);
  body.append(reinterpret_cast<const char*>(gs.data()), gs.size() * 4);
  httplib::Headers headers = {{"Inference-Header-Content-Length", std::to_string(header_length)}};
  auto result = http_.Post("/v2/models/gelu/infer", headers, body, "application/octet-stream");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  ASSERT_TRUE(result->has_header("Inference-Header-Content-Length"));
  const std::size_t json_length = std::stoul(result->get_header_value("Inference-Header-Content-Length"));
  const json response = json::parse(result->body.substr(0, json_length));
  ASSERT_EQ(response["outputs"].size(), 2u);
  EXPECT_EQ(response["outputs"][0]["name"], "grad_input");
  EXPECT_EQ(response["outputs"][0]["parameters"]["binary_data_size"], n * 4);
  EXPECT_EQ(response["outputs"][0].count("data"), 0u);
  ASSERT_EQ(result->body.size(), json_length + xs.size() * 4);
  std::vector<float> got(xs.size());
  std::memcpy(got.data(), result->body.data() + json_length, xs.size() * 4);
  ExpectBitEqual(got, want_vjp, "gelu VJP, binary");
  // y was asked for without binary_data: JSON (non-finite values become null).
  const json& y = response["outputs"][1]["data"];
  ASSERT_EQ(y.size(), xs.size());
  for (std::size_t i = 0; i + 4 < xs.size(); ++i) EXPECT_EQ(y[i].get<float>(), want_y[i]) << i;

  // binary_data_output asks for every output in binary; it is no activation parameter.
  json all = {{"parameters", {{"binary_data_output", true}}}, {"inputs", {header["inputs"][0]}}};
  std::string all_body = all.dump();
  headers = {{"Inference-Header-Content-Length", std::to_string(all_body.size())}};
  all_body.append(reinterpret_cast<const char*>(xs.data()), xs.size() * 4);
  result = http_.Post("/v2/models/gelu/infer", headers, all_body, "application/octet-stream");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const std::size_t all_length = std::stoul(result->get_header_value("Inference-Header-Content-Length"));
  ASSERT_EQ(result->body.size(), all_length + xs.size() * 4);
  std::memcpy(got.data(), result->body.data() + all_length, xs.size() * 4);
  ExpectBitEqual(got, want_y, "gelu y, binary");
}

TEST_F(OipHttpTest, BadRequests) {
  const json x = {{"name", "x"}, {"shape", {2}}, {"datatype", "FP32"}, {"data", {1, 2}}};
  struct Case {
    json body;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{{"inputs", {x}}, {"outputs", {{{"name", "z"}}}}}, "outputs[0].name: unknown output 'z'"},
      {{{"inputs", {x}}, {"parameters", {{"beta", -1}}}}, "softplus.beta: value -1 is out of range"},
      {{{"inputs", {x}}, {"parameters", {{"beta", true}}}}, "parameters.beta: must be a number"},
      {{{"inputs", {x}}, {"parameters", {{"beta", "big"}}}}, "parameters.beta: 'big' is not a number"},
      {{{"inputs", {x}}, {"parameters", {{"slope", 1}}}}, "slope"},
      {{{"inputs", {{{"name", "x"}, {"shape", {3}}, {"datatype", "FP32"}, {"data", {1, 2}}}}}}, "x.shape"},
      {{{"inputs", {{{"name", "x"}, {"shape", {2}}, {"datatype", "INT32"}, {"data", {1, 2}}}}}},
       "inputs[0].datatype: 'INT32' is not supported"},
      {{{"inputs", {{{"name", "x"}, {"shape", {2}}, {"datatype", "FP32"}, {"data", {1, "a"}}}}}},
       "inputs[0].data: element 1 is not a number"},
      {{{"inputs", "x"}}, "inputs: not an array"},
      {{{"inputs", json::array()}}, "inputs: no input named x"},
  };
  for (const Case& c : cases) {
    const json body = Post("/v2/models/softplus/infer", c.body, 400);
    EXPECT_NE(body["error"].get<std::string>().find(c.message), std::string::npos) << body.dump();
  }
  for (const char* malformed : {"{\"inputs\": [", "not json", "", "{\"inputs\": []} trailing"}) {
    auto result = http_.Post("/v2/models/softplus/infer", malformed, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << malformed;
    EXPECT_TRUE(json::parse(result->body)["error"].is_string());
  }
  // Binary sizes that do not add up.
  for (const auto& [header_length, declared] : std::vector<std::pair<std::string, int>>{{"9999", 8}, {"x", 8}, {"", 12}}) {
    json header = {{"inputs", {{{"name", "x"}, {"shape", {2}}, {"datatype", "FP32"},
                                {"parameters", {{"binary_data_size", declared}}}}}}};
    std::string body = header.dump();
    httplib::Headers headers = {
        {"Inference-Header-Content-Length", header_length.empty() ? std::to_string(body.size()) : header_length}};
    body.append(8, '\0');
    auto result = http_.Post("/v2/models/softplus/infer", headers, body, "application/octet-stream");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << result->body;
  }
  // The server keeps serving.
  Post("/v2/models/softplus/infer", {{"inputs", {x}}}, 200);
}

// FP64 as JSON numbers and as binary data, for every function served in
// float64 that has a reference: f, f' and the VJP within 4 ULP of the exact
// values (the VJP the product of grad_output and f', rounded once), the JSON
// numbers equal to the binary answers bit for bit (written to round-trip),
// every output labelled FP64.
TEST_F(OipHttpTest, Float64JsonAndBinaryWithinFourUlp) {
  // Not floats: the answers need all of a double's digits.
  const std::vector<double> xs = {0.1, -0.1, 1.0 / 3, -2.0 / 3, 2.5 + 1e-12, -7.25, 0.0, -0.0,
                                  12.345678901234567, -19.999999999999, 3.0, 0.7071067811865476};
  std::vector<double> gs;
  for (std::size_t i = 0; i < xs.size(); ++i) gs.push_back(0.3 * (static_cast<double>(i % 5) - 2));
  const std::size_t n = xs.size();
  const std::vector<std::int64_t> shape = {3, static_cast<std::int64_t>(n / 3)};
  std::size_t served = 0;
  for (const Activation& a : Catalogue()) {
    const accuracy::ReferenceFunction* ref = accuracy::FindReference(a.name);
    if (a.rowwise || ref == nullptr) continue;
    ++served;
    const std::string name(a.name);
    const std::vector<double>& p = ref->param_sets.front();
    const json x_json = {{"name", "x"}, {"shape", shape}, {"datatype", "FP64"}, {"data", xs}};
    const json g_json = {{"name", "grad_output"}, {"shape", shape}, {"datatype", "FP64"}, {"data", gs}};
    const json both = {{{"name", "y"}}, {{"name", "grad_input"}}};
    const json answer = Post("/v2/models/" + name + "/infer",
                             {{"parameters", ReferenceParams(*ref)}, {"inputs", {x_json}}, {"outputs", both}}, 200);
    const json vjp_answer = Post(
        "/v2/models/" + name + "/infer",
        {{"parameters", ReferenceParams(*ref)}, {"inputs", {x_json, g_json}}, {"outputs", {{{"name", "grad_input"}}}}},
        200);
    ASSERT_EQ(answer["outputs"].size(), 2u) << name;
    for (const json& output : answer["outputs"]) {
      EXPECT_EQ(output["datatype"], "FP64") << name;
      EXPECT_EQ(output["shape"], json(shape)) << name;
    }
    EXPECT_EQ(vjp_answer["outputs"][0]["datatype"], "FP64") << name;
    const std::vector<double> y = answer["outputs"][0]["data"].get<std::vector<double>>();
    const std::vector<double> d = answer["outputs"][1]["data"].get<std::vector<double>>();
    const std::vector<double> vjp = vjp_answer["outputs"][0]["data"].get<std::vector<double>>();
    ASSERT_EQ(y.size(), n) << name;
    ASSERT_EQ(d.size(), n) << name;
    ASSERT_EQ(vjp.size(), n) << name;
    for (std::size_t i = 0; i < n; ++i) {
      const long double x = xs[i];
      EXPECT_TRUE(WithinFourUlp(y[i], ref->forward(x, p.data()))) << name << " f(" << xs[i] << ")";
      EXPECT_TRUE(WithinFourUlp(d[i], ref->derivative(x, p.data()))) << name << " f'(" << xs[i] << ")";
      EXPECT_EQ(vjp[i], gs[i] * d[i]) << name << " VJP at " << xs[i];
    }

    // The same in binary: the same doubles, bit for bit.
    json header = {{"parameters", ReferenceParams(*ref)},
                   {"inputs",
                    {{{"name", "x"}, {"shape", shape}, {"datatype", "FP64"}, {"parameters", {{"binary_data_size", n * 8}}}}}},
                   {"outputs", both}};
    header["parameters"]["binary_data_output"] = true;
    const auto [binary_header, binary] = PostBinary("/v2/models/" + name + "/infer", header, Bytes(xs), 200);
    ASSERT_EQ(binary.size(), 2 * n * 8) << name;
    EXPECT_EQ(binary_header["outputs"][0]["datatype"], "FP64");
    EXPECT_EQ(binary_header["outputs"][0]["parameters"]["binary_data_size"], n * 8);
    EXPECT_EQ(Bytes(FromBytes<double>(binary, 0, n)), Bytes(y)) << name << " y: JSON and binary differ";
    EXPECT_EQ(Bytes(FromBytes<double>(binary, n * 8, n)), Bytes(d)) << name << " f': JSON and binary differ";
  }
  EXPECT_GE(served, 10u);
}

// A double is written with the digits it needs to read back unchanged.
TEST_F(OipHttpTest, Float64JsonKeepsEveryDigit) {
  const json request = {
      {"inputs", {{{"name", "x"}, {"shape", {2}}, {"datatype", "FP64"}, {"data", {0.30000000000000004, 1e-300}}}}}};
  auto result = http_.Post("/v2/models/relu/infer", request.dump(), "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_NE(result->body.find("[0.30000000000000004,1e-300]"), std::string::npos) << result->body;
}

// FP16 and BF16 as JSON numbers and as binary data: f, f' and the VJP of
// every elementwise function at its default parameters equal the exact
// values rounded once, in the request's datatype.
TEST_F(OipHttpTest, Float16AndBFloat16JsonAndBinaryCorrectlyRounded) {
  // Exact in both types (at most 4 significant bits), so nothing is rounded on the way in.
  std::vector<float> xs = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 3.0f, -3.0f, 6.0f, 20.0f, -20.0f, 2.5f};
  for (int i = 0; i < 24; ++i) xs.push_back(std::ldexp(static_cast<float>((i * 37) % 23) - 11.0f, (i % 9) - 4));
  std::vector<float> gs;
  for (std::size_t i = 0; i < xs.size(); ++i) gs.push_back(0.25f * static_cast<float>(static_cast<int>(i % 7) - 3));
  const std::size_t n = xs.size();
  const std::vector<std::int64_t> shape = {2, static_cast<std::int64_t>(n / 2)};
  const auto same = [](DataType dtype, std::uint16_t got, long double exact) {
    return NarrowToFloat(dtype, got) == NarrowToFloat(dtype, LongDoubleToNarrow(dtype, exact));
  };
  std::size_t checked = 0;
  for (DataType dtype : {DataType::kFloat16, DataType::kBFloat16}) {
    const std::string datatype = dtype == DataType::kFloat16 ? "FP16" : "BF16";
    std::vector<std::uint16_t> x_bits, g_bits;
    for (std::size_t i = 0; i < n; ++i) {
      x_bits.push_back(FloatToNarrow(dtype, xs[i]));
      g_bits.push_back(FloatToNarrow(dtype, gs[i]));
      ASSERT_EQ(NarrowToFloat(dtype, x_bits[i]), xs[i]);
      ASSERT_EQ(NarrowToFloat(dtype, g_bits[i]), gs[i]);
    }
    for (const Activation& a : Catalogue()) {
      const accuracy::ReferenceFunction* ref = accuracy::FindReference(a.name);
      if (a.rowwise || ref == nullptr) continue;
      ++checked;
      const std::string path = "/v2/models/" + std::string(a.name) + "/infer";
      const std::vector<double>& p = ref->param_sets.front();
      const json outputs = {{{"name", "y"}}, {{"name", "grad_input"}}};
      for (bool binary : {false, true}) {
        const std::string what = std::string(a.name) + " " + datatype + (binary ? " binary" : " JSON");
        std::vector<std::uint16_t> y, vjp;
        if (binary) {
          json input = {{"shape", shape}, {"datatype", datatype}, {"parameters", {{"binary_data_size", n * 2}}}};
          json header = {{"parameters", ReferenceParams(*ref)}, {"inputs", {input, input}}, {"outputs", outputs}};
          header["inputs"][0]["name"] = "x";
          header["inputs"][1]["name"] = "grad_output";
          header["parameters"]["binary_data_output"] = true;
          const auto [answer, data] = PostBinary(path, header, Bytes(x_bits) + Bytes(g_bits), 200);
          ASSERT_EQ(data.size(), 2 * n * 2) << what;
          EXPECT_EQ(answer["outputs"][1]["parameters"]["binary_data_size"], n * 2) << what;
          EXPECT_EQ(answer["outputs"][1]["datatype"], datatype) << what;
          y = FromBytes<std::uint16_t>(data, 0, n);
          vjp = FromBytes<std::uint16_t>(data, n * 2, n);
        } else {
          const json request = {
              {"parameters", ReferenceParams(*ref)},
              {"inputs",
               {{{"name", "x"}, {"shape", shape}, {"datatype", datatype}, {"data", Data(xs)}},
                {{"name", "grad_output"}, {"shape", shape}, {"datatype", datatype}, {"data", Data(gs)}}}},
              {"outputs", outputs}};
          const json answer = Post(path, request, 200);
          ASSERT_EQ(answer["outputs"].size(), 2u) << what;
          for (const json& output : answer["outputs"]) {
            EXPECT_EQ(output["datatype"], datatype) << what;
            EXPECT_EQ(output["shape"], json(shape)) << what;
            ASSERT_EQ(output["data"].size(), n) << what;
          }
          // Every answer is a value of the type, written exactly.
          for (const json& value : answer["outputs"][0]["data"]) y.push_back(FloatToNarrow(dtype, value.get<float>()));
          for (const json& value : answer["outputs"][1]["data"]) vjp.push_back(FloatToNarrow(dtype, value.get<float>()));
          for (std::size_t i = 0; i < n; ++i) {
            EXPECT_EQ(NarrowToFloat(dtype, y[i]), answer["outputs"][0]["data"][i].get<double>()) << what;
          }
        }
        // The derivative alone, in the same form as the VJP's.
        for (std::size_t i = 0; i < n; ++i) {
          const long double x = xs[i];
          EXPECT_TRUE(same(dtype, y[i], ref->forward(x, p.data()))) << what << " f(" << xs[i] << ")";
          EXPECT_TRUE(same(dtype, vjp[i], gs[i] * ref->derivative(x, p.data()))) << what << " VJP at " << xs[i];
        }
      }
    }
  }
  EXPECT_GE(checked, 40u);

  // A JSON number is rounded once to the nearest value of the type.
  for (const auto& [datatype, rounded] : {std::pair{"FP16", 0.0999755859375}, std::pair{"BF16", 0.10009765625}}) {
    const json answer = Post("/v2/models/relu/infer",
                             {{"inputs", {{{"name", "x"}, {"shape", {1}}, {"datatype", datatype}, {"data", {0.1}}}}}},
                             200);
    EXPECT_EQ(answer["outputs"][0]["data"], json({rounded})) << datatype;
  }
}

TEST_F(OipHttpTest, DatatypeErrors) {
  const auto x = [](const char* datatype, json data) {
    return json{{"name", "x"}, {"shape", {2}}, {"datatype", datatype}, {"data", data}};
  };
  const auto g = [](const char* datatype) {
    return json{{"name", "grad_output"}, {"shape", {2}}, {"datatype", datatype}, {"data", {1, 2}}};
  };
  const json gradient = {{{"name", "grad_input"}}};
  struct Case {
    json body;
    std::string message;
  };
  std::vector<Case> cases = {
      {{{"inputs", {x("FP64", {1, 2}), g("FP32")}}, {"outputs", gradient}},
       "grad_output.dtype float32 differs from x.dtype float64; they must be equal"},
      {{{"inputs", {x("FP16", {1, 2}), g("BF16")}}, {"outputs", gradient}},
       "grad_output.dtype bfloat16 differs from x.dtype float16; they must be equal"},
      {{{"inputs", {x("INT8", {1, 2})}}}, "inputs[0].datatype: 'INT8' is not supported; send FP32, FP16, BF16 or FP64"},
      {{{"inputs", {x("FP64", {1, "2"})}}}, "inputs[0].data: element 1 is not a number"},
  };
  for (const Case& c : cases) {
    const json body = Post("/v2/models/tanh/infer", c.body, 400);
    EXPECT_NE(body["error"].get<std::string>().find(c.message), std::string::npos) << body.dump();
  }

  // Binary data that is not a whole number of elements of the datatype.
  for (const auto& [datatype, size] : {std::pair{"FP16", 3}, std::pair{"BF16", 5}, std::pair{"FP64", 12},
                                       std::pair{"FP32", 6}}) {
    const json header = {{"inputs",
                          {{{"name", "x"}, {"shape", {1}}, {"datatype", datatype},
                            {"parameters", {{"binary_data_size", size}}}}}}};
    const json body = PostBinary("/v2/models/tanh/infer", header, std::string(size, '\0'), 400).first;
    const std::string message = body["error"].get<std::string>();
    EXPECT_EQ(message.rfind("inputs[0].parameters.binary_data_size: " + std::to_string(size) + " bytes is not a multiple of ", 0), 0u)
        << message;
  }
  // Whole elements, but not the shape's number.
  const json header = {{"inputs",
                        {{{"name", "x"}, {"shape", {3}}, {"datatype", "FP64"}, {"parameters", {{"binary_data_size", 16}}}}}}};
  const json body = PostBinary("/v2/models/tanh/infer", header, std::string(16, '\0'), 400).first;
  EXPECT_NE(body["error"].get<std::string>().find("x.shape"), std::string::npos) << body.dump();
}

}  // namespace
}  // namespace activation::server::testing
