#include "services/log_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace perspectief {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kLineBytes = 100;  // a line of the dropping test, with its newline

// An empty log file in a fresh temp dir, opened for appending; closed and removed at the end.
class LogFile {
 public:
  LogFile() : path_(dir_.sub("log")) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  }
  ~LogFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  int fd() const { return fd_; }
  std::string contents() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  testing::TempDir dir_;
  std::string path_;
  int fd_ = -1;
};

// The text split at '\n'; `text` must end with '\n' (checked by the callers).
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string thread_line(int thread, int i) {
  // long enough that a torn write would show as a broken line
  return "thread " + std::to_string(thread) + " line " + std::to_string(i) + " " +
         std::string(60, static_cast<char>('a' + thread));
}

TEST(LogWriter, LinesFromManyThreadsArriveWholeAndExactlyOnce) {
  LogFile file;
  ASSERT_GE(file.fd(), 0);
  constexpr int kThreads = 4;
  constexpr int kLinesPerThread = 1000;
  // A short interval, so that batches are written while the threads are still writing.
  LogWriter writer(file.fd(), milliseconds(5));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < kLinesPerThread; ++i) writer.write(thread_line(t, i));
    });
  }
  for (auto& th : threads) th.join();
  writer.flush();

  const std::string text = file.contents();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLinesPerThread));
  std::map<std::string, int> seen;
  for (const auto& line : lines) ++seen[line];
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kLinesPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kLinesPerThread; ++i) {
      const auto it = seen.find(thread_line(t, i));
      ASSERT_NE(it, seen.end()) << thread_line(t, i);
      EXPECT_EQ(it->second, 1) << thread_line(t, i);
    }
  }
  // each thread's lines in the order that thread wrote them
  std::vector<int> next(kThreads, 0);
  for (const auto& line : lines) {
    const int t = line.at(7) - '0';
    ASSERT_GE(t, 0);
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(line, thread_line(t, next[t]));
    ++next[t];
  }
}

TEST(LogWriter, FlushWritesBeforeTheIntervalHasPassed) {
  LogFile file;
  ASSERT_GE(file.fd(), 0);
  LogWriter writer(file.fd(), seconds(10));
  writer.write("hello");
  const auto start = std::chrono::steady_clock::now();
  writer.flush();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(file.contents(), "hello\n");
  // flush() must not wait for the writer's 10 s interval to run out.
  EXPECT_LT(took, seconds(5)) << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
}

TEST(LogWriter, DestructorWritesEverythingPending) {
  LogFile file;
  ASSERT_GE(file.fd(), 0);
  {
    LogWriter writer(file.fd(), seconds(10));
    writer.write("a");
    writer.write("b");
    writer.write("c");
  }
  EXPECT_EQ(file.contents(), "a\nb\nc\n");
}

// A pipe that nobody reads until all lines are written: the writer thread blocks in write(2)
// once the pipe is full. From then on at most 4 MiB wait in the buffer (plus at most 4 MiB in
// the batch being written and the pipe's capacity), so writing more than that must drop lines
// whatever the scheduling. Then a reader drains the pipe and every line is accounted for:
// written whole, in order, or counted in a "log-lines-dropped" line.
TEST(LogWriter, DropsAndCountsLinesWhenTheReaderIsStuck) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int read_fd = fds[0];
  int write_fd = fds[1];
  std::size_t capacity = 1024 * 1024;  // the unprivileged maximum, if the size is not known
#ifdef F_GETPIPE_SZ
  if (const int c = ::fcntl(write_fd, F_GETPIPE_SZ); c > 0) capacity = static_cast<std::size_t>(c);
#endif
  const std::size_t total_lines = (capacity + 9 * kMiB) / kLineBytes + 1;
  auto line = [](std::size_t i) {
    std::string s = std::to_string(i);
    s = "line " + std::string(8 - s.size(), '0') + s + " ";
    s.resize(kLineBytes - 1, 'x');
    return s;
  };

  std::string received;
  std::thread reader;
  {
    auto writer = std::make_unique<LogWriter>(write_fd, seconds(10));
    for (std::size_t i = 0; i < total_lines; ++i) writer->write(line(i));
    reader = std::thread([&received, read_fd] {
      char buf[65536];
      for (;;) {
        const auto n = ::read(read_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        received.append(buf, static_cast<std::size_t>(n));
      }
    });
    writer.reset();  // writes the rest, then the count of dropped lines
  }
  ::close(write_fd);
  reader.join();
  ::close(read_fd);

  ASSERT_FALSE(received.empty());
  EXPECT_EQ(received.back(), '\n');
  constexpr std::string_view kDropped = R"({"event":"log-lines-dropped","count":)";
  std::size_t kept = 0;
  std::size_t dropped = 0;
  std::size_t dropped_lines = 0;
  std::size_t next = 0;  // lines come in the order written, some left out
  for (const auto& l : lines_of(received)) {
    if (l.starts_with(kDropped)) {
      ASSERT_TRUE(l.ends_with("}")) << l;
      const std::string count = l.substr(kDropped.size(), l.size() - kDropped.size() - 1);
      ASSERT_FALSE(count.empty()) << l;
      ASSERT_EQ(count.find_first_not_of("0123456789"), std::string::npos) << l;
      EXPECT_GT(std::stoull(count), 0U) << l;
      dropped += std::stoull(count);
      ++dropped_lines;
      continue;
    }
    ASSERT_EQ(l.size(), kLineBytes - 1) << l.substr(0, 40);
    ASSERT_TRUE(l.starts_with("line ")) << l.substr(0, 40);
    const std::size_t i = std::stoull(l.substr(5, 8));
    ASSERT_GE(i, next) << l.substr(0, 40);
    ASSERT_LT(i, total_lines);
    EXPECT_EQ(l, line(i));
    next = i + 1;
    ++kept;
  }
  EXPECT_GE(dropped_lines, 1U);
  EXPECT_GT(dropped, 0U);
  EXPECT_GT(kept, 0U);
  EXPECT_EQ(kept + dropped, total_lines);
}

}  // namespace
}  // namespace perspectief
