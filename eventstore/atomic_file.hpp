#pragma once

#include <filesystem>
#include <string_view>

#include "domain/result.hpp"

namespace perspectief {

// Writes `bytes` to `path` whole or not at all: to path.tmp (mode 0600), synced, renamed over
// `path`, and the directory synced. Errors: unavailable, naming the file, with the system's
// reason in Error::internal.
Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace perspectief
