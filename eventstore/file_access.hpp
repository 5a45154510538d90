#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace perspectief {

// What users other than a file's owner may do with it, for the files that hold secrets (key
// files, a tokens file with plain tokens).
struct FileAccess {
  // The permission bits that let others in: "other", and the group's unless the file's group
  // is this process's own (a service account's group, a Kubernetes fsGroup).
  mode_t others = 0;
  std::string mode;  // the file's permission bits in octal, e.g. "0640", for messages
};

// nullopt when the file cannot be stat'ed.
std::optional<FileAccess> file_access(const std::string& path);

}  // namespace perspectief
