// A test double for the client's --verify and bench --verify-every: an
// activation.v1 server (unary calls only) that computes with the real
// evaluation path, then moves one answer in every 64 by --skew-ulp values of
// its dtype (float32 values or raw bytes of any dtype),
// and names --simd-target (default: the target it runs on) as its target in
// ListActivations. With --unavailable-every N it refuses every Nth unary
// call with UNAVAILABLE, as a server going away does (for the client's
// resends).
//
//   skewed_server --port-file F --skew-ulp K --simd-target NAME --unavailable-every N
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "activation/v1/activation.grpc.pb.h"
#include "server/catalogue_info.h"
#include "server/evaluation.h"
#include "wire/tensor_codec.h"

namespace {

using activation::v1::ActivationService;
namespace v1 = activation::v1;

// `v` moved `ulp` representable values up; specials and zero stay as they are.
template <typename T>
T Skew(T v, int ulp) {
  if (!std::isfinite(v) || v == 0) return v;
  for (int i = 0; i < ulp; ++i) v = std::nextafter(v, static_cast<T>(INFINITY));
  return v;
}

// The same for a float16 / bfloat16 bit pattern: one step up is one more
// in magnitude above zero, one less below it.
std::uint16_t SkewNarrow(activation::DataType dtype, std::uint16_t bits, int ulp) {
  const float v = activation::NarrowToFloat(dtype, bits);
  if (!std::isfinite(v) || v == 0) return bits;
  for (int i = 0; i < ulp; ++i) bits = static_cast<std::uint16_t>(bits & 0x8000 ? bits - 1 : bits + 1);
  return bits;
}

// The element of `dtype` at `p`, moved `ulp` values up.
void SkewAt(activation::DataType dtype, char* p, int ulp) {
  if (dtype == activation::DataType::kFloat64) {
    double v;
    std::memcpy(&v, p, sizeof v);
    v = Skew(v, ulp);
    std::memcpy(p, &v, sizeof v);
  } else if (activation::IsNarrow(dtype)) {
    std::uint16_t bits;
    std::memcpy(&bits, p, sizeof bits);
    bits = SkewNarrow(dtype, bits, ulp);
    std::memcpy(p, &bits, sizeof bits);
  } else {
    float v;
    std::memcpy(&v, p, sizeof v);
    v = Skew(v, ulp);
    std::memcpy(p, &v, sizeof v);
  }
}

// One element in every 64, in the tensor's dtype (raw) or float32 values.
void SkewTensor(v1::Tensor* t, int ulp) {
  activation::DataType dtype = activation::DataType::kFloat32;
  activation::wire::ReadDataType(*t, &dtype);
  if (!t->raw().empty()) {
    std::string& raw = *t->mutable_raw();
    const std::size_t size = activation::ElementBytes(dtype);
    for (std::size_t i = 0; i + size <= raw.size(); i += 64 * size) SkewAt(dtype, &raw[i], ulp);
  } else if (t->double_values_size() > 0) {
    for (int i = 0; i < t->double_values_size(); i += 64) t->set_double_values(i, Skew(t->double_values(i), ulp));
  } else {
    for (int i = 0; i < t->values_size(); i += 64) t->set_values(i, Skew(t->values(i), ulp));
  }
}

class SkewedService final : public ActivationService::Service {
 public:
  SkewedService(int ulp, std::string target, int unavailable_every)
      : ulp_(ulp), target_(std::move(target)), unavailable_every_(unavailable_every) {}

  grpc::Status Evaluate(grpc::ServerContext*, const v1::EvaluateRequest* request,
                        v1::EvaluateResponse* response) override {
    if (Refuse()) return RefusedStatus();
    activation::server::ServeSummary summary;
    grpc::Status status = activation::server::Serve(*request, response, kLimit, &summary);
    if (status.ok()) SkewTensor(response->mutable_output(), ulp_);
    return status;
  }
  grpc::Status Gradient(grpc::ServerContext*, const v1::GradientRequest* request,
                        v1::GradientResponse* response) override {
    if (Refuse()) return RefusedStatus();
    activation::server::ServeSummary summary;
    grpc::Status status = activation::server::Serve(*request, response, kLimit, &summary);
    if (status.ok()) SkewTensor(response->mutable_grad_input(), ulp_);
    return status;
  }
  grpc::Status ListActivations(grpc::ServerContext*, const v1::ListActivationsRequest*,
                               v1::ListActivationsResponse* response) override {
    *response = activation::server::CatalogueResponse();
    if (!target_.empty()) response->set_simd_target(target_);
    return grpc::Status::OK;
  }

 private:
  bool Refuse() { return unavailable_every_ > 0 && ++calls_ % unavailable_every_ == 0; }
  static grpc::Status RefusedStatus() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "test double: refusing this call");
  }

  static constexpr std::size_t kLimit = 64 << 20;
  int ulp_;
  std::string target_;
  int unavailable_every_;
  std::atomic<long> calls_{0};
};

}  // namespace

int main(int argc, char** argv) {
  std::string port_file, target;  // empty: the real one
  int ulp = 1;
  int unavailable_every = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--port-file") port_file = argv[i + 1];
    else if (flag == "--skew-ulp") ulp = std::stoi(argv[i + 1]);
    else if (flag == "--simd-target") target = argv[i + 1];
    else if (flag == "--unavailable-every") unavailable_every = std::stoi(argv[i + 1]);
    else return 2;
  }
  SkewedService service(ulp, target, unavailable_every);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) return 1;
  std::ofstream(port_file) << port << "\n";
  server->Wait();  // until SIGTERM ends the process
}
