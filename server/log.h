// Structured logging on spdlog: a message plus key/value fields, printed as
// "message key=value ..." (text) or as one JSON object per line (json).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "server/config.h"

namespace activation::server {

// One key/value of a log line; numbers stay unquoted in JSON.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, const char* v) : key(k), value(v), quoted(true) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v), quoted(true) {}
  template <typename Number, typename = std::enable_if_t<std::is_arithmetic_v<Number>>>
  LogField(std::string_view k, Number v) : key(k), value(std::to_string(v)), quoted(false) {}
  std::string_view key;
  std::string value;
  bool quoted;
};

// Installs the process-wide logger (stderr) with the configured level and format.
void InitLogging(const std::string& level, LogFormat format);

// Called last, once nothing of ours logs any more: hands gRPC's diagnostics
// back to gRPC's own stderr logger (its threads may still log while gRPC
// tears down, after ours is gone), then flushes and drops our logger.
void ShutdownLogging();

void LogEvent(spdlog::level::level_enum level, std::string_view message,
              std::initializer_list<LogField> fields = {});

}  // namespace activation::server
