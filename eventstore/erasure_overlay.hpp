#pragma once

#include <string>
#include <unordered_set>

#include "domain/mutex.hpp"
#include "domain/thread_annotations.hpp"
#include "eventstore/side_table.hpp"

namespace perspectief {

// A read follower's data keys: the writer's table (read-only, through RocksDB's secondary
// instance), with the streams whose PersonalDataErased the follower has folded read as
// erased, whatever that table still answers. A secondary instance was seen to keep
// answering a data key the writer had replaced by the erasure marker (until it was opened
// anew); the log says it was erased, and the log is what the follower follows.
class ErasureOverlay final : public SideTable {
 public:
  // `inner` must outlive the overlay.
  explicit ErasureOverlay(SideTable& inner) : inner_(inner) {}

  // From now on `stream`'s key reads as erased.
  void erased(std::string stream) EXCLUDES(mu_);

  Result<std::optional<std::string>> get(std::string_view key) const override EXCLUDES(mu_);
  // Passed on to the writer's table, which refuses writes.
  Status write(std::span<const SideEntry> entries, Durability durability) override {
    return inner_.write(entries, durability);
  }
  Status scan(std::string_view from,
              const std::function<bool(std::string_view key, std::string_view value)>& visit)
      const override EXCLUDES(mu_);
  Status purge_replaced() override { return inner_.purge_replaced(); }

 private:
  bool is_erased(std::string_view key) const EXCLUDES(mu_);

  SideTable& inner_;
  mutable SharedMutex mu_;
  std::unordered_set<std::string> erased_ GUARDED_BY(mu_);
};

}  // namespace perspectief
