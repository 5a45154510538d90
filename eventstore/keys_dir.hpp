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
// old or the new file. A key file that users other than the owner (and the owner's group,
// where that is the process's own group: a service account's group, a Kubernetes fsGroup)
// may read or write is refused.
struct KeysDir {
  std::string path;
  std::map<std::string, SecretKey> masters;  // id -> key
  std::string current;                       // id of the master that wraps new keys
  SecretKey research;

  bool complete() const { return !current.empty() && !research.empty(); }
};

// Reads what the directory holds and changes nothing: a missing directory, master key or
// research key is left empty in the result (complete() is false). invalid if a key file is
// not 32 bytes, is open to other users, or current-master names a missing master (or is
// missing beside master keys); unavailable on I/O errors.
Result<KeysDir> read_keys_dir(const std::string& path);

// Creates what read_keys_dir found missing: the directory (mode 0700), a master key with
// current-master, the research key. Only beside an empty store (a new research key changes
// every pseudonym; a new master key cannot open existing data keys).
Status create_missing_keys(KeysDir& dir);

// Reads the directory; with `create` (a new, empty store) creates what is missing, without
// (the tools) a missing key is not_found. Errors as read_keys_dir.
Result<KeysDir> open_keys_dir(const std::string& path, bool create = true);

// Writes a new research key where there is none (perspectief new-research-key): every
// pseudonym of the research feed changes with it. conflict if there is one already.
Status create_research_key(KeysDir& dir);

// Adds a new master key file and returns its id (rotation, step 1).
Result<std::string> add_master_key(KeysDir& dir);
// Points current-master at `id` (rotation, step 3).
Status set_current_master(KeysDir& dir, const std::string& id);
// Deletes a master key file that no data key refers to any more (rotation, step 4).
Status remove_master_key(KeysDir& dir, const std::string& id);

}  // namespace perspectief::privacy
