#include "eventstore/file_access.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace perspectief {

std::optional<FileAccess> file_access(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileAccess access;
  access.others = st.st_mode & (S_IRWXO | (st.st_gid == ::getegid() ? 0 : S_IRWXG));
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  access.mode = mode;
  return access;
}

}  // namespace perspectief
