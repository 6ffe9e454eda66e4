#include "client/cli/ask_server.h"

#include <stdexcept>

#include "activation/v1/activation.grpc.pb.h"
#include "compute/dtype.h"
#include "compute/registry.h"
#include "compute/simd/target.h"
#include "wire/tensor_codec.h"

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
    if (info.has_accuracy()) {
      entry.bounds(DataType::kFloat32) = {info.accuracy().forward_max_ulp(), info.accuracy().derivative_max_ulp()};
      for (const v1::DtypeAccuracy& figures : info.accuracy().dtypes()) {
        DataType dtype;
        if (!wire::ReadDataType(figures.dtype(), &dtype) || dtype == DataType::kFloat32) continue;
        entry.bounds(dtype) = {figures.forward_max_ulp(), figures.derivative_max_ulp()};
      }
    }
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

namespace {

// float16 and bfloat16 answers are correctly rounded where the tables hold
// them (compute/dtype.h): an elementwise function at the tables' parameters.
bool NarrowIsCorrectlyRounded(const Activation& activation, const Job& job) {
  const KernelArgs* tabled = NarrowTableParams(activation);
  if (tabled == nullptr) return false;
  GivenParams given;
  for (const auto& [name, value] : job.params) given.emplace_back(name, value);
  KernelArgs args;
  if (!ResolveParams(activation, given, &args).ok()) return false;
  for (std::size_t i = 0; i < activation.params.size(); ++i) {
    if (args.param[i] != tabled->param[i]) return false;
  }
  return true;
}

}  // namespace

ServerEntry LocalEntry(const Job& job) {
  const Activation* a = FindActivation(job.activation);
  ServerEntry entry;
  if (a == nullptr) return entry;
  entry.rowwise = a->rowwise;
  entry.bounds(DataType::kFloat32) = {a->accuracy.forward_max_ulp, a->accuracy.derivative_max_ulp};
  entry.bounds(DataType::kFloat64) = {a->accuracy.float64.forward, a->accuracy.float64.derivative};
  if (NarrowIsCorrectlyRounded(*a, job)) {
    for (DataType narrow : {DataType::kFloat16, DataType::kBFloat16}) entry.bounds(narrow) = {0, 0};
  }
  entry.simd_target = LocalTarget();
  return entry;
}

std::string LocalTarget() { return simd::TargetName(simd::CurrentTarget()); }

}  // namespace activation::client
