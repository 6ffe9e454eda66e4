// --local: chunks evaluated by the linked compute library on worker threads.
#pragma once

#include <memory>

#include "client/batch/local_evaluator.h"
#include "client/batch/transport.h"

namespace activation::client {

std::unique_ptr<Transport> MakeLocalTransport(const Job& job, int threads);

}  // namespace activation::client
