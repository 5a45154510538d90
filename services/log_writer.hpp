#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace perspectief {

// Writes log lines to a file descriptor (stderr for the request log) from its own thread, in
// batches: a request thread appends its line to a buffer and goes on, and the writer thread
// writes whatever has gathered with one write(2), at least every `interval` and at once
// when the buffer passes 64 KiB. A request therefore costs no system call for its log line.
// If more than 4 MiB wait (the reader of stderr is stuck), further lines are counted and
// dropped, and a line saying how many replaces them. flush() and the destructor write
// everything that is buffered.
class LogWriter {
 public:
  explicit LogWriter(int fd, std::chrono::milliseconds interval = std::chrono::milliseconds(50));
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Appends `line` and a newline.
  void write(std::string_view line);
  // Returns once everything written before the call is out.
  void flush();

 private:
  void run();
  void write_out(const std::string& bytes) const;
  bool write_all(std::string_view bytes) const;

  const int fd_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::string pending_;
  std::size_t dropped_ = 0;
  std::uint64_t written_batches_ = 0;
  std::uint64_t taken_batches_ = 0;
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace perspectief
