#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace perspectief::testing {

ServerProcess::ServerProcess(const std::string& tokens_file, const std::string& data_dir,
                             std::vector<std::string> extra) {
  std::vector<std::string> args{PERSPECTIEF_SERVER_BIN, "--tokens",  tokens_file,
                                "--data-dir",           data_dir,    "--listen",
                                "127.0.0.1:0",          "--threads", "2"};
  for (auto& e : extra) args.push_back(std::move(e));
  stderr_path_ = data_dir + ".stderr";
  std::error_code size_error;
  const auto size = std::filesystem::file_size(stderr_path_, size_error);
  stderr_start_ = size_error ? 0 : static_cast<std::size_t>(size);
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    const int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(out_pipe[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  // Read the first line: "listening on http://127.0.0.1:PORT" (or https).
  std::string line;
  char c = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto n = read(out_pipe[0], &c, 1);
    if (n <= 0) break;
    if (c == '\n') break;
    line += c;
  }
  close(out_pipe[0]);
  const auto colon = line.rfind(':');
  const bool listening =
      line.rfind("listening on http://", 0) == 0 || line.rfind("listening on https://", 0) == 0;
  if (!listening || colon == std::string::npos) {
    kill_hard();
    throw std::runtime_error("server did not start: '" + line + "' stderr: " + stderr_text());
  }
  port_ = static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
}

int ServerProcess::stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  const auto text = stderr_text();
  const auto report = text.find("ThreadSanitizer", std::min(stderr_start_, text.size()));
  if (report != std::string::npos) {
    const auto line = text.rfind('\n', report);
    ADD_FAILURE() << "the server reported a race (exit status " << status << "):\n"
                  << text.substr(line == std::string::npos ? 0 : line + 1);
  }
  return status;
}

void ServerProcess::kill_hard() {
  stop(SIGKILL);
}

std::string ServerProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string write_tokens_file(const std::string& dir, const std::vector<std::string>& extra) {
  const std::string path = dir + "/tokens.json";
  std::ofstream out(path);
  out << "[";
  bool first = true;
  for (const char* role :
       {"intake", "housing", "legal", "return", "participation", "regie", "researcher", "ops"}) {
    if (!first) out << ",";
    first = false;
    out << R"({"token":"t-)" << role << R"(","subject":")" << role << R"(-1","organisation":"org-)"
        << role << R"(","role":")" << role << R"("})";
  }
  for (const auto& e : extra) out << "," << e;
  out << "]";
  out.close();
  // Plain tokens: the server refuses a tokens file that other users can read.
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path;
}

}  // namespace perspectief::testing
