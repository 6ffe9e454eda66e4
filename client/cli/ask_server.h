// What the server says about a job's activation, asked once per run.
#pragma once

#include "client/batch/chunk.h"
#include "client/batch/verify.h"
#include "client/channel.h"

namespace activation::client {

// The server's ListActivations entry for `job.activation` (name or alias).
// A name the server does not list is refused with the server's own message
// (from an empty Evaluate), before any input is read. Throws
// std::runtime_error.
ServerEntry AskServer(const ConnectionOptions& connection, const Job& job, double timeout_seconds);

// The same figures from the linked library, for the --verify comparison;
// float16 and bfloat16 as correctly rounded only where they are for `job`
// (an elementwise function at the narrow tables' parameters).
ServerEntry LocalEntry(const Job& job);

// The SIMD target the linked library's kernels run on here.
std::string LocalTarget();

}  // namespace activation::client
