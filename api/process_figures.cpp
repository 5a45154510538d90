#include "api/process_figures.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace perspectief::api {
namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces), from field 3.
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

// The system's boot time (seconds since the epoch), from /proc/stat.
double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

}  // namespace

ProcessFigures read_process_figures() {
  ProcessFigures p;
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // Fields (from 3, state): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
  const auto f = stat_fields();
  const auto field = [&](std::size_t n) { return n - 3 < f.size() ? std::stod(f[n - 3]) : 0.0; };
  if (ticks > 0 && f.size() > 21) {
    p.cpu_seconds = (field(14) + field(15)) / ticks;
    p.start_time = boot_time() + field(22) / ticks;
    p.virtual_bytes = field(23);
    p.resident_bytes = field(24) * page;
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    p.open_fds += 1;
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) p.max_fds = static_cast<double>(limit.rlim_cur);
  return p;
}

}  // namespace perspectief::api
