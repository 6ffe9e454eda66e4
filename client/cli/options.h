// Flags every subcommand shares: where the server is, and which activation.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/channel.h"
#include "compute/dtype.h"

namespace activation::client {

// A command-line mistake found after parsing (bad --param, bad number):
// reported like CLI11's own errors, exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void AddConnectionOptions(CLI::App& app, ConnectionOptions* options);

struct ActivationOptions {
  std::string activation;
  std::vector<std::string> params;  // "name=value"
};
void AddActivationOptions(CLI::App& app, ActivationOptions* options, bool required);

// --dtype float32|float16|bfloat16|float64 into `name` (empty when not given).
void AddDtypeOption(CLI::App& app, std::string* name, const std::string& description);
// The dtype --dtype named; nullopt when it was not given.
std::optional<DataType> ParseDtype(const std::string& name);

// "negative_slope=0.2" -> {"negative_slope", 0.2}; throws UsageError.
std::vector<std::pair<std::string, double>> ParseParams(const std::vector<std::string>& params);

}  // namespace activation::client
