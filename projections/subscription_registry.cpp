#include "projections/subscription_registry.hpp"

#include <array>
#include <cstdio>

namespace perspectief {
namespace {

// Keys: "s" US organisation US id -> the subscription; "p" US organisation US id US position
// (20 digits) -> a parked batch. A removed entry is stored empty (SideTable writes, never
// deletes).
constexpr char kSeparator = '\x1f';

std::string subscription_key(const std::string& organisation, const std::string& id) {
  return std::string{"s"} + kSeparator + organisation + kSeparator + id;
}

std::string parked_prefix(const std::string& organisation, const std::string& id) {
  return std::string{"p"} + kSeparator + organisation + kSeparator + id + kSeparator;
}

Error storage_failed(Error e) {
  return restated(std::move(e), "the subscriptions cannot be stored now: retry later");
}

}  // namespace

std::string SubscriptionRegistry::parked_key(const Key& key, std::uint64_t to) const {
  std::array<char, 21> digits{};
  std::snprintf(digits.data(), digits.size(), "%020llu", static_cast<unsigned long long>(to));
  return parked_prefix(key.first, key.second) + digits.data();
}

Status SubscriptionRegistry::write(std::vector<SideEntry> entries, Durability durability) {
  if (auto w = table_.write(entries, durability); !w) return storage_failed(w.take_error());
  return Ok{};
}

void SubscriptionRegistry::changed(const Key& key) const {
  if (notify_) notify_(key.first, key.second);
}

Status SubscriptionRegistry::load() {
  std::lock_guard lock(mu_);
  subscriptions_.clear();
  std::optional<Error> damaged;
  auto scanned = table_.scan("s", [&](std::string_view key, std::string_view value) {
    if (!key.starts_with('s')) return false;
    if (value.empty()) return true;
    auto s = decode_subscription(value);
    if (!s) {
      damaged = make_error(ErrorCode::corrupt, "a stored subscription is damaged");
      return false;
    }
    Key k{s->spec.organisation, s->spec.id};
    subscriptions_.emplace(std::move(k), std::move(*s));
    return true;
  });
  if (!scanned) return storage_failed(scanned.take_error());
  if (damaged) return *damaged;
  return Ok{};
}

Result<std::pair<Subscription, bool>> SubscriptionRegistry::create(const Subscription& s) {
  const Key key{s.spec.organisation, s.spec.id};
  {
    std::lock_guard lock(mu_);
    if (const auto it = subscriptions_.find(key); it != subscriptions_.end()) {
      if (it->second.spec.same_request(s.spec)) return std::pair{it->second, false};
      return make_error(ErrorCode::conflict,
                        "a subscription with this id exists with another definition");
    }
    if (auto w = write({{subscription_key(key.first, key.second), encode(s)}}, Durability::synced);
        !w)
      return w.take_error();
    subscriptions_.emplace(key, s);
  }
  changed(key);
  return std::pair{s, true};
}

std::optional<Subscription> SubscriptionRegistry::find(const std::string& organisation,
                                                       const std::string& id) const {
  std::lock_guard lock(mu_);
  const auto it = subscriptions_.find(Key{organisation, id});
  return it == subscriptions_.end() ? std::nullopt : std::optional{it->second};
}

std::vector<Subscription> SubscriptionRegistry::list(const std::string& organisation) const {
  std::lock_guard lock(mu_);
  std::vector<Subscription> out;
  for (auto it = subscriptions_.lower_bound(Key{organisation, ""});
       it != subscriptions_.end() && it->first.first == organisation; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<Subscription> SubscriptionRegistry::all() const {
  std::lock_guard lock(mu_);
  std::vector<Subscription> out;
  out.reserve(subscriptions_.size());
  for (const auto& [key, s] : subscriptions_) out.push_back(s);
  return out;
}

Status SubscriptionRegistry::remove(const std::string& organisation, const std::string& id) {
  const Key key{organisation, id};
  {
    std::lock_guard lock(mu_);
    if (!subscriptions_.contains(key))
      return make_error(ErrorCode::not_found, "no such subscription");
    std::vector<SideEntry> entries{{subscription_key(organisation, id), ""}};
    const std::string prefix = parked_prefix(organisation, id);
    auto scanned = table_.scan(prefix, [&](std::string_view k, std::string_view value) {
      if (!k.starts_with(prefix)) return false;
      if (!value.empty()) entries.push_back({std::string{k}, ""});
      return true;
    });
    if (!scanned) return storage_failed(scanned.take_error());
    if (auto w = write(std::move(entries), Durability::synced); !w) return w;
    subscriptions_.erase(key);
  }
  changed(key);
  return Ok{};
}

Result<Subscription> SubscriptionRegistry::modify(const std::string& organisation,
                                                  const std::string& id, const Change& change,
                                                  Durability durability,
                                                  const std::optional<ParkedBatch>& parked) {
  const Key key{organisation, id};
  Subscription next;
  {
    std::lock_guard lock(mu_);
    const auto it = subscriptions_.find(key);
    if (it == subscriptions_.end()) return make_error(ErrorCode::not_found, "no such subscription");
    next = it->second;
    if (auto c = change(next); !c) return c.take_error();
    std::vector<SideEntry> entries{{subscription_key(organisation, id), encode(next)}};
    if (parked) entries.push_back({parked_key(key, parked->to), encode(*parked)});
    if (auto w = write(std::move(entries), durability); !w) return w.take_error();
    it->second = next;
  }
  changed(key);
  return next;
}

Result<std::vector<ParkedBatch>> SubscriptionRegistry::parked(const std::string& organisation,
                                                              const std::string& id) const {
  std::vector<ParkedBatch> out;
  const std::string prefix = parked_prefix(organisation, id);
  bool damaged = false;
  auto scanned = table_.scan(prefix, [&](std::string_view k, std::string_view value) {
    if (!k.starts_with(prefix)) return false;
    if (value.empty()) return true;
    auto b = decode_parked(value);
    if (!b) damaged = true;
    if (b) out.push_back(std::move(*b));
    return !damaged;
  });
  if (!scanned) return storage_failed(scanned.take_error());
  if (damaged) return make_error(ErrorCode::corrupt, "a parked batch is damaged");
  return out;
}

Status SubscriptionRegistry::unpark(const std::string& organisation, const std::string& id,
                                    const ParkedBatch& batch) {
  const Key key{organisation, id};
  {
    std::lock_guard lock(mu_);
    const auto it = subscriptions_.find(key);
    if (it == subscriptions_.end()) return make_error(ErrorCode::not_found, "no such subscription");
    Subscription next = it->second;
    next.parked = next.parked > 0 ? next.parked - 1 : 0;
    if (auto w = write(
            {{subscription_key(organisation, id), encode(next)}, {parked_key(key, batch.to), ""}},
            Durability::logged);
        !w)
      return w;
    it->second = next;
  }
  changed(key);
  return Ok{};
}

}  // namespace perspectief
