#include "eventstore/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace perspectief {
namespace {

Error io_error(const std::string& what) {
  Error e = make_error(ErrorCode::unavailable, what);
  e.internal = std::generic_category().message(errno);  // strerror is not thread-safe
  return e;
}

}  // namespace

Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::string tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot write " + tmp);
  std::size_t done = 0;
  bool written = true;
  while (written && done < bytes.size()) {  // a large file can take more than one write
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    written = n > 0;
    if (written) done += static_cast<std::size_t>(n);
  }
  written = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot write " + tmp);
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Ok{};
}

}  // namespace perspectief
