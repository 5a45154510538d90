#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace perspectief::testing {

// Runs the real perspectief-server binary (path from PERSPECTIEF_SERVER_BIN) on port 0 and
// waits for its "listening on http://HOST:PORT" line.
class ServerProcess {
 public:
  // `tokens_file` and `data_dir` are passed as flags, `extra` appended.
  ServerProcess(const std::string& tokens_file, const std::string& data_dir,
                std::vector<std::string> extra = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `sig` and waits; returns the exit status as waitpid reports it. A ThreadSanitizer
  // report that this server run wrote to its stderr fails the current test (ADD_FAILURE), so
  // a race the server survived, or one it halted on (TSAN_OPTIONS=halt_on_error=1, see
  // tests/tsan.cmake) while the test went on, is never missed.
  int stop(int sig);
  // SIGKILL, no grace.
  void kill_hard();

  // What the server wrote to stderr so far (its request log).
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string stderr_path_;
  std::size_t stderr_start_ = 0;  // where this run's stderr begins (the file is appended to)
};

// Writes a tokens file with one token per role: "t-<role>" for subject "<role>-1" of
// organisation "org-<role>", plus the extra entries given (raw JSON objects).
std::string write_tokens_file(const std::string& dir, const std::vector<std::string>& extra = {});

}  // namespace perspectief::testing
