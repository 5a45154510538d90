#include "services/log_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>

namespace perspectief {
namespace {

constexpr std::size_t kWakeAt = std::size_t{64} * 1024;
constexpr std::size_t kMaxPending = std::size_t{4} * 1024 * 1024;

}  // namespace

LogWriter::LogWriter(int fd, std::chrono::milliseconds interval)
    : fd_(fd), interval_(interval), thread_([this] { run(); }) {}

LogWriter::~LogWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LogWriter::write(std::string_view line) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() + line.size() + 1 > kMaxPending) {
      ++dropped_;
      return;
    }
    pending_ += line;
    pending_ += '\n';
    wake = pending_.size() >= kWakeAt;
  }
  if (wake) wake_.notify_one();
}

void LogWriter::flush() {
  std::unique_lock lock(mu_);
  // Wait for the batch after the one that takes what is pending now.
  const std::uint64_t target = taken_batches_ + 1;
  flush_requested_ = true;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return written_batches_ >= target || stopping_; });
}

void LogWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, interval_,
                   [&] { return stopping_ || flush_requested_ || pending_.size() >= kWakeAt; });
    flush_requested_ = false;
    std::string batch;
    batch.swap(pending_);
    if (dropped_ > 0) {
      batch += R"({"event":"log-lines-dropped","count":)" + std::to_string(dropped_) + "}\n";
      dropped_ = 0;
    }
    const std::uint64_t taken = ++taken_batches_;
    const bool stop = stopping_;
    lock.unlock();
    write_out(batch);
    lock.lock();
    written_batches_ = taken;
    flushed_.notify_all();
    if (stop && pending_.empty()) return;
  }
}

void LogWriter::write_out(const std::string& bytes) const {
  std::string_view rest{bytes};
  while (!rest.empty()) {
    // Whole lines, at most PIPE_BUF bytes a write where they fit: such writes to a pipe are
    // atomic, so a line another thread writes to stderr never lands inside one of ours.
    std::size_t cut = rest.size();
    if (cut > PIPE_BUF) {
      const auto last = rest.rfind('\n', PIPE_BUF - 1);
      const auto first = rest.find('\n');
      cut = last != std::string_view::npos    ? last + 1
            : first != std::string_view::npos ? first + 1
                                              : rest.size();
    }
    if (!write_all(rest.substr(0, cut))) return;  // nowhere to log to: the service goes on
    rest.remove_prefix(cut);
  }
}

bool LogWriter::write_all(std::string_view bytes) const {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace perspectief
