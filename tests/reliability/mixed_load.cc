#include "tests/reliability/mixed_load.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include <grpcpp/client_context.h>

#include "tests/server/reference.h"
#include "tests/server/tensors.h"

namespace activation::reliability {
namespace {

using server::testing::Encoding;
using server::testing::MakeTensor;
using server::testing::ReferenceDerivative;
using server::testing::ReferenceForward;
using server::testing::UlpDistance;

// Bounds every call, so a hang shows up as DEADLINE_EXCEEDED, not a stuck test.
constexpr auto kCallDeadline = std::chrono::seconds(30);

struct Case {
  std::string activation;
  double param = 0;  // threshold (step) or negative_slope (leaky_relu)
  Encoding encoding = Encoding::kValues;
  std::vector<float> x;
};

const char* const kActivations[] = {"step", "sigmoid", "tanh", "relu", "leaky_relu"};

// Mostly small tensors, sometimes (when `large_ok`) one large enough to be
// split across the server's workers.
Case RandomCase(std::mt19937_64& rng, bool large_ok = true) {
  Case c;
  c.activation = kActivations[rng() % 5];
  c.encoding = rng() % 2 ? Encoding::kRaw : Encoding::kValues;
  std::uniform_real_distribution<float> value(-20.f, 20.f);
  const std::size_t n = large_ok && rng() % 8 == 0 ? 20000 + rng() % 50000 : rng() % 300;
  c.x.resize(n);
  for (float& v : c.x) v = value(rng);
  // Parameters are float values, so that the double reference compares x
  // with exactly the threshold a float kernel sees.
  if (c.activation == "step") c.param = value(rng) / 20.f;
  if (c.activation == "leaky_relu") c.param = std::abs(value(rng)) / 20.f;
  return c;
}

template <typename Request>
void Fill(const Case& c, Request* request) {
  request->set_activation(c.activation);
  if (c.activation == "step") (*request->mutable_params())["threshold"] = c.param;
  if (c.activation == "leaky_relu") (*request->mutable_params())["negative_slope"] = c.param;
  *request->mutable_input() = MakeTensor(c.x, c.encoding);
}

// The floats of `t`, or an error if it is not encoded like the request's input.
std::string Decode(const v1::Tensor& t, const Case& c, std::vector<float>* out) {
  const bool raw = c.encoding == Encoding::kRaw;
  const std::size_t n = raw ? t.raw().size() / 4 : static_cast<std::size_t>(t.values_size());
  if ((raw && t.values_size() != 0) || (!raw && !t.raw().empty())) return "response encoding differs";
  if (n != c.x.size()) return "response has " + std::to_string(n) + " elements, expected " + std::to_string(c.x.size());
  out->resize(n);
  if (raw) {
    if (n > 0) std::memcpy(out->data(), t.raw().data(), n * 4);  // data() may be null when empty
  } else {
    std::copy(t.values().begin(), t.values().end(), out->begin());
  }
  return "";
}

// Compares against the double formula, rounded to float once.
std::string Compare(const std::vector<float>& got, const Case& c, const std::vector<float>* grad_output,
                    bool derivative) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    double expected = derivative ? ReferenceDerivative(c.activation, c.x[i], c.param)
                                 : ReferenceForward(c.activation, c.x[i], c.param);
    if (grad_output != nullptr) expected *= (*grad_output)[i];
    // One more ULP for a VJP: the product of two float32s is rounded again.
    const std::int64_t tolerance = server::testing::kMaxUlp + (grad_output != nullptr ? 1 : 0);
    if (UlpDistance(got[i], static_cast<float>(expected)) > tolerance) {
      return c.activation + (derivative ? "'" : "") + "(" + std::to_string(c.x[i]) + ") = " + std::to_string(got[i]) +
             ", expected " + std::to_string(expected);
    }
  }
  return "";
}

std::string CheckEvaluate(const v1::EvaluateResponse& response, const Case& c) {
  std::vector<float> y;
  std::string error = Decode(response.output(), c, &y);
  return error.empty() ? Compare(y, c, nullptr, false) : error;
}

struct GradientCase {
  Case c;
  std::vector<float> grad_output;  // empty: plain derivative
  bool include_output = false;
};

GradientCase RandomGradientCase(std::mt19937_64& rng, v1::GradientRequest* request, bool large_ok = true) {
  GradientCase g{RandomCase(rng, large_ok), {}, rng() % 2 == 0};
  Fill(g.c, request);
  request->set_include_output(g.include_output);
  if (rng() % 2) {
    g.grad_output.resize(g.c.x.size());
    std::uniform_real_distribution<float> value(-2.f, 2.f);
    for (float& v : g.grad_output) v = value(rng);
    *request->mutable_grad_output() = MakeTensor(g.grad_output, rng() % 2 ? Encoding::kRaw : Encoding::kValues);
  }
  return g;
}

std::string CheckGradient(const v1::GradientResponse& response, const GradientCase& g) {
  std::vector<float> values;
  std::string error = Decode(response.grad_input(), g.c, &values);
  if (error.empty()) error = Compare(values, g.c, g.grad_output.empty() ? nullptr : &g.grad_output, true);
  if (!error.empty() || !g.include_output) return error;
  error = Decode(response.output(), g.c, &values);
  return error.empty() ? Compare(values, g.c, nullptr, false) : error;
}

std::string StatusError(const grpc::Status& status, grpc::StatusCode expected) {
  if (status.error_code() == expected) return "";
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && status.error_message().rfind("server busy: ", 0) == 0) {
    return kBusy;
  }
  return "status " + std::to_string(status.error_code()) + " (" + status.error_message() + "), expected " +
         std::to_string(expected);
}

// A request that is invalid in one of the table's ways.
v1::EvaluateRequest RandomInvalid(std::mt19937_64& rng) {
  v1::EvaluateRequest request;
  request.set_activation("sigmoid");
  *request.mutable_input() = MakeTensor({1, 2, 3, 4}, Encoding::kRaw);
  switch (rng() % 6) {
    case 0: request.set_activation("no_such_activation"); break;
    case 1: (*request.mutable_params())["alpha"] = 1; break;
    case 2: request.mutable_input()->mutable_raw()->pop_back(); break;
    case 3: request.mutable_input()->add_shape(3); break;
    case 4: request.mutable_input()->add_values(1); break;
    default:
      request.set_activation("leaky_relu");
      (*request.mutable_params())["negative_slope"] = INFINITY;
  }
  return request;
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
}

std::string EvaluateCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng) {
  const Case c = RandomCase(rng);
  v1::EvaluateRequest request;
  Fill(c, &request);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  const grpc::Status status = stub.Evaluate(&context, request, &response);
  return status.ok() ? CheckEvaluate(response, c) : StatusError(status, grpc::StatusCode::OK);
}

std::string GradientCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng) {
  v1::GradientRequest request;
  const GradientCase g = RandomGradientCase(rng, &request);
  v1::GradientResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  const grpc::Status status = stub.Gradient(&context, request, &response);
  return status.ok() ? CheckGradient(response, g) : StatusError(status, grpc::StatusCode::OK);
}

std::string ListCall(v1::ActivationService::Stub& stub) {
  v1::ListActivationsResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  const grpc::Status status = stub.ListActivations(&context, {}, &response);
  if (!status.ok()) return StatusError(status, grpc::StatusCode::OK);
  int classic = 0;
  for (const auto& info : response.activations()) {
    for (const char* name : kActivations) classic += info.name() == name;
  }
  return classic == 5 ? "" : "catalogue lists " + std::to_string(classic) + " of the 5 classic activations";
}

std::string EvaluateStreamCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng, bool bad_chunk) {
  grpc::ClientContext context;
  SetDeadline(&context);
  auto stream = stub.EvaluateStream(&context);
  const int chunks = 1 + static_cast<int>(rng() % 6);
  const int bad = bad_chunk ? static_cast<int>(rng() % chunks) : -1;
  std::string error;
  bool ended_early = false;
  for (int i = 0; i < chunks && error.empty(); ++i) {
    if (i == bad) {
      stream->Write(RandomInvalid(rng));
      break;
    }
    const Case c = RandomCase(rng);
    v1::EvaluateRequest request;
    Fill(c, &request);
    v1::EvaluateResponse response;
    if (!stream->Write(request) || !stream->Read(&response)) {
      ended_early = true;
      break;
    }
    error = CheckEvaluate(response, c);
  }
  stream->WritesDone();
  v1::EvaluateResponse extra;
  while (stream->Read(&extra)) error = error.empty() ? "response after a bad chunk or past the last" : error;
  const grpc::Status status = stream->Finish();
  if (!error.empty()) return error;
  if (ended_early && status.ok()) return "stream ended OK before every chunk was answered";
  error = StatusError(status, bad >= 0 ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::OK);
  if (error.empty() && bad >= 0 && status.error_message().rfind("chunk " + std::to_string(bad) + ":", 0) != 0) {
    error = "stream error does not name chunk " + std::to_string(bad) + ": " + status.error_message();
  }
  return error;
}

// Pipelined: every chunk written before the first answer is read. Small
// chunks only: a client that writes without reading stalls on flow control
// once the answers fill the window, which is its own doing.
std::string GradientStreamCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng) {
  grpc::ClientContext context;
  SetDeadline(&context);
  auto stream = stub.GradientStream(&context);
  std::vector<GradientCase> cases;
  const int chunks = 1 + static_cast<int>(rng() % 6);
  for (int i = 0; i < chunks; ++i) {
    v1::GradientRequest request;
    cases.push_back(RandomGradientCase(rng, &request, false));
    if (!stream->Write(request)) break;
  }
  stream->WritesDone();
  std::string error;
  std::size_t answered = 0;
  v1::GradientResponse response;
  while (stream->Read(&response)) {
    if (answered < cases.size() && error.empty()) error = CheckGradient(response, cases[answered]);
    ++answered;
  }
  const grpc::Status status = stream->Finish();
  if (error.empty()) error = StatusError(status, grpc::StatusCode::OK);
  if (error.empty() && answered != cases.size()) {
    error = std::to_string(answered) + " answers to " + std::to_string(cases.size()) + " chunks";
  }
  return error;
}

std::string InvalidCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng) {
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  return StatusError(stub.Evaluate(&context, RandomInvalid(rng), &response), grpc::StatusCode::INVALID_ARGUMENT);
}

// Cancelled after some chunks were answered, before the stream was closed.
std::string CancelStreamCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng) {
  grpc::ClientContext context;
  SetDeadline(&context);
  auto stream = stub.EvaluateStream(&context);
  const int before_cancel = static_cast<int>(rng() % 3);
  for (int i = 0; i < before_cancel; ++i) {
    const Case c = RandomCase(rng);
    v1::EvaluateRequest request;
    Fill(c, &request);
    v1::EvaluateResponse response;
    if (!stream->Write(request) || !stream->Read(&response)) return "stream broke before the cancel";
    if (std::string error = CheckEvaluate(response, c); !error.empty()) return error;
  }
  v1::EvaluateRequest request;
  Fill(RandomCase(rng), &request);
  stream->Write(request);  // may or may not be answered before the cancel lands
  context.TryCancel();
  v1::EvaluateResponse response;
  while (stream->Read(&response)) {
  }
  return StatusError(stream->Finish(), grpc::StatusCode::CANCELLED);
}

// A deadline too short to meet: DEADLINE_EXCEEDED, or (rarely) a correct answer.
std::string TinyDeadlineCall(v1::ActivationService::Stub& stub, std::mt19937_64& rng) {
  const Case c = RandomCase(rng);
  v1::EvaluateRequest request;
  Fill(c, &request);
  v1::EvaluateResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::microseconds(rng() % 2000));
  const grpc::Status status = stub.Evaluate(&context, request, &response);
  if (status.ok()) return CheckEvaluate(response, c);
  return StatusError(status, grpc::StatusCode::DEADLINE_EXCEEDED);
}

}  // namespace

const char* CallKindName(CallKind kind) {
  static const char* const names[] = {"Evaluate",         "Gradient",          "ListActivations",
                                      "EvaluateStream",   "GradientStream",    "invalid Evaluate",
                                      "invalid in stream", "cancelled stream", "tiny deadline"};
  return names[static_cast<int>(kind)];
}

std::string MakeCheckedCall(v1::ActivationService::Stub& stub, CallKind kind, std::mt19937_64& rng) {
  switch (kind) {
    case CallKind::kEvaluate: return EvaluateCall(stub, rng);
    case CallKind::kGradient: return GradientCall(stub, rng);
    case CallKind::kList: return ListCall(stub);
    case CallKind::kEvaluateStream: return EvaluateStreamCall(stub, rng, false);
    case CallKind::kGradientStream: return GradientStreamCall(stub, rng);
    case CallKind::kInvalid: return InvalidCall(stub, rng);
    case CallKind::kInvalidInStream: return EvaluateStreamCall(stub, rng, true);
    case CallKind::kCancelStream: return CancelStreamCall(stub, rng);
    case CallKind::kTinyDeadline: return TinyDeadlineCall(stub, rng);
    case CallKind::kCount: break;
  }
  return "unknown call kind";
}

}  // namespace activation::reliability
