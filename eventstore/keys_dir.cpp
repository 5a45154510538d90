#include "eventstore/keys_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "eventstore/atomic_file.hpp"
#include "eventstore/file_access.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::privacy {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what) {
  Error e = make_error(ErrorCode::unavailable, what);
  e.internal = std::generic_category().message(errno);  // strerror is not thread-safe
  return e;
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return io_error("cannot read " + path.string());
  return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Result<SecretKey> read_key(const fs::path& path) {
  const auto access = file_access(path.string());
  if (!access) return io_error("cannot read " + path.string());
  if (access->others != 0) {
    return make_error(ErrorCode::invalid, path.string() +
                                              " can be read or written by other users (mode " +
                                              access->mode +
                                              "): make it the owner's only (chmod 600), and "
                                              "consider the key exposed");
  }
  auto bytes = read_file(path);
  if (!bytes) return bytes.take_error();
  if (bytes->size() != kKeyBytes) {
    return make_error(ErrorCode::invalid, path.string() + " is not a 32-byte key");
  }
  return std::move(bytes).value();
}

fs::path master_path(const KeysDir& dir, const std::string& id) {
  return fs::path{dir.path} / ("master-" + id + ".key");
}

bool is_master_file(const std::string& name, std::string& id) {
  constexpr std::string_view kPrefix = "master-";
  constexpr std::string_view kSuffix = ".key";
  if (name.size() != kPrefix.size() + 16 + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return false;
  }
  id = name.substr(kPrefix.size(), 16);
  return id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Result<KeysDir> read_keys_dir(const std::string& path) {
  KeysDir dir;
  dir.path = path;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) return make_error(ErrorCode::unavailable, "cannot reach the keys directory " + path);
    return dir;
  }
  for (const auto& entry : fs::directory_iterator{path, ec}) {
    std::string id;
    if (!is_master_file(entry.path().filename().string(), id)) continue;
    auto key = read_key(entry.path());
    if (!key) return key.take_error();
    dir.masters.emplace(id, std::move(key).value());
  }
  if (ec) return make_error(ErrorCode::unavailable, "cannot list the keys directory " + path);
  const fs::path current = fs::path{path} / "current-master";
  if (fs::exists(current, ec)) {
    auto id = read_file(current);
    if (!id) return id.take_error();
    while (!id->empty() && (id->back() == '\n' || id->back() == ' ')) id->pop_back();
    if (dir.masters.count(*id) == 0) {
      return make_error(ErrorCode::invalid, "current-master names a master key that is missing");
    }
    dir.current = *id;
  } else if (!dir.masters.empty()) {
    return make_error(ErrorCode::invalid,
                      "the keys directory has master keys but no current-master file");
  }
  const fs::path research = fs::path{path} / "research.key";
  if (fs::exists(research, ec)) {
    auto key = read_key(research);
    if (!key) return key.take_error();
    dir.research = std::move(key).value();
  }
  return dir;
}

Status create_missing_keys(KeysDir& dir) {
  std::error_code ec;
  if (!fs::exists(dir.path, ec)) {
    fs::create_directories(dir.path, ec);
    if (ec) {
      return make_error(ErrorCode::unavailable, "cannot create the keys directory " + dir.path);
    }
  }
  ::chmod(dir.path.c_str(), 0700);
  if (dir.current.empty()) {
    auto id = add_master_key(dir);
    if (!id) return id.take_error();
    if (auto set = set_current_master(dir, *id); !set) return set.take_error();
  }
  if (dir.research.empty()) return create_research_key(dir);
  return Ok{};
}

Result<KeysDir> open_keys_dir(const std::string& path, bool create) {
  auto dir = read_keys_dir(path);
  if (!dir || dir->complete()) return dir;
  if (!create) {
    return make_error(ErrorCode::not_found,
                      "no keys in " + path + " (give the server's --keys-dir as --keys-dir)");
  }
  if (auto made = create_missing_keys(*dir); !made) return made.take_error();
  return dir;
}

Status create_research_key(KeysDir& dir) {
  const fs::path research = fs::path{dir.path} / "research.key";
  std::error_code ec;
  if (fs::exists(research, ec)) {
    return make_error(ErrorCode::conflict, research.string() + " exists already");
  }
  SecretKey key = secret_random_bytes(kKeyBytes);
  if (auto w = write_file_atomically(research, key); !w) return w.take_error();
  dir.research = std::move(key);
  return Ok{};
}

Result<std::string> add_master_key(KeysDir& dir) {
  const std::string raw_id = random_bytes(8);
  const std::string id = to_hex(reinterpret_cast<const std::uint8_t*>(raw_id.data()), 8);
  SecretKey key = secret_random_bytes(kKeyBytes);
  if (auto w = write_file_atomically(master_path(dir, id), key); !w) return w.take_error();
  dir.masters.emplace(id, std::move(key));
  return id;
}

Status set_current_master(KeysDir& dir, const std::string& id) {
  if (dir.masters.count(id) == 0) return make_error(ErrorCode::not_found, "no master key " + id);
  if (auto w = write_file_atomically(fs::path{dir.path} / "current-master", id + "\n"); !w) {
    return w.take_error();
  }
  dir.current = id;
  return Ok{};
}

Status remove_master_key(KeysDir& dir, const std::string& id) {
  if (id == dir.current) {
    return make_error(ErrorCode::conflict, "the current master key cannot be removed");
  }
  std::error_code ec;
  fs::remove(master_path(dir, id), ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot remove master key " + id);
  dir.masters.erase(id);
  return Ok{};
}

}  // namespace perspectief::privacy
