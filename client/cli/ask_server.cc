#include "client/cli/ask_server.h"

#include <stdexcept>

#include "activation/v1/activation.grpc.pb.h"
#include "compute/registry.h"
#include "compute/simd/target.h"

namespace activation::client {

ServerEntry AskServer(const ConnectionOptions& connection, const Job& job, double timeout_seconds) {
  auto stub = v1::ActivationService::NewStub(MakeChannel(connection));
  v1::ListActivationsResponse list;
  {
    grpc::ClientContext context;
    SetDeadline(context, timeout_seconds);
    const grpc::Status status = stub->ListActivations(&context, {}, &list);
    if (!status.ok()) throw std::runtime_error("ListActivations: " + DescribeStatus(status));
  }
  for (const v1::ActivationInfo& info : list.activations()) {
    bool named = info.name() == job.activation;
    for (const std::string& alias : info.aliases()) named = named || alias == job.activation;
    if (!named) continue;
    ServerEntry entry;
    entry.rowwise = info.rowwise();
    entry.forward_max_ulp = info.has_accuracy() ? info.accuracy().forward_max_ulp() : -1;
    entry.derivative_max_ulp = info.has_accuracy() ? info.accuracy().derivative_max_ulp() : -1;
    entry.simd_target = list.simd_target();
    return entry;
  }
  v1::EvaluateRequest probe;
  probe.set_activation(job.activation);
  for (const auto& [name, value] : job.params) (*probe.mutable_params())[name] = value;
  v1::EvaluateResponse ignored;
  grpc::ClientContext context;
  SetDeadline(context, timeout_seconds);
  const grpc::Status status = stub->Evaluate(&context, probe, &ignored);
  throw std::runtime_error("the server does not list activation '" + job.activation + "': " +
                           (status.ok() ? std::string("it answered an empty call") : DescribeStatus(status)));
}

ServerEntry LocalEntry(const Job& job) {
  const Activation* a = FindActivation(job.activation);
  ServerEntry entry;
  if (a == nullptr) return entry;
  entry.rowwise = a->rowwise;
  entry.forward_max_ulp = a->accuracy.forward_max_ulp;
  entry.derivative_max_ulp = a->accuracy.derivative_max_ulp;
  entry.simd_target = LocalTarget();
  return entry;
}

std::string LocalTarget() { return simd::TargetName(simd::CurrentTarget()); }

}  // namespace activation::client
