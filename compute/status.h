// A result code and message, so the compute library can reject bad input
// without exceptions and without knowing anything about gRPC.
#pragma once

#include <string>
#include <utility>

namespace activation {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument };

  Status() = default;
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace activation
