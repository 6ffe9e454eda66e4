// A subcommand: its CLI11 definition and what runs when it was chosen.
#pragma once

#include <functional>
#include <memory>

#include <CLI/CLI.hpp>

namespace activation::client {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the exit code; throws on errors
};

Command AddEvalCommand(CLI::App& parent);
Command AddGradCommand(CLI::App& parent);
Command AddListCommand(CLI::App& parent);
Command AddHealthCommand(CLI::App& parent);
Command AddBenchCommand(CLI::App& parent);

}  // namespace activation::client
