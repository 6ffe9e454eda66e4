// A test double for the client's --verify and bench --verify-every: an
// activation.v1 server (unary calls only) that computes with the real
// evaluation path, then moves one answer in every 64 by --skew-ulp floats,
// and names --simd-target (default: the target it runs on) as its target in
// ListActivations.
//
//   skewed_server --port-file F --skew-ulp K --simd-target NAME
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "activation/v1/activation.grpc.pb.h"
#include "server/catalogue_info.h"
#include "server/evaluation.h"

namespace {

using activation::v1::ActivationService;
namespace v1 = activation::v1;

float Skew(float v, int ulp) {
  if (!std::isfinite(v) || v == 0) return v;  // keep the specials as they are
  for (int i = 0; i < ulp; ++i) v = std::nextafter(v, INFINITY);
  return v;
}

void SkewTensor(v1::Tensor* t, int ulp) {
  if (!t->raw().empty()) {
    std::string& raw = *t->mutable_raw();
    for (std::size_t i = 0; i + 4 <= raw.size(); i += 64 * 4) {
      float v;
      std::memcpy(&v, &raw[i], 4);
      v = Skew(v, ulp);
      std::memcpy(&raw[i], &v, 4);
    }
  } else {
    for (int i = 0; i < t->values_size(); i += 64) t->set_values(i, Skew(t->values(i), ulp));
  }
}

class SkewedService final : public ActivationService::Service {
 public:
  SkewedService(int ulp, std::string target) : ulp_(ulp), target_(std::move(target)) {}

  grpc::Status Evaluate(grpc::ServerContext*, const v1::EvaluateRequest* request,
                        v1::EvaluateResponse* response) override {
    activation::server::ServeSummary summary;
    grpc::Status status = activation::server::Serve(*request, response, kLimit, &summary);
    if (status.ok()) SkewTensor(response->mutable_output(), ulp_);
    return status;
  }
  grpc::Status Gradient(grpc::ServerContext*, const v1::GradientRequest* request,
                        v1::GradientResponse* response) override {
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
  static constexpr std::size_t kLimit = 64 << 20;
  int ulp_;
  std::string target_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string port_file, target;  // empty: the real one
  int ulp = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--port-file") port_file = argv[i + 1];
    else if (flag == "--skew-ulp") ulp = std::stoi(argv[i + 1]);
    else if (flag == "--simd-target") target = argv[i + 1];
    else return 2;
  }
  SkewedService service(ulp, target);
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
