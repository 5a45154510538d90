#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/result.hpp"
#include "eventstore/side_table.hpp"
#include "projections/subscription.hpp"

namespace perspectief {

// The partners' subscriptions and their parked webhook batches, kept in a SideTable (the
// store's subscriptions column family) and in memory. Ids are per organisation: another
// organisation's subscription is simply not found. Every change is written before it is
// visible; creation, removal, pause and resume are synced, cursor progress is logged (it
// survives a killed process; after a power loss a batch may come again, which at-least-once
// delivery allows). Thread-safe.
class SubscriptionRegistry {
 public:
  explicit SubscriptionRegistry(SideTable& table) : table_(table) {}

  // Reads every stored subscription (at start-up). unavailable if the table cannot be read;
  // corrupt if a record does not decode.
  [[nodiscard]] Status load();

  // Stores `s` unless its organisation has a subscription with its id. Returns the stored one
  // and whether it is new: the existing one when `s` asks for the same (SpecSame), conflict
  // when it asks for something else; unavailable if the write fails.
  [[nodiscard]] Result<std::pair<Subscription, bool>> create(const Subscription& s);

  std::optional<Subscription> find(const std::string& organisation, const std::string& id) const;
  // The organisation's subscriptions by id; all() every organisation's.
  std::vector<Subscription> list(const std::string& organisation) const;
  std::vector<Subscription> all() const;

  // Removes the subscription and its parked batches. not_found, unavailable.
  [[nodiscard]] Status remove(const std::string& organisation, const std::string& id);

  // Applies `change` to the subscription and stores the result, with `parked` (a parked batch
  // to store or replace, if any) in the same write. Returns the new state; not_found if there
  // is no such subscription; the change's own error leaves it as it was; unavailable if the
  // write fails (nothing changed).
  using Change = std::function<Status(Subscription&)>;
  [[nodiscard]] Result<Subscription> modify(const std::string& organisation, const std::string& id,
                                            const Change& change, Durability durability,
                                            const std::optional<ParkedBatch>& parked = {});

  // The subscription's parked batches in position order (replayed ones are gone).
  [[nodiscard]] Result<std::vector<ParkedBatch>> parked(const std::string& organisation,
                                                        const std::string& id) const;
  // Forgets a parked batch once its replay is delivered (parked count one less).
  [[nodiscard]] Status unpark(const std::string& organisation, const std::string& id,
                              const ParkedBatch& batch);

  // Called after every change with the subscription's organisation and id (the dispatcher
  // wakes its delivery). Set before use.
  void on_change(std::function<void(const std::string&, const std::string&)> notify) {
    notify_ = std::move(notify);
  }

 private:
  using Key = std::pair<std::string, std::string>;  // organisation, id
  std::string parked_key(const Key& key, std::uint64_t to) const;
  Status write(std::vector<SideEntry> entries, Durability durability);
  void changed(const Key& key) const;

  SideTable& table_;
  mutable std::mutex mu_;
  std::map<Key, Subscription> subscriptions_;
  std::function<void(const std::string&, const std::string&)> notify_;
};

}  // namespace perspectief
