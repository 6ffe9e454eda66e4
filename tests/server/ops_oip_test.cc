// The Open Inference Protocol under the same operations as activation.v1:
// HTTPS and mutual TLS with the same certificates, the memory budget,
// metrics under fixed labels, and the shutdown drain.
#include <algorithm>
#include <chrono>
#include <string>
#include <map>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "inference/grpc_predict_v2.grpc.pb.h"
#include "server/metrics.h"
#include "tests/server/ops_http.h"
#include "tests/server/ops_certs.h"
#include "tests/server/ops_server.h"

namespace activation::server::testing {
namespace {

using nlohmann::json;

ServerConfig WithHttp() {
  ServerConfig config = OpsDefaults();
  config.http_listen = "127.0.0.1:0";
  return config;
}

const json kSigmoidRequest = {{"inputs", {{{"name", "x"}, {"shape", {2}}, {"datatype", "FP32"}, {"data", {0, 1}}}}}};

std::unique_ptr<inference::GRPCInferenceService::Stub> OipStub(const OpsServer& server) {
  return inference::GRPCInferenceService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));
}

class OpsOipTlsTest : public CertificatesTest {
 protected:
  // POST a sigmoid inference over HTTPS trusting ca.pem, presenting `client`'s
  // certificate when given; the HTTP status, or -1 when no answer came.
  static int Infer(const OpsServer& server, const std::string& client) {
    std::unique_ptr<httplib::SSLClient> https =
        client.empty() ? std::make_unique<httplib::SSLClient>("127.0.0.1", server.server->http_port())
                       : std::make_unique<httplib::SSLClient>("127.0.0.1", server.server->http_port(),
                                                              File(client + ".pem"), File(client + ".key"));
    https->set_ca_cert_path(File("ca.pem").c_str());
    https->enable_server_certificate_verification(true);
    auto result = https->Post("/v2/models/sigmoid/infer", kSigmoidRequest.dump(), "application/json");
    if (!result) return -1;
    EXPECT_EQ(json::parse(result->body)["outputs"][0]["data"][0], 0.5) << result->body;
    return result->status;
  }
};

TEST_F(OpsOipTlsTest, HttpsWithTheServersCertificate) {
  OpsServer server(TlsConfig(false, WithHttp()));
  ASSERT_NE(server.server, nullptr);
  EXPECT_EQ(Infer(server, ""), 200);
  httplib::Client plain("127.0.0.1", server.server->http_port());
  auto result = plain.Get("/v2/health/live");
  EXPECT_TRUE(!result || result->status != 200) << "plaintext HTTP answered on an HTTPS port";
}

TEST_F(OpsOipTlsTest, MutualTlsNeedsAClientCertificateFromTheCa) {
  OpsServer server(TlsConfig(true, WithHttp()));
  ASSERT_NE(server.server, nullptr);
  EXPECT_EQ(Infer(server, "client"), 200);
  EXPECT_EQ(Infer(server, ""), -1);
  EXPECT_EQ(Infer(server, "rogue-client"), -1);
}

TEST(OpsOipTest, MemoryBudgetRefusesLargeCallsOnBothForms) {
  ServerConfig config = WithHttp();
  config.max_memory_bytes = 8 << 20;
  OpsServer server(config);
  ASSERT_NE(server.server, nullptr);
  // 4.25 MiB of floats: the request fits gRPC's transport quota (five
  // eighths of the budget), the request and its answer do not fit the
  // calls' budget.
  const std::vector<float> big(17 << 16, 1.0f);

  inference::ModelInferRequest request;
  request.set_model_name("relu");
  auto* input = request.add_inputs();
  input->set_name("x");
  input->set_datatype("FP32");
  input->add_shape(static_cast<std::int64_t>(big.size()));
  request.add_raw_input_contents()->assign(reinterpret_cast<const char*>(big.data()), big.size() * 4);
  inference::ModelInferResponse response;
  grpc::ClientContext context;
  const grpc::Status status = OipStub(server)->ModelInfer(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("--max-memory-bytes"), std::string::npos) << status.error_message();

  std::string body = json{{"inputs", {{{"name", "x"}, {"shape", {big.size()}}, {"datatype", "FP32"},
                                       {"parameters", {{"binary_data_size", big.size() * 4}}}}}}}
                         .dump();
  httplib::Headers headers = {{"Inference-Header-Content-Length", std::to_string(body.size())}};
  body.append(reinterpret_cast<const char*>(big.data()), big.size() * 4);
  httplib::Client http("127.0.0.1", server.server->http_port());
  auto result = http.Post("/v2/models/relu/infer", headers, body, "application/octet-stream");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 429);
  EXPECT_NE(json::parse(result->body)["error"].get<std::string>().find("--max-memory-bytes"), std::string::npos);
  EXPECT_EQ(server.server->calls().reserved_bytes(), 0);
  // Small calls still go through.
  EXPECT_EQ(http.Post("/v2/models/relu/infer", kSigmoidRequest.dump(), "application/json")->status, 200);
}

// Both forms are counted under fixed labels: junk model names and paths
// add no series.
TEST(OpsOipTest, MetricsUnderFixedLabels) {
  ServerConfig config = WithHttp();
  config.metrics_listen = "127.0.0.1:0";
  OpsServer server(config);
  ASSERT_NE(server.server, nullptr);
  auto stub = OipStub(server);
  httplib::Client http("127.0.0.1", server.server->http_port());
  auto infer_grpc = [&](const std::string& model) {
    inference::ModelInferRequest request;
    request.set_model_name(model);
    auto* input = request.add_inputs();
    input->set_name("x");
    input->set_datatype("FP32");
    input->add_shape(1);
    input->mutable_contents()->add_fp32_contents(0.5f);
    inference::ModelInferResponse response;
    grpc::ClientContext context;
    return stub->ModelInfer(&context, request, &response).error_code();
  };
  EXPECT_EQ(infer_grpc("logistic"), grpc::StatusCode::OK);
  EXPECT_EQ(http.Post("/v2/models/sigmoid/infer", kSigmoidRequest.dump(), "application/json")->status, 200);
  // A call is counted once its answer has been sent, just after the client
  // has it: wait for the counts to land.
  auto text_when = [&](const std::map<std::string, std::string>& labels, double count) {
    std::string text;
    for (int i = 0; i < 500; ++i) {
      text = server.operations->Extensions().metrics->Text();
      if (Sample(text, "activation_server_requests_total", labels) == count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return text;
  };
  auto junk = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      EXPECT_EQ(infer_grpc("junk" + std::to_string(i)), grpc::StatusCode::NOT_FOUND);
      EXPECT_EQ(http.Post("/v2/models/junk" + std::to_string(i) + "/infer", "{}", "application/json")->status, 404);
      EXPECT_EQ(http.Get("/junk/" + std::to_string(i))->status, 404);
    }
  };
  const std::map<std::string, std::string> grpc_junk = {{"grpc_service", "inference.GRPCInferenceService"},
                                                        {"grpc_method", "ModelInfer"},
                                                        {"activation", "unknown"},
                                                        {"grpc_code", "NOT_FOUND"}};
  const std::map<std::string, std::string> http_junk = {{"grpc_service", "inference.REST"},
                                                        {"grpc_method", "ModelInfer"},
                                                        {"activation", "unknown"},
                                                        {"grpc_code", "NOT_FOUND"}};
  const std::map<std::string, std::string> unknown_path = {
      {"grpc_service", "unknown"}, {"grpc_method", "unknown"}, {"activation", ""}, {"grpc_code", "NOT_FOUND"}};
  junk(0, 3);
  text_when(grpc_junk, 3);
  text_when(unknown_path, 3);
  const std::string first = text_when(http_junk, 3);
  junk(3, 6);
  text_when(grpc_junk, 6);
  text_when(unknown_path, 6);
  const std::string second = text_when(http_junk, 6);
  // However many junk names and paths arrive, the series stay the same.
  auto series = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  EXPECT_EQ(series(second), series(first));

  const std::map<std::string, std::string> grpc_ok = {{"grpc_service", "inference.GRPCInferenceService"},
                                                      {"grpc_method", "ModelInfer"},
                                                      {"activation", "sigmoid"},
                                                      {"grpc_code", "OK"}};
  const std::map<std::string, std::string> http_ok = {
      {"grpc_service", "inference.REST"}, {"grpc_method", "ModelInfer"}, {"activation", "sigmoid"}, {"grpc_code", "OK"}};
  text_when(grpc_ok, 1);
  const std::string text = text_when(http_ok, 1);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", grpc_ok), 1);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", http_ok), 1);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", http_junk), 6);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", grpc_junk), 6);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", unknown_path), 6);
  EXPECT_EQ(Sample(text, "activation_server_elements_total", {{"grpc_method", "ModelInfer"}, {"activation", "sigmoid"}}),
            3);
}

// While draining, both forms refuse new calls as activation.v1 does: ready
// turns to 503 / UNAVAILABLE.
TEST(OpsOipTest, ShutdownDrainRefusesNewCalls) {
  OpsServer server(WithHttp());
  ASSERT_NE(server.server, nullptr);
  auto stub = OipStub(server);
  httplib::Client http("127.0.0.1", server.server->http_port());
  ASSERT_EQ(http.Get("/v2/health/ready")->status, 200);
  std::thread shutdown([&] { server.server->Shutdown(std::chrono::seconds(3)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto ready = http.Get("/v2/health/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find("shutting down"), std::string::npos) << ready->body;
  inference::ServerReadyResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(stub->ServerReady(&context, {}, &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  shutdown.join();
  EXPECT_FALSE(http.Get("/v2/health/live")) << "the HTTP port still answers after shutdown";
}

}  // namespace
}  // namespace activation::server::testing
