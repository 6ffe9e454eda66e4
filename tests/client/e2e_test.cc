// activation-client end to end: the real binary against real activation-server
// child processes on loopback, values checked against formulas in double.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/formats/open.h"
#include "tests/client/dtype_reference.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string TempDir() {
  char dir[] = "/tmp/client_e2e_XXXXXX";
  return mkdtemp(dir);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

class Server {
 public:
  // activation-server, or another program that takes --port-file (and
  // listens on loopback).
  explicit Server(const std::string& dir, std::vector<std::string> extra_args = {},
                  const std::string& program = ACTIVATION_SERVER_PATH) {
    port_file_ = dir + "/port-" + std::to_string(counter_++);
    std::vector<std::string> args = {program, "--port-file", port_file_};
    if (program == ACTIVATION_SERVER_PATH) args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = fork();
    if (pid_ == 0) {
      const std::string log = port_file_ + ".log";
      if (!freopen(log.c_str(), "w", stderr) || !freopen(log.c_str(), "a", stdout)) _exit(126);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::ifstream in(port_file_);
      if (!(in >> port_)) port_ = 0;
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ~Server() { Stop(SIGTERM); }
  void Stop(int signal) {
    if (pid_ <= 0) return;
    kill(pid_, signal);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  static inline int counter_ = 0;
  std::string port_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Result {
  int code = -1;
  std::string out, err;
};

class ClientE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(TempDir());
    server_ = new Server(*dir_);
  }
  static void TearDownTestSuite() {
    delete server_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(server_->port(), 0) << "activation-server did not start"; }

  // Runs the client with `args` (shell words), stdin from `input`.
  static Result Client(const std::string& args, const std::string& input = "") {
    const std::string in = *dir_ + "/stdin", out = *dir_ + "/stdout", err = *dir_ + "/stderr";
    { std::ofstream(in, std::ios::binary) << input; }
    const std::string command = std::string(ACTIVATION_CLIENT_PATH) + " " + args + " < " + in + " > " + out +
                                " 2> " + err;
    Result r;
    const int status = std::system(command.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  static std::string Target() { return " --target " + server_->address() + " "; }

  static std::vector<double> Lines(const std::string& text) {
    std::vector<double> v;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) v.push_back(std::strtod(line.c_str(), nullptr));
    return v;
  }

  static inline std::string* dir_ = nullptr;
  static inline Server* server_ = nullptr;
};

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

TEST_F(ClientE2E, EvalPrintsNineSignificantDigits) {
  const Result r = Client("eval" + Target() + "--activation sigmoid 0 1 -20");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0.5\n0.731058598\n2.06115369e-09\n");
  const std::vector<double> got = Lines(r.out);
  const double xs[] = {0, 1, -20};
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(got[i], Sigmoid(xs[i]), 1e-7 * Sigmoid(xs[i]));
}

// 0.1 becomes the float16 0.0999755859375 on the way; the answer comes back
// in float16 and prints with the fewest digits that read back to it.
TEST_F(ClientE2E, EvalInFloat16AndBFloat16) {
  Result r = Client("eval" + Target() + "--activation relu --dtype float16 -- 0.1 -1 65504");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0.1\n0\n6.55e+04\n");
  r = Client("grad" + Target() + "--activation sigmoid --dtype bfloat16 --encoding values 0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0.25\n");
  r = Client("eval" + Target() + "--activation relu --dtype float16 --local 0.1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0.1\n");
  r = Client("eval" + Target() + "--activation relu --dtype float16 -- 70000");  // beyond float16's 65504
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("argument 1: '70000' is not a float16 number"));
}

// --verify in every dtype, against a server on this machine's target: the
// answers (f; f' with f; the VJP), the specials included, equal the linked
// library's bit for bit, over several chunks.
TEST_F(ClientE2E, VerifyAgreesBitForBitInEveryDtype) {
  const std::string x = *dir_ + "/verify_x.txt", g = *dir_ + "/verify_g.txt";
  {
    std::ofstream xs(x), gs(g);
    for (int i = 0; i < 3000; ++i) {
      xs << (i - 1500) * 0.00731 + 0.0001 << "\n";
      gs << 1.5 - i * 0.001 << "\n";
    }
    xs << "nan\ninf\n-inf\n1e-30\n";
    gs << "1\n-1\n1\n1\n";
  }
  for (const char* dtype : {"float16", "bfloat16", "float64"}) {
    for (const std::string& command :
         std::vector<std::string>{"eval -a gelu", "grad -a silu --include-output", "grad -a tanh --grad-output " + g}) {
      const Result r = Client(command + Target() + "-q --verify --chunk 1000 --dtype " + dtype + " -i " + x + " -o " +
                              *dir_ + "/verify_y.txt");
      EXPECT_EQ(r.code, 0) << dtype << " " << command << ": " << r.err;
      EXPECT_THAT(r.err, HasSubstr("verify, bit for bit (both on ")) << dtype << " " << command;
      EXPECT_THAT(r.err, HasSubstr(": 3004 elements, 0 differ from the local library")) << dtype << " " << command;
    }
  }
}

// Every dtype through every input and output format, served and --local:
// sigmoid's float16 and bfloat16 answers equal the exact value rounded once
// (MPFR), float64 ones are within 4 ULP of it.
TEST_F(ClientE2E, EveryDtypeThroughEveryFormatServedAndLocal) {
  namespace client = activation::client;
  namespace reference = activation::client::reference;
  using activation::DataType;
  const client::Format formats[] = {client::Format::kNpy, client::Format::kText, client::Format::kRaw,
                                    client::Format::kCsv};
  const char* extension[] = {".npy", ".txt", ".f32", ".csv"};
  for (DataType dtype : {DataType::kFloat16, DataType::kBFloat16, DataType::kFloat64}) {
    const std::string name(activation::DataTypeName(dtype));
    // Inputs: -20 to 20 in uneven steps, rounded to the dtype.
    client::Elements xs(dtype);
    xs.resize(401);
    for (int i = 0; i <= 400; ++i) {
      mpfr_t x;
      mpfr_init2(x, 64);
      mpfr_set_d(x, (i - 200) * 0.1 + 0.0137, MPFR_RNDN);
      const double v = reference::Round(dtype, x);
      mpfr_clear(x);
      if (dtype == DataType::kFloat64) xs.as<double>()[i] = v;
      else xs.as<std::uint16_t>()[i] = reference::Bits(dtype, v);
    }
    for (std::size_t f = 0; f < 4; ++f) {
      const std::size_t g = (f + 1) % 4;  // each format in once and out once
      const std::string in = *dir_ + "/x_" + name + extension[f];
      {
        client::StringSink sink;
        client::OutputLayout layout;
        layout.dtype = dtype;
        layout.count = xs.size();
        auto writer = client::OpenWriter(formats[f], sink, layout);
        writer->Write(xs.data(), xs.size());
        writer->Finish();
        std::ofstream(in, std::ios::binary) << sink.bytes;
      }
      for (const std::string mode : {"", " --local"}) {
        const std::string out = *dir_ + "/y_" + name + extension[g];
        const Result r = Client("eval" + Target() + "-a sigmoid -q --dtype " + name + mode + " -i " + in + " -o " + out);
        ASSERT_EQ(r.code, 0) << r.err;
        const client::ParsedArray y = client::ParseArray(formats[g], Slurp(out), out, dtype);
        ASSERT_EQ(y.elements.size(), xs.size()) << out << mode;
        for (std::size_t i = 0; i < xs.size(); ++i) {
          mpfr_t e;
          mpfr_init2(e, 200);
          mpfr_set_d(e, -xs.value(i), MPFR_RNDN);
          mpfr_exp(e, e, MPFR_RNDN);
          mpfr_add_ui(e, e, 1, MPFR_RNDN);
          mpfr_ui_div(e, 1, e, MPFR_RNDN);
          const double expected = reference::Round(dtype, e);
          const double got = y.elements.value(i);
          mpfr_sub_d(e, e, got, MPFR_RNDN);  // the error, in 200 bits
          const double error = std::fabs(mpfr_get_d(e, MPFR_RNDN));
          mpfr_clear(e);
          if (dtype == DataType::kFloat64) {
            const double ulp = std::nextafter(expected, 2.0) - expected;
            ASSERT_LE(error, 4 * ulp) << name << mode << " x=" << xs.value(i);
          } else {
            ASSERT_EQ(got, expected) << name << mode << " " << extension[f] << " -> " << extension[g]
                                     << " x=" << xs.value(i);
          }
        }
      }
    }
  }
}

TEST_F(ClientE2E, GradOfTanhInTheTail) {
  const Result r = Client("grad" + Target() + "--activation tanh 9");
  ASSERT_EQ(r.code, 0) << r.err;
  const double expected = 4 / std::pow(std::exp(9.0) + std::exp(-9.0), 2);  // sech^2, no cancellation
  EXPECT_NEAR(Lines(r.out).at(0), expected, 1e-6 * expected);
  EXPECT_THAT(r.out, HasSubstr("6.09199"));
}

TEST_F(ClientE2E, GradWithOutputAsJson) {
  const Result r = Client("grad" + Target() + "-a relu --include-output --format json -- -1 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"values\": [[0, 0], [2, 1]]}\n");
}

TEST_F(ClientE2E, ParamsReachTheServer) {
  const Result r = Client("eval" + Target() + "-a leaky_relu --param negative_slope=0.5 -- -4 4");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "-2\n4\n");
}

TEST_F(ClientE2E, ServerErrorsShowCodeAndMessage) {
  Result r = Client("eval" + Target() + "-a no_such_thing 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(r.err, HasSubstr("no_such_thing"));
  r = Client("eval" + Target() + "-a leaky_relu -p negative_slope=inf 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(r.err, HasSubstr("negative_slope"));
}

// Row-wise or not comes from the server's ListActivations; a name it does not
// list is refused with the server's own message before any input is read.
TEST_F(ClientE2E, AnActivationTheServerDoesNotListIsRefusedWithItsMessage) {
  const std::string in = *dir_ + "/never_read.txt";
  const Result r = Client("eval" + Target() + "-a swishh -i " + in);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("the server does not list activation 'swishh'"));
  EXPECT_THAT(r.err, HasSubstr("unknown activation 'swishh'"));  // the server's message
  EXPECT_THAT(r.err, Not(HasSubstr("never_read")));
}

TEST_F(ClientE2E, UsageErrorsExitTwo) {
  Result r = Client("eval" + Target() + "-a sigmoid 1 zwei");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("'zwei' is not a float32 number"));
  r = Client("eval" + Target() + "-a sigmoid --no-such-flag 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--no-such-flag"));
  r = Client("eval -a sigmoid -p oops 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("name=value"));
  r = Client("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown subcommand 'frobnicate' (expected one of: eval, grad"));
  // An unknown flag is named even when a required flag is missing too.
  r = Client("eval --frob 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown argument '--frob'"));
}

TEST_F(ClientE2E, HelpForEverySubcommand) {
  for (const char* sub : {"eval", "grad", "list", "health", "bench"}) {
    const Result r = Client(std::string(sub) + " --help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_THAT(r.out, HasSubstr("--target")) << sub;
  }
}

TEST_F(ClientE2E, ListShowsTheCatalogue) {
  Result r = Client("list" + Target());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sigmoid (aliases: logistic)"));
  EXPECT_THAT(r.out, HasSubstr("param negative_slope = 0.01"));
  EXPECT_THAT(r.out, HasSubstr("accuracy: forward"));
  r = Client("list --format json" + Target());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"name\": \"leaky_relu\""));
}

TEST_F(ClientE2E, HealthIsServingAndFailsWithoutAServer) {
  Result r = Client("health" + Target());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");
  r = Client("health --target 127.0.0.1:1 --timeout 2");
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(ClientE2E, StreamsATextFileInManyChunksToNpy) {
  std::string text;
  std::vector<double> xs;
  for (int i = 0; i < 200000; ++i) {
    const float x = static_cast<float>(std::sin(i * 0.37) * 30);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g\n", x);
    text += buf;
    xs.push_back(x);
  }
  const std::string in = *dir_ + "/x.txt", out = *dir_ + "/y.npy";
  { std::ofstream(in) << text; }
  const Result r = Client("eval" + Target() + "-a sigmoid -q --chunk 3000 --inflight 5 -i " + in + " -o " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto y = activation::client::ParseArray(activation::client::Format::kNpy, Slurp(out));
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{200000}));
  ASSERT_EQ(y.values.size(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const float expected = static_cast<float>(Sigmoid(xs[i]));
    const double ulp = std::nextafter(expected, 2.f) - expected;
    ASSERT_NEAR(y.values[i], Sigmoid(xs[i]), 4 * ulp) << i;
  }
}

TEST_F(ClientE2E, CsvKeepsItsStructureThroughTheServer) {
  const std::string in = *dir_ + "/t.csv", out = *dir_ + "/u.csv";
  { std::ofstream(in) << "name,x,y\n\"a\",-1,2\n\"b\",3,-4\n"; }
  const Result r = Client("eval" + Target() + "-a relu -i " + in + " -o " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Slurp(out), "name,x,y\n\"a\",0,2\n\"b\",3,0\n");
}

TEST_F(ClientE2E, NpyShapeIsKeptAndVerifyAgreesBitForBit) {
  const std::string in = *dir_ + "/m.npy", out = *dir_ + "/n.npy";
  {
    activation::client::StringSink sink;
    activation::client::OutputLayout layout;
    layout.shape = {4, 3, 2};
    auto w = activation::client::OpenWriter(activation::client::Format::kNpy, sink, layout);
    std::vector<float> v(24);
    for (int i = 0; i < 24; ++i) v[i] = (i - 12) * 0.75f;
    w->Write(v.data(), v.size());
    w->Finish();
    std::ofstream(in, std::ios::binary) << sink.bytes;
  }
  const Result r = Client("eval" + Target() + "-a tanh --verify -i " + in + " -o " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("24 elements, 0 differ"));
  const auto y = activation::client::ParseArray(activation::client::Format::kNpy, Slurp(out));
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{4, 3, 2}));
  for (int i = 0; i < 24; ++i) EXPECT_NEAR(y.values[i], std::tanh((i - 12) * 0.75), 1e-6);
}

// --verify against a server whose answers are off by a chosen number of ULP
// in one element of every 64 (tests/client/skewed_server.cc).
class VerifyE2E : public ClientE2E {
 protected:
  static std::string Numbers(const std::string& path) {
    std::ofstream out(path);
    for (int i = 0; i < 1000; ++i) out << (i - 500) * 0.0123 + 0.001 << "\n";  // finite, nonzero
    return path;
  }
  static Result Verify(const Server& skewed, const std::string& command) {
    return Client(command + " --target " + skewed.address() + " --rpc unary --verify -a gelu -i " +
                  Numbers(*dir_ + "/verify.txt") + " -o " + *dir_ + "/verified.txt");
  }
};

TEST_F(VerifyE2E, OnTheSameTargetOneUlpIsAMismatchAndExitsThree) {
  Server skewed(*dir_, {"--skew-ulp", "1"}, SKEWED_SERVER_PATH);  // names its own (= our) target
  ASSERT_NE(skewed.port(), 0);
  for (const char* command : {"eval", "grad"}) {
    const Result r = Verify(skewed, command);
    EXPECT_EQ(r.code, 3) << command << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("bit for bit (both on ")) << command;
    EXPECT_THAT(r.err, HasSubstr("1000 elements, 16 differ from the local library")) << command;
  }
}

TEST_F(VerifyE2E, OnAnotherTargetThePublishedBoundsDecide) {
  Server near(*dir_, {"--skew-ulp", "1", "--simd-target", "ELSEWHERE"}, SKEWED_SERVER_PATH);
  Server far(*dir_, {"--skew-ulp", "100", "--simd-target", "ELSEWHERE"}, SKEWED_SERVER_PATH);
  ASSERT_NE(near.port(), 0);
  ASSERT_NE(far.port(), 0);
  const Result within = Verify(near, "eval");
  EXPECT_EQ(within.code, 0) << within.err;
  EXPECT_THAT(within.err, HasSubstr(" ULP (server on ELSEWHERE, here on "));
  EXPECT_THAT(within.err, HasSubstr("1000 elements, 0 differ"));
  const Result beyond = Verify(far, "eval");
  EXPECT_EQ(beyond.code, 3) << beyond.err;
  EXPECT_THAT(beyond.err, HasSubstr("1000 elements, 16 differ"));
}

// Each dtype is compared in its own values: one step of the type is a
// difference where both sides are exact, and within the bound where they
// are not.
TEST_F(VerifyE2E, EveryDtypeIsComparedInItsOwnValues) {
  Server same(*dir_, {"--skew-ulp", "1"}, SKEWED_SERVER_PATH);
  Server elsewhere(*dir_, {"--skew-ulp", "1", "--simd-target", "ELSEWHERE"}, SKEWED_SERVER_PATH);
  ASSERT_NE(same.port(), 0);
  ASSERT_NE(elsewhere.port(), 0);
  auto verify = [](const Server& server, const std::string& args) {
    return Client("eval --target " + server.address() + " --rpc unary --verify " + args + " -i " +
                  Numbers(*dir_ + "/verify.txt") + " -o " + *dir_ + "/verified.txt");
  };
  for (const std::string dtype : {"float16", "bfloat16", "float64"}) {
    const Result r = verify(same, "-a sigmoid --dtype " + dtype);
    EXPECT_EQ(r.code, 3) << dtype << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("bit for bit (both on ")) << dtype;
    EXPECT_THAT(r.err, HasSubstr("1000 elements, 16 differ from the local library")) << dtype;
  }
  // On another target: float16 and bfloat16 are correctly rounded on both
  // sides at the default parameters, so one step apart is a difference...
  for (const std::string dtype : {"float16", "bfloat16"}) {
    const Result r = verify(elsewhere, "-a sigmoid --dtype " + dtype);
    EXPECT_EQ(r.code, 3) << dtype << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("bit for bit (server on ELSEWHERE, here on ")) << dtype;
    EXPECT_THAT(r.err, HasSubstr("; both correctly rounded)")) << dtype;
    EXPECT_THAT(r.err, HasSubstr("1000 elements, 16 differ")) << dtype;
  }
  // ...while at other parameters both round float32 answers once, which may
  // then be a step apart.
  Result r = verify(elsewhere, "-a elu -p alpha=0.5 --dtype float16");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("within 1 ULP (server on ELSEWHERE, here on "));
  EXPECT_THAT(r.err, HasSubstr(" ULP, rounded once to float16)"));
  EXPECT_THAT(r.err, HasSubstr("1000 elements, 0 differ"));
  // float64: within the sum of both sides' published float64 figures.
  r = verify(elsewhere, "-a sigmoid --dtype float64");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(" ULP (server on ELSEWHERE, here on "));
  EXPECT_THAT(r.err, HasSubstr("1000 elements, 0 differ"));
}

TEST_F(VerifyE2E, BenchCountsEveryMismatchedAnswerAndExitsThree) {
  Server skewed(*dir_, {"--skew-ulp", "1"}, SKEWED_SERVER_PATH);
  ASSERT_NE(skewed.port(), 0);
  for (const std::string dtype : {"float32", "bfloat16"}) {
    const Result r = Client("bench --target " + skewed.address() + " -a gelu --dtype " + dtype +
                            " --sizes 1024 --requests 20 --warmup 0 --verify-every 1 --json");
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_THAT(r.out, HasSubstr("\"dtype\": \"" + dtype + "\""));
    EXPECT_THAT(r.out, HasSubstr("\"verified\": 20, \"verify\": \"bit for bit (both on "));
    EXPECT_THAT(r.out, HasSubstr("\"mismatches\": 20,"));
  }
}

TEST_F(ClientE2E, LocalEqualsRemoteBitForBit) {
  std::string raw(4 * 100000, '\0');
  for (std::size_t i = 0; i < 100000; ++i) {
    const float x = static_cast<float>((static_cast<double>(i) - 50000) / 997.0);
    std::memcpy(&raw[i * 4], &x, 4);
  }
  const std::string in = *dir_ + "/r.f32";
  { std::ofstream(in, std::ios::binary) << raw; }
  const Result remote = Client("grad" + Target() + "-a sigmoid -i " + in + " -o " + *dir_ + "/remote.f32");
  const Result local = Client("grad --local -a sigmoid -i " + in + " -o " + *dir_ + "/local.f32");
  ASSERT_EQ(remote.code, 0) << remote.err;
  ASSERT_EQ(local.code, 0) << local.err;
  EXPECT_EQ(Slurp(*dir_ + "/remote.f32"), Slurp(*dir_ + "/local.f32"));
  EXPECT_EQ(Slurp(*dir_ + "/local.f32").size(), raw.size());
}

TEST_F(ClientE2E, MalformedInputLeavesNoOutputAndNamesTheSpot) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += std::to_string(i % 7) + "\n";
  text += "3.5 4..5\n";
  const std::string in = *dir_ + "/bad.txt", out = *dir_ + "/never.txt";
  { std::ofstream(in) << text; }
  const Result r = Client("eval" + Target() + "-a relu --chunk 1000 -i " + in + " -o " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(in + ":50001:5: '4..5' is not a float32 number"));
  EXPECT_FALSE(Exists(out));
  EXPECT_EQ(std::system(("test -z \"$(ls " + *dir_ + " | grep partial)\"").c_str()), 0);
}

// Feeds the client's stdin in two halves with `between` run in the middle:
// the client has streamed the first half when `between` runs.
Result PipeInTwoHalves(const std::string& args, const std::string& first, const std::string& second,
                       const std::function<void()>& between, const std::string& dir) {
  const std::string out = dir + "/pipe.out", err = dir + "/pipe.err";
  FILE* p = popen((std::string(ACTIVATION_CLIENT_PATH) + " " + args + " > " + out + " 2> " + err).c_str(), "w");
  fwrite(first.data(), 1, first.size(), p);
  fflush(p);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  between();
  fwrite(second.data(), 1, second.size(), p);
  const int status = pclose(p);
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

std::string Ramp(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += std::to_string(i % 100 - 50) + "\n";
  return s;
}

TEST_F(ClientE2E, ServerDyingMidStreamFailsTheRunWithoutOutput) {
  Server doomed(*dir_);
  ASSERT_NE(doomed.port(), 0);
  const std::string out = *dir_ + "/doomed.txt";
  const Result r = PipeInTwoHalves("eval --target " + doomed.address() + " -a relu --chunk 100 -i - -o " + out,
                                   Ramp(0, 20000), Ramp(20000, 40000), [&] { doomed.Stop(SIGKILL); }, *dir_);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  EXPECT_FALSE(Exists(out));
}

TEST_F(ClientE2E, RoundRobinSurvivesLosingAReplica) {
  Server a(*dir_), b(*dir_), c(*dir_);
  ASSERT_TRUE(a.port() && b.port() && c.port());
  const std::string target = "ipv4:127.0.0.1:" + std::to_string(a.port()) + ",127.0.0.1:" +
                             std::to_string(b.port()) + ",127.0.0.1:" + std::to_string(c.port());
  const std::string out = *dir_ + "/rr.txt";
  const Result r = PipeInTwoHalves("eval --target " + target + " --lb round_robin -a relu --chunk 100 -i - -o " + out,
                                   Ramp(0, 30000), Ramp(30000, 60000), [&] { b.Stop(SIGKILL); }, *dir_);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<double> got = Lines(Slurp(out));
  ASSERT_EQ(got.size(), 60000u);
  for (int i = 0; i < 60000; ++i) ASSERT_EQ(got[i], std::max(0, i % 100 - 50)) << i;
}

// A unary call refused with UNAVAILABLE is called again by the client, so
// nothing is lost; gRPC's own retries are off (--retries 1) to see that the
// client's resend does it, and one call at a time makes every refused
// chunk's next call succeed.
TEST_F(ClientE2E, UnaryChunksRefusedAsUnavailableAreSentAgain) {
  Server flaky(*dir_, {"--skew-ulp", "0", "--unavailable-every", "3"}, SKEWED_SERVER_PATH);
  ASSERT_NE(flaky.port(), 0);
  const std::string out = *dir_ + "/resent.txt";
  for (const char* command : {"eval", "grad"}) {
    const Result r = Client(std::string(command) + " --target " + flaky.address() +
                                " --retries 1 --rpc unary --inflight 1 -a relu --chunk 100 -i - -o " + out,
                            Ramp(0, 3000));
    ASSERT_EQ(r.code, 0) << command << ": " << r.err;
    const std::vector<double> got = Lines(Slurp(out));
    ASSERT_EQ(got.size(), 3000u) << command;
    for (int i = 0; i < 3000; ++i) {
      const int x = i % 100 - 50;
      const double want = std::string(command) == "eval" ? std::max(0, x) : x > 0 ? 1 : 0;
      ASSERT_EQ(got[i], want) << command << " element " << i;
    }
  }
  // A server that refuses every call: the resends run out and the run fails
  // with the server's status.
  Server refusing(*dir_, {"--skew-ulp", "0", "--unavailable-every", "1"}, SKEWED_SERVER_PATH);
  ASSERT_NE(refusing.port(), 0);
  const Result r = Client("eval --target " + refusing.address() + " --retries 1 --rpc unary -a relu -i - -o " + out,
                          Ramp(0, 100));
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE: test double: refusing this call"));
}

TEST_F(ClientE2E, ProgressOnlyOnATerminal) {
  const std::string in = *dir_ + "/progress.f32";
  { std::ofstream(in, std::ios::binary) << std::string(4 << 20, '\0'); }
  const std::string eval = std::string(ACTIVATION_CLIENT_PATH) + " eval --local -a relu --chunk 4096 -i " + in +
                           " -o " + *dir_ + "/progress.out";
  // script(1) gives the client a pseudo-terminal for stdout and stderr.
  auto on_tty = [&](const std::string& extra) {
    const std::string log = *dir_ + "/tty.log";
    EXPECT_EQ(std::system(("script -qec '" + eval + extra + "' /dev/null > " + log).c_str()), 0);
    return Slurp(log);
  };
  EXPECT_THAT(on_tty(""), HasSubstr("1048576 elements"));
  EXPECT_THAT(on_tty(""), HasSubstr("100.0%"));
  EXPECT_THAT(on_tty(" --quiet"), Not(HasSubstr("elements")));
  const Result piped = Client("eval --local -a relu --chunk 4096 -i " + in + " -o " + *dir_ + "/progress.out");
  EXPECT_EQ(piped.code, 0);
  EXPECT_EQ(piped.err, "");
}

TEST_F(ClientE2E, MutualTlsWithTheClientFlags) {
  const std::string certs = *dir_ + "/certs";
  ASSERT_EQ(std::system(("sh " MAKE_CERTS_SCRIPT " " + certs).c_str()), 0);
  Server tls(*dir_, {"--tls-cert", certs + "/server.pem", "--tls-key", certs + "/server.key", "--tls-client-ca",
                     certs + "/ca.pem"});
  ASSERT_NE(tls.port(), 0);
  const std::string target = " --target " + tls.address() + " --timeout 3 ";
  const std::string trust = " --tls-ca " + certs + "/ca.pem --tls-server-name localhost ";
  const std::string id = " --tls-cert " + certs + "/client.pem --tls-key " + certs + "/client.key ";
  Result r = Client("health" + target + trust + id);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");
  r = Client("eval --target " + tls.address() + trust + id + "-a sigmoid 0");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0.5\n");
  r = Client("health" + target + trust);  // no client certificate
  EXPECT_NE(r.code, 0);
  r = Client("health" + target);  // plaintext
  EXPECT_NE(r.code, 0);
  r = Client("health" + target + " --tls-ca " + certs + "/rogue-ca.pem --tls-server-name localhost" + id);
  EXPECT_NE(r.code, 0);
}

TEST_F(ClientE2E, BenchReportsAndVerifies) {
  const Result r = Client("bench" + Target() +
                          "--sizes 16,1024 --concurrency 1,4 --duration 0.3 --warmup 0.1 --verify-every 1 --json");
  ASSERT_EQ(r.code, 0) << r.err << r.out;  // the JSON counts failed calls by status
  EXPECT_THAT(r.out, HasSubstr("\"floats\": 1024"));
  EXPECT_THAT(r.out, HasSubstr("\"concurrency\": 4"));
  EXPECT_THAT(r.out, HasSubstr("\"mismatches\": 0"));
  EXPECT_THAT(r.out, Not(HasSubstr("\"ok\": 0,")));
  const Result s = Client("bench" + Target() + "--method stream --requests 200 --warmup 0 --sizes 4096");
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr("p99_ms"));
}

// float16 requests through both protocols, each answer checked; the payload
// counts 2 bytes an element.
TEST_F(ClientE2E, BenchSendsTheDtypeItIsGiven) {
  const Result r = Client("bench" + Target() + "--dtype float16 --protocol v1,oip --sizes 1000 --requests 30 "
                          "--warmup 0 --verify-every 1 --json");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const std::regex record("\"protocol\": \"(v1|oip)\".*?\"dtype\": \"float16\".*?\"req_per_s\": ([0-9.]+), "
                          "\"payload_mb_per_s\": ([0-9.]+).*?\"verified\": 30, \"verify\": \"bit for bit \\(both on "
                          "[A-Z0-9_]+\\)\", \"mismatches\": 0, \"errors\": \\{\\}");
  int records = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), record); it != std::sregex_iterator(); ++it) {
    ++records;
    const double req_per_s = std::stod((*it)[2]), mb_per_s = std::stod((*it)[3]);
    EXPECT_GT(req_per_s, 0) << (*it)[1];
    EXPECT_NEAR(mb_per_s, req_per_s * 1000 * 2 / 1e6, 0.01) << (*it)[1];
  }
  EXPECT_EQ(records, 2) << r.out;
  const Result text = Client("bench" + Target() + "--dtype float64 --encoding values --requests 10 --warmup 0");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr(" float64 "));
  const Result refused = Client("bench" + Target() + "--dtype bfloat16 --encoding values --protocol oip");
  EXPECT_EQ(refused.code, 2);
  EXPECT_THAT(refused.err, HasSubstr("carries 16-bit floats only as raw bytes"));
}

}  // namespace
