#include "client/cli/options.h"

#include <cerrno>
#include <cstdlib>

namespace activation::client {

void AddConnectionOptions(CLI::App& app, ConnectionOptions* o) {
  app.add_option("--target", o->target,
                 "Server address: host:port, or a gRPC target URI (dns:///host:port, ipv4:a:p1,b:p2)")
      ->capture_default_str();
  app.add_option("--lb", o->lb, "Load balancing across the target's addresses")
      ->check(CLI::IsMember({"pick_first", "round_robin"}))
      ->capture_default_str();
  app.add_option("--max-message-bytes", o->max_message_bytes, "Largest message sent or received")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--retries", o->retries, "Attempts per unary call when the server is UNAVAILABLE")
      ->check(CLI::Range(1, 5))
      ->capture_default_str();
  app.add_flag("--tls", o->tls, "Use TLS (implied by the other --tls-* flags); system roots without --tls-ca");
  app.add_option("--tls-ca", o->tls_ca, "PEM file of the CA that signed the server's certificate")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-cert", o->tls_cert, "PEM client certificate (mutual TLS)")->check(CLI::ExistingFile);
  app.add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--tls-server-name", o->tls_server_name, "Name to verify in the server's certificate");
}

void AddActivationOptions(CLI::App& app, ActivationOptions* o, bool required) {
  app.add_option("-a,--activation", o->activation, "Activation name or alias (see `list`)")->required(required);
  app.add_option("-p,--param", o->params, "Parameter as name=value (repeatable)")->allow_extra_args(false);
}

void AddDtypeOption(CLI::App& app, std::string* name, const std::string& description) {
  app.add_option("--dtype", *name, description)->check(CLI::IsMember({"float32", "float16", "bfloat16", "float64"}));
}

std::optional<DataType> ParseDtype(const std::string& name) {
  for (DataType dtype : {DataType::kFloat32, DataType::kFloat16, DataType::kBFloat16, DataType::kFloat64}) {
    if (name == DataTypeName(dtype)) return dtype;
  }
  return std::nullopt;  // not given (the option admits no other value)
}

std::vector<std::pair<std::string, double>> ParseParams(const std::vector<std::string>& params) {
  std::vector<std::pair<std::string, double>> parsed;
  for (const std::string& p : params) {
    const std::size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError("--param " + p + ": expected name=value, e.g. --param negative_slope=0.2");
    }
    const std::string value = p.substr(eq + 1);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || errno == ERANGE) {
      throw UsageError("--param " + p + ": '" + value + "' is not a number");
    }
    parsed.emplace_back(p.substr(0, eq), v);
  }
  return parsed;
}

}  // namespace activation::client
