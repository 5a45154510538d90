#pragma once

namespace perspectief::api {

// The process's own figures for the standard Prometheus process metrics (the names the
// official client libraries use), read from /proc/self. Zero where /proc cannot be read.
struct ProcessFigures {
  double cpu_seconds = 0;     // user + system time
  double resident_bytes = 0;  // resident set size
  double virtual_bytes = 0;
  double open_fds = 0;
  double max_fds = 0;     // the soft RLIMIT_NOFILE
  double start_time = 0;  // seconds since the epoch
};

ProcessFigures read_process_figures();

}  // namespace perspectief::api
