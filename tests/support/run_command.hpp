#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace perspectief::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout, and stderr when `with_stderr`
};

// Runs a shell command and collects its output.
inline CommandResult run_command(const std::string& command, bool with_stderr = true) {
  CommandResult r;
  FILE* p = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string tool() {
  return PERSPECTIEF_TOOL_BIN;
}

}  // namespace perspectief::testing
