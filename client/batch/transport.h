// Where chunks get evaluated: the linked library (--local), unary RPCs, or
// streaming RPCs. A transport may finish chunks out of order; the batch
// runner puts them back in order.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "client/batch/chunk.h"

namespace activation::client {

class Transport {
 public:
  using Done = std::function<void(std::unique_ptr<Chunk>)>;
  using Fail = std::function<void(const std::string& message)>;

  virtual ~Transport() = default;
  // Begins work; `done` and `fail` may be called from any thread.
  virtual void Start(Done done, Fail fail) = 0;
  virtual void Submit(std::unique_ptr<Chunk> chunk) = 0;
  // No more chunks: finishes outstanding work (or abandons it after a
  // failure) and returns when every thread has stopped.
  virtual void Close() = 0;
};

}  // namespace activation::client
