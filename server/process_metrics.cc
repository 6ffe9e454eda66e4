#include "server/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace activation::server {
namespace {

// Fields of /proc/self/stat we use, in the units proc(5) gives them.
struct ProcStat {
  double utime_ticks = 0, stime_ticks = 0, starttime_ticks = 0;
  double threads = 0, vsize_bytes = 0, rss_pages = 0;
};

bool ReadProcStat(ProcStat* out) {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return false;
  // The command name (field 2) may contain spaces; fields resume after ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;  // f[0] is field 3 (state)
  for (std::string token; rest >> token;) f.push_back(token);
  if (f.size() < 22) return false;
  out->utime_ticks = std::stod(f[11]);      // field 14
  out->stime_ticks = std::stod(f[12]);      // field 15
  out->threads = std::stod(f[17]);          // field 20
  out->starttime_ticks = std::stod(f[19]);  // field 22
  out->vsize_bytes = std::stod(f[20]);      // field 23
  out->rss_pages = std::stod(f[21]);        // field 24
  return true;
}

double BootTimeSeconds() {
  std::ifstream file("/proc/stat");
  for (std::string key; file >> key;) {
    if (key == "btime") {
      double value = 0;
      file >> value;
      return value;
    }
    file.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFileDescriptors() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the descriptor opendir itself holds
}

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{name, help, type, {metric}};
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  ProcStat stat;
  if (ReadProcStat(&stat)) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    families.push_back(Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                              MetricType::Counter, (stat.utime_ticks + stat.stime_ticks) / ticks));
    families.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge, stat.rss_pages * page));
    families.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, stat.vsize_bytes));
    families.push_back(Family("process_start_time_seconds",
                              "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                              BootTimeSeconds() + stat.starttime_ticks / ticks));
    families.push_back(Family("process_threads", "Number of OS threads in the process.", MetricType::Gauge,
                              stat.threads));
  }
  families.push_back(Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                            OpenFileDescriptors()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace activation::server
