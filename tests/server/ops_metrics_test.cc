// Prometheus metrics: the process_* collector against the kernel's own
// accounting, and the per-call metrics as a real scrape of a real server
// sees them after known calls.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "server/process_metrics.h"
#include "tests/server/ops_http.h"
#include "tests/server/ops_server.h"

namespace activation::server::testing {
namespace {

double ProcessSample(const std::string& name) {
  const std::string text = prometheus::TextSerializer().Serialize(ProcessMetrics().Collect());
  return Sample(text, name);
}

double RusageCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

TEST(OpsProcessMetricsTest, OpenFdsCountsANewDescriptor) {
  const double before = ProcessSample("process_open_fds");
  const int fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(ProcessSample("process_open_fds"), before + 1);
  close(fd);
  EXPECT_EQ(ProcessSample("process_open_fds"), before);
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  EXPECT_EQ(ProcessSample("process_max_fds"), static_cast<double>(limit.rlim_cur));
}

TEST(OpsProcessMetricsTest, CpuSecondsAgreeWithGetrusage) {
  // Burn CPU time (not wall time: the machine may be busy) until 0.3 s.
  volatile double sink = 0;
  while (RusageCpuSeconds() < 0.3) {
    for (int i = 0; i < 100000; ++i) sink = sink + 1;
  }
  const double reported = ProcessSample("process_cpu_seconds_total");
  const double kernel = RusageCpuSeconds();
  EXPECT_GE(reported, 0.25);
  EXPECT_NEAR(reported, kernel, 0.05);  // clock ticks are 10 ms
}

TEST(OpsProcessMetricsTest, ResidentMemoryFollowsTouchedPages) {
  const double before = ProcessSample("process_resident_memory_bytes");
  std::vector<char> block(64 << 20, 1);  // written, so resident
  const double after = ProcessSample("process_resident_memory_bytes");
  EXPECT_GT(before, 1 << 20);
  EXPECT_GE(after - before, 60.0 * (1 << 20));
  EXPECT_GE(ProcessSample("process_virtual_memory_bytes"), after);
  EXPECT_EQ(block[12345], 1);
  const double started = ProcessSample("process_start_time_seconds");
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(started, now + 1);
  EXPECT_GE(started, now - 3600);
}

// One server for the suite: stopping the metrics HTTP server takes ~2 s
// (civetweb's poll interval). The tests use disjoint methods.
class OpsMetricsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerConfig config = OpsDefaults();
    config.metrics_listen = "127.0.0.1:0";
    server_ = new OpsServer(config);
    stub_ = v1::ActivationService::NewStub(
                grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials()))
                .release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
  }

  static std::string Scrape() { return HttpGet(server_->operations->metrics_port(), "/metrics"); }

  // A call's metrics land when gRPC releases the call, just after the client
  // has its answer: wait for the requests counter to reach `count`.
  static std::string ScrapeWhen(const std::map<std::string, std::string>& labels, double count) {
    std::string text;
    for (int i = 0; i < 200; ++i) {
      text = Scrape();
      if (Sample(text, "activation_server_requests_total", labels) == count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return text;
  }

  static OpsServer* server_;
  static v1::ActivationService::Stub* stub_;
};
OpsServer* OpsMetricsTest::server_ = nullptr;
v1::ActivationService::Stub* OpsMetricsTest::stub_ = nullptr;

std::map<std::string, std::string> Call(const std::string& method, const std::string& activation,
                                        const std::string& code) {
  return {{"grpc_service", "activation.v1.ActivationService"},
          {"grpc_method", method},
          {"activation", activation},
          {"grpc_code", code}};
}

std::map<std::string, std::string> Method(const std::string& method) {
  return {{"grpc_service", "activation.v1.ActivationService"}, {"grpc_method", method}};
}

TEST_F(OpsMetricsTest, ScrapeIsServedOverHttpWithProcessMetrics) {
  // A fresh process may not have used one clock tick yet: burn a few, so
  // that a CPU counter reading 0 is a bug and not a young process.
  volatile double sink = 0;
  while (RusageCpuSeconds() < 0.05) {
    for (int i = 0; i < 100000; ++i) sink = sink + 1;
  }
  const std::string response = Scrape();
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response.substr(0, 200);
  EXPECT_GT(Sample(response, "process_cpu_seconds_total"), 0);
  EXPECT_NE(response.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
}

TEST_F(OpsMetricsTest, UnaryCallsAreCountedByMethodActivationAndCode) {
  std::uint64_t sent_bytes = 0, received_bytes = 0;
  for (const char* name : {"sigmoid", "logistic"}) {  // an alias counts under its canonical name
    v1::EvaluateRequest request;
    request.set_activation(name);
    for (float x : {0.5f, -1.0f, 2.0f}) request.mutable_input()->add_values(x);
    v1::EvaluateResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->Evaluate(&context, request, &response).ok());
    sent_bytes += request.ByteSizeLong();
    received_bytes += response.ByteSizeLong();
  }
  {
    v1::GradientRequest request;  // 2 float16 elements
    request.set_activation("relu");
    request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT16);
    request.mutable_input()->set_raw(std::string("\0\x3c\0\xbc", 4));
    v1::GradientResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->Gradient(&context, request, &response).ok());
  }
  {
    v1::GradientRequest request;  // 3 float64 elements
    request.set_activation("softsign");
    request.mutable_input()->set_dtype(v1::DATA_TYPE_FLOAT64);
    for (double x : {0.5, -1.0, 2.0}) request.mutable_input()->add_double_values(x);
    v1::GradientResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->Gradient(&context, request, &response).ok());
  }
  v1::GradientRequest bad;
  bad.set_activation("no_such_function");
  bad.mutable_input()->add_values(1.0f);
  v1::GradientResponse ignored;
  grpc::ClientContext context;
  ASSERT_EQ(stub_->Gradient(&context, bad, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  ScrapeWhen(Call("Gradient", "unknown", "INVALID_ARGUMENT"), 1);
  ScrapeWhen(Call("Gradient", "relu", "OK"), 1);
  ScrapeWhen(Call("Gradient", "softsign", "OK"), 1);
  const std::string text = ScrapeWhen(Call("Evaluate", "sigmoid", "OK"), 2);
  EXPECT_EQ(Sample(text, "activation_server_dtype_elements_total", {{"dtype", "float16"}}), 2);
  EXPECT_EQ(Sample(text, "activation_server_dtype_elements_total", {{"dtype", "float32"}}), 6);
  EXPECT_EQ(Sample(text, "activation_server_dtype_elements_total", {{"dtype", "float64"}}), 3);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", Call("Evaluate", "sigmoid", "OK")), 2);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", Call("Gradient", "unknown", "INVALID_ARGUMENT")), 1);
  EXPECT_EQ(Sample(text, "activation_server_elements_total", {{"grpc_method", "Evaluate"}, {"activation", "sigmoid"}}),
            6);
  EXPECT_EQ(Sample(text, "activation_server_received_bytes_total", Method("Evaluate")), sent_bytes);
  EXPECT_EQ(Sample(text, "activation_server_sent_bytes_total", Method("Evaluate")), received_bytes);
  EXPECT_EQ(Sample(text, "activation_server_request_duration_seconds_count", Method("Evaluate")), 2);
  EXPECT_GT(Sample(text, "activation_server_request_duration_seconds_sum", Method("Evaluate")), 0);
  EXPECT_EQ(Sample(text, "activation_server_in_flight_requests", Method("Evaluate")), 0);
}

TEST_F(OpsMetricsTest, StreamsCountMessagesAndElementsOverAllChunks) {
  grpc::ClientContext context;
  auto stream = stub_->EvaluateStream(&context);
  for (int chunk = 0; chunk < 3; ++chunk) {
    v1::EvaluateRequest request;
    request.set_activation("tanh");
    for (int i = 0; i < 4; ++i) request.mutable_input()->add_values(0.25f * static_cast<float>(i + chunk));
    ASSERT_TRUE(stream->Write(request));
    v1::EvaluateResponse response;
    ASSERT_TRUE(stream->Read(&response));
    if (chunk == 0) {  // in flight while the stream is open
      const std::string text = Scrape();
      EXPECT_EQ(Sample(text, "activation_server_in_flight_requests", Method("EvaluateStream")), 1);
    }
  }
  stream->WritesDone();
  ASSERT_TRUE(stream->Finish().ok());
  const std::string text = ScrapeWhen(Call("EvaluateStream", "tanh", "OK"), 1);
  EXPECT_EQ(Sample(text, "activation_server_requests_total", Call("EvaluateStream", "tanh", "OK")), 1);
  EXPECT_EQ(
      Sample(text, "activation_server_elements_total", {{"grpc_method", "EvaluateStream"}, {"activation", "tanh"}}),
      12);
  EXPECT_EQ(Sample(text, "activation_server_received_messages_total", Method("EvaluateStream")), 3);
  EXPECT_EQ(Sample(text, "activation_server_sent_messages_total", Method("EvaluateStream")), 3);
  EXPECT_EQ(Sample(text, "activation_server_in_flight_requests", Method("EvaluateStream")), 0);
}

TEST(OpsMetricsAddressTest, AnAddressInUseIsAClearError) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ServerConfig config = OpsDefaults();
  config.metrics_listen = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  std::string error;
  EXPECT_EQ(Operations::Start(config, &error), nullptr);
  EXPECT_EQ(error.rfind("cannot serve metrics on " + config.metrics_listen, 0), 0u) << error;
  close(fd);
}

}  // namespace
}  // namespace activation::server::testing
