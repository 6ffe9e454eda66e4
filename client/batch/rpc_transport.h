// Chunks evaluated by the service: one unary call per chunk (Evaluate /
// Gradient), or a few long streams (EvaluateStream / GradientStream) with
// several chunks in flight on each. Both spread over the channel's
// backends with round_robin: unary calls one by one, streams stream by
// stream. When a server goes away (UNAVAILABLE), a stream is reopened and its
// unanswered chunks are sent again, and a unary chunk is called again: every
// RPC here is a pure function, so repeating one is safe. (gRPC's own retries
// cannot repeat a call whose answer had begun to arrive.)
#pragma once

#include <memory>

#include <grpcpp/channel.h>

#include "client/batch/transport.h"

namespace activation::client {

struct RpcTransportOptions {
  bool streaming = true;
  int streams = 1;         // streaming: parallel streams (lanes)
  int unary_threads = 4;   // unary: calls in flight
  // On UNAVAILABLE, after waits of 50 ms, 100 ms, ...: how often a lane's
  // stream is reopened (streaming), or a chunk's call repeated (unary).
  int max_resends = 5;
  // Streaming: end each stream after this many chunks and open the next, so
  // that streams opened while only some backends were ready spread out over
  // all of them later (round_robin); 0 = one stream per lane for the run.
  int rebalance_every = 0;
  double timeout_seconds = 0;  // per unary call; 0 = none
};

std::unique_ptr<Transport> MakeRpcTransport(std::shared_ptr<grpc::Channel> channel, const Job& job,
                                            const RpcTransportOptions& options);

}  // namespace activation::client
