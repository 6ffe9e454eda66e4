// activation-client: the command-line client of activation.v1.
// Exit codes: 0 success, 1 runtime error (gRPC status, I/O, malformed
// data), 2 usage error, 3 --verify or bench --verify-every found differences.
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/cli/command.h"
#include "client/cli/options.h"
#include "client/formats/format.h"

namespace {

// The arguments nobody claimed: an unknown subcommand, flag or value.
std::string UnexpectedArguments(const CLI::App& app) {
  std::vector<std::string> rest = app.remaining();
  for (const CLI::App* sub : app.get_subcommands()) {
    for (std::string& arg : sub->remaining()) rest.push_back(std::move(arg));
  }
  if (rest.empty()) return "";
  std::string joined;
  for (const std::string& arg : rest) joined += (joined.empty() ? "'" : ", '") + arg + "'";
  const bool subcommand = app.get_subcommands().empty() && rest.front().rfind('-', 0) != 0;
  if (!subcommand) return std::string(rest.size() == 1 ? "argument " : "arguments ") + joined;
  std::string known;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    known += (known.empty() ? "" : ", ") + sub->get_name();
  }
  return "subcommand " + joined + " (expected one of: " + known + ")";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace activation::client;
  CLI::App app("activation-client: evaluate activation functions through activation-server");
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);
  const std::vector<Command> commands = {AddEvalCommand(app), AddGradCommand(app), AddListCommand(app),
                                         AddHealthCommand(app), AddBenchCommand(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks required options before it complains about extras, so
    // `eval --frob` would otherwise say "--activation is required".
    const std::string unexpected = UnexpectedArguments(app);
    if (!unexpected.empty()) {
      std::fprintf(stderr, "activation-client: error: unknown %s\n", unexpected.c_str());
    } else {
      std::fprintf(stderr, "activation-client: error: %s\n", e.what());
    }
    std::fprintf(stderr, "run 'activation-client %s--help' for the flags\n",
                 app.get_subcommands().empty() ? "" : (app.get_subcommands()[0]->get_name() + " ").c_str());
    return 2;
  }
  try {
    for (const Command& command : commands) {
      if (command.app->parsed()) return command.run();
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "activation-client: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "activation-client: error: %s\n", e.what());
    return 1;
  }
  return 2;
}
