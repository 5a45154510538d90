#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace perspectief {

// One entry of a SideTable write.
struct SideEntry {
  std::string key;
  std::string value;
};

// How far a SideTable write has gone when it returns.
enum class Durability {
  logged,  // in the write-ahead log: survives a killed process; the next sync covers power loss
  synced,  // synced to disk before the write returns
};

// A key-value table kept beside the event log, in the same store: the per-stream data keys
// (eventstore/key_ring.hpp) and the access log (eventstore/access_log.hpp). It is all the
// privacy layer sees of the store, so that the key ring, the sealer and the access log run
// over RocksDB in the server (RocksSideTable) and over memory in unit tests
// (tests/support/memory_side_table.hpp). Keys order bytewise. Implementations are
// thread-safe. Errors are unavailable, with the storage's own text in Error::internal only;
// callers restate the message for their concern.
class SideTable {
 public:
  virtual ~SideTable() = default;

  // The value stored under `key`, or nullopt if there is none. unavailable if it cannot be
  // read (never taken for "none").
  [[nodiscard]] virtual Result<std::optional<std::string>> get(std::string_view key) const = 0;

  // Stores every entry (replacing older values) in one atomic write, as durable as
  // `durability` says. unavailable if the write fails: then none of them is stored.
  [[nodiscard]] virtual Status write(std::span<const SideEntry> entries, Durability durability) = 0;

  // Calls `visit` with each entry whose key is >= `from`, in key order, until `visit`
  // returns false or the entries end. unavailable if the table cannot be read.
  [[nodiscard]] virtual Status scan(
      std::string_view from,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;

  // Pushes replaced values out of the storage's files (write-ahead log and tables), so that
  // none can be read back from the disk: for erased keys. Slow; off the request path.
  // unavailable if the storage fails.
  [[nodiscard]] virtual Status purge_replaced() = 0;
};

// `e` (an error of a SideTable) with the message `message`, for the client; its internal
// text (the storage's) is kept for the operator's log.
inline Error restated(Error e, std::string message) {
  e.message = std::move(message);
  return e;
}

}  // namespace perspectief
