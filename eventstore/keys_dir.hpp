#pragma once

#include <map>
#include <string>

#include "domain/result.hpp"
#include "eventstore/crypto.hpp"

namespace perspectief::privacy {

// The keys directory (--keys-dir, mode 0700), kept apart from the data directory:
// - master-<id>.key: master keys (32 random bytes, mode 0600) that wrap the data keys; <id>
//   is 16 hex digits, stored with every wrapped key so a key is unwrapped by the master
//   that wrapped it;
// - current-master: the id that wraps new data keys;
// - research.key: the HMAC key of the pseudonyms in the research feed (32 bytes, 0600).
// Files are written to a temporary name, synced and renamed, so a crash leaves either the
// old or the new file.
struct KeysDir {
  std::string path;
  std::map<std::string, SecretKey> masters;  // id -> key
  std::string current;                       // id of the master that wraps new keys
  SecretKey research;
};

// Opens the directory. With `create`, a missing directory, master key (and `current-master`)
// or research key is created; without (the tools), a missing one is not_found. invalid if a
// key file is not 32 bytes or a referenced master is missing; unavailable on I/O errors.
Result<KeysDir> open_keys_dir(const std::string& path, bool create = true);

// Adds a new master key file and returns its id (rotation, step 1).
Result<std::string> add_master_key(KeysDir& dir);
// Points current-master at `id` (rotation, step 3).
Status set_current_master(KeysDir& dir, const std::string& id);
// Deletes a master key file that no data key refers to any more (rotation, step 4).
Status remove_master_key(KeysDir& dir, const std::string& id);

}  // namespace perspectief::privacy
