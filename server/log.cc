#include "server/log.h"

#include <atomic>
#include <cstdio>

#include <grpc/support/log.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "compute/client_text.h"

namespace activation::server {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          *out += escaped;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// gRPC's own diagnostics become log lines like ours, so that stderr holds
// one format only (one JSON object per line with --log-format json).
void LogGrpcLine(gpr_log_func_args* args) {
  const auto level = args->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
                     : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                               : spdlog::level::debug;
  LogEvent(level, args->message, {{"source", "grpc"}, {"file", args->file}, {"line", args->line}});
}

}  // namespace

void InitLogging(const std::string& level, LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>("activation", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(spdlog::level::from_str(level));
  // The JSON body after "level" is written by LogEvent, so every line is one object.
  logger->set_pattern(format == LogFormat::kJson ? R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})"
                                                 : "%Y-%m-%dT%H:%M:%S.%fZ %L %v",
                      spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  g_format = format;
  gpr_set_log_function(LogGrpcLine);
}

void ShutdownLogging() {
  gpr_set_log_function(nullptr);  // gRPC's default
  spdlog::shutdown();
}

void LogEvent(spdlog::level::level_enum level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!spdlog::should_log(level)) return;
  std::string line;
  if (g_format == LogFormat::kJson) {
    line = "\"msg\":";
    AppendJsonString(message, &line);
    for (const LogField& f : fields) {
      line += ',';
      AppendJsonString(f.key, &line);
      line += ':';
      if (f.quoted) {
        AppendJsonString(f.value, &line);
      } else {
        line += f.value;
      }
    }
  } else {
    // Every string field quoted and escaped: no value can end the line or
    // pass for another field.
    line = EscapeText(message);
    for (const LogField& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      line += f.quoted ? "\"" + EscapeText(f.value) + "\"" : f.value;
    }
  }
  spdlog::log(level, "{}", line);
}

}  // namespace activation::server
