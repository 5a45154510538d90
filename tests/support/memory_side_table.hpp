#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "eventstore/side_table.hpp"

namespace perspectief::testing {

// A SideTable in memory, for unit tests of the key ring, the sealer, the access log and the
// API over a fake store. fail_next() makes the next call fail as a storage error would.
class MemorySideTable final : public SideTable {
 public:
  Result<std::optional<std::string>> get(std::string_view key) const override {
    std::lock_guard lock(mu_);
    if (auto e = take_failure()) return *e;
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }

  Status write(std::span<const SideEntry> entries, Durability durability) override {
    std::lock_guard lock(mu_);
    if (auto e = take_failure()) return *e;
    for (const auto& e : entries) entries_.insert_or_assign(e.key, e.value);
    if (durability == Durability::synced) ++synced_writes_;
    return Ok{};
  }

  Status scan(std::string_view from,
              const std::function<bool(std::string_view key, std::string_view value)>& visit)
      const override {
    std::map<std::string, std::string, std::less<>> copy;  // visit may write to the table
    {
      std::lock_guard lock(mu_);
      if (auto e = take_failure()) return *e;
      copy = entries_;
    }
    for (auto it = copy.lower_bound(from); it != copy.end(); ++it) {
      if (!visit(it->first, it->second)) break;
    }
    return Ok{};
  }

  Status purge_replaced() override {
    std::lock_guard lock(mu_);
    if (auto e = take_failure()) return *e;
    ++purges_;
    return Ok{};
  }

  // The next call fails with unavailable and `internal` as the storage's text.
  void fail_next(std::string internal) {
    std::lock_guard lock(mu_);
    failure_ = std::move(internal);
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }
  int synced_writes() const {
    std::lock_guard lock(mu_);
    return synced_writes_;
  }
  int purges() const {
    std::lock_guard lock(mu_);
    return purges_;
  }

 private:
  std::optional<Error> take_failure() const {
    if (!failure_) return std::nullopt;
    Error e = make_error(ErrorCode::unavailable, "the store cannot serve this now");
    e.internal = std::move(*failure_);
    failure_.reset();
    return e;
  }

  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> entries_;
  mutable std::optional<std::string> failure_;
  int synced_writes_ = 0;
  int purges_ = 0;
};

}  // namespace perspectief::testing
