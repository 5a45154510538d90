#include "eventstore/access_log.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>

#include "eventstore/crypto.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::privacy {
namespace {

Error store_error(Error e) {
  return restated(std::move(e), "the access log cannot serve this now");
}

// The key prefix of a record shared by the entries of one read of several cases, and of those
// entries' values (case ids never contain a control character; a stored JSON value starts
// with '{').
constexpr std::string_view kSharedPrefix = "\x01";
// The key prefix of a webhook batch's record; its key is 33 bytes: the prefix, then log id,
// last position, time and sequence number, 8 bytes each.
constexpr std::string_view kDeliveryPrefix = "\x02";
constexpr std::size_t kDeliveryKeySize = 33;

Error damaged_entry() {
  return make_error(ErrorCode::corrupt, "an access-log entry is damaged");
}

std::string case_prefix(std::string_view case_id) {
  std::string key{case_id};
  key += '\0';
  return key;
}

Result<AccessEntry> decode_entry(std::string_view case_id, std::string_view value) {
  const auto damaged = [] { return damaged_entry(); };
  boost::system::error_code ec;
  const auto v = boost::json::parse(value, ec);
  if (ec || !v.is_object()) return damaged();
  const auto& o = v.as_object();
  AccessEntry e;
  e.case_id = std::string{case_id};
  try {
    e.at = o.at("at").to_number<Micros>();
    e.actor.subject = o.at("subject").as_string();
    e.actor.organisation = o.at("organisation").as_string();
    e.actor.role = parse_role(o.at("role").as_string()).value_or(Role::ops);
    e.what = o.at("what").as_string();
  } catch (const std::exception&) {
    return damaged();
  }
  return e;
}

}  // namespace

AccessLog::AccessLog(SideTable& table)
    : table_(table), sequence_(keys::decode_u64(random_bytes(8)) >> 16) {}

namespace {

std::string entry_value(Micros at, const Actor& actor, std::string_view what) {
  return boost::json::serialize(boost::json::object{{"at", at},
                                                    {"subject", actor.subject},
                                                    {"organisation", actor.organisation},
                                                    {"role", to_string(actor.role)},
                                                    {"what", what}});
}

// `prefix` (a case id and \0, or kSharedPrefix), time, sequence number.
std::string entry_key(std::string prefix, Micros at, std::uint64_t sequence) {
  prefix += keys::encode_u64(static_cast<std::uint64_t>(at));
  prefix += keys::encode_u64(sequence);
  return prefix;
}

}  // namespace

Status AccessLog::record(const AccessEntry& entry) {
  return write(entries(entry.actor, {&entry.case_id, 1}, entry.at, entry.what));
}

std::vector<SideEntry> AccessLog::entries(const Actor& actor, std::span<const std::string> case_ids,
                                          Micros at, std::string_view what) {
  std::vector<SideEntry> stored;
  if (case_ids.size() == 1) {
    stored.push_back({entry_key(case_prefix(case_ids[0]), at, sequence_.fetch_add(1)),
                      entry_value(at, actor, what)});
    return stored;
  }
  if (case_ids.empty()) return stored;
  stored.reserve(case_ids.size() + 1);
  // One shared record of who read, when and what; each case's entry names it.
  const std::uint64_t first = sequence_.fetch_add(case_ids.size());
  stored.push_back(
      {entry_key(std::string{kSharedPrefix}, at, first), entry_value(at, actor, what)});
  std::string reference{kSharedPrefix};
  reference += keys::encode_u64(first);
  for (std::size_t i = 0; i < case_ids.size(); ++i) {
    stored.push_back({entry_key(case_prefix(case_ids[i]), at, first + i), reference});
  }
  return stored;
}

SideEntry AccessLog::delivery(const Actor& actor, std::uint64_t log_id, std::uint64_t to,
                              std::span<const std::uint64_t> opened, Micros at,
                              std::string_view what) {
  std::string key{kDeliveryPrefix};
  key += keys::encode_u64(log_id);
  key += keys::encode_u64(to);
  // The value: the number of positions, the positions, then who read, when and what (JSON).
  std::string value = keys::encode_u64(opened.size());
  value.reserve(8 * (opened.size() + 1) + 100);
  for (const auto p : opened) value += keys::encode_u64(p);
  value += entry_value(at, actor, what);
  return {entry_key(std::move(key), at, sequence_.fetch_add(1)), std::move(value)};
}

Status AccessLog::write(std::span<const SideEntry> entries) {
  if (entries.empty()) return Ok{};
  if (auto s = table_.write(entries, Durability::logged); !s) {
    return store_error(s.take_error());
  }
  return Ok{};
}

namespace {

// The positions a webhook batch's record holds, ascending, and the JSON after them; nullopt if
// the value is damaged.
struct DeliveryValue {
  std::string_view positions;  // 8 bytes each
  std::string_view json;
  bool holds(std::uint64_t position) const {
    std::size_t lo = 0;
    std::size_t hi = positions.size() / 8;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      const auto p = keys::decode_u64(positions.substr(mid * 8, 8));
      if (p == position) return true;
      if (p < position) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return false;
  }
};

std::optional<DeliveryValue> decode_delivery(std::string_view value) {
  if (value.size() < 8) return std::nullopt;
  const auto count = keys::decode_u64(value.substr(0, 8));
  if (count > (value.size() - 8) / 8) return std::nullopt;
  return DeliveryValue{value.substr(8, count * 8), value.substr(8 + count * 8)};
}

// The cursor's 16 bytes (time, sequence number); nullopt if `after` is not a cursor.
std::optional<std::string> cursor_bytes(std::string_view after) {
  auto bytes = after.size() == 32 ? from_hex(after) : std::nullopt;
  if (!bytes ||
      to_hex(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()) != after) {
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

Status AccessLog::deliveries(std::span<const std::uint64_t> positions, std::string_view after,
                             std::size_t limit,
                             std::vector<std::pair<std::string, std::string>>& found) const {
  if (positions.empty()) return Ok{};
  // The earliest limit + 1 (a page and the sign that more follow); a record that showed
  // several positions of the case, once.
  std::map<std::string, std::string> by_time;
  bool damaged = false;
  // Each subscription's log id in turn (a seek to the next one after the last), then, per
  // position, its batch: the subscription's records with the least last position at or after
  // it (a batch, its retries and replays). Positions up to that last one are in the same batch.
  std::string next_log{kDeliveryPrefix};
  while (!damaged) {
    std::string log;
    const auto seek = table_.scan(next_log, [&](std::string_view key, std::string_view) {
      if (key.starts_with(kDeliveryPrefix)) {
        if (key.size() != kDeliveryKeySize) damaged = true;
        log = key.substr(1, 8);
      }
      return false;
    });
    if (!seek) return store_error(seek.error());
    if (log.empty() || damaged) break;
    const std::string prefix = std::string{kDeliveryPrefix} + log;
    for (std::size_t i = 0; i < positions.size() && !damaged;) {
      std::string last;  // the batch's last position (8 bytes)
      std::vector<std::pair<std::string, std::string>> batch;
      const auto scanned = table_.scan(prefix + keys::encode_u64(positions[i]),
                                       [&](std::string_view key, std::string_view v) {
                                         if (!key.starts_with(prefix)) return false;
                                         if (key.size() != kDeliveryKeySize) {
                                           damaged = true;
                                           return false;
                                         }
                                         if (last.empty()) last = key.substr(9, 8);
                                         if (key.substr(9, 8) != last) return false;
                                         batch.emplace_back(key.substr(17), v);
                                         return true;
                                       });
      if (!scanned) return store_error(scanned.error());
      if (batch.empty()) break;  // no batch of this subscription reached positions[i]
      const std::uint64_t to = keys::decode_u64(last);
      std::size_t j = i;
      while (j < positions.size() && positions[j] <= to) ++j;
      for (auto& [time, value] : batch) {
        const auto decoded = decode_delivery(value);
        if (!decoded) {
          damaged = true;
          break;
        }
        if (time <= after || by_time.contains(time)) continue;
        for (std::size_t k = i; k < j; ++k) {
          if (decoded->holds(positions[k])) {
            by_time.emplace(time, decoded->json);
            if (by_time.size() > limit + 1) by_time.erase(std::prev(by_time.end()));
            break;
          }
        }
      }
      i = j;
    }
    // The next log id: this one plus one (none after the largest).
    const auto id = keys::decode_u64(log);
    if (id == UINT64_MAX) break;
    next_log = std::string{kDeliveryPrefix} + keys::encode_u64(id + 1);
  }
  if (damaged) return damaged_entry();
  for (auto& [time, value] : by_time) found.emplace_back(time, std::move(value));
  return Ok{};
}

Result<AccessLog::Page> AccessLog::list(std::string_view case_id,
                                        std::span<const std::uint64_t> positions,
                                        std::string_view after, std::size_t limit) const {
  const std::string prefix = case_prefix(case_id);
  std::string start = prefix;
  std::string after_bytes;
  if (!after.empty()) {
    auto bytes = cursor_bytes(after);
    if (!bytes) {
      Error e = make_error(ErrorCode::invalid, "bad query parameter after");
      e.fields.push_back({"after", "must be the next of an earlier page"});
      return e;
    }
    after_bytes = std::move(*bytes);
    start += after_bytes;
  }
  // The case's own entries (at most one more than a page: what follows them cannot be on it),
  // then the webhook batches that showed its events; both by time and sequence number.
  std::vector<std::pair<std::string, std::string>> found;  // (time, sequence), value
  const auto scanned = table_.scan(start, [&](std::string_view key, std::string_view value) {
    if (!after.empty() && key == start) return true;  // exclusive
    if (!key.starts_with(prefix)) return false;
    found.emplace_back(key.substr(prefix.size()), value);
    return found.size() <= limit;
  });
  if (!scanned) return store_error(scanned.error());
  if (auto s = deliveries(positions, after_bytes, limit, found); !s) return s.take_error();
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Page page;
  if (found.size() > limit) {
    found.resize(limit);
    if (limit > 0) {
      const auto& last = found.back().first;
      page.next = to_hex(reinterpret_cast<const std::uint8_t*>(last.data()), last.size());
    }
  }
  // Entries that name a shared record (one read of several cases) are read from it, after
  // the scan: a table need not serve a get() inside its scan().
  std::string shared_key;
  std::string shared;
  for (const auto& [suffix, value] : found) {
    std::string_view stored = value;
    if (value.starts_with(kSharedPrefix)) {
      if (value.size() != kSharedPrefix.size() + 8 || suffix.size() != 16) return damaged_entry();
      std::string key{kSharedPrefix};
      key += suffix.substr(0, 8);  // its time
      key += value.substr(kSharedPrefix.size());
      if (key != shared_key) {
        auto got = table_.get(key);
        if (!got) return store_error(got.error());
        if (!*got) return damaged_entry();
        shared_key = std::move(key);
        shared = std::move(**got);
      }
      stored = shared;
    }
    auto e = decode_entry(case_id, stored);
    if (!e) return e.take_error();
    page.entries.push_back(std::move(*e));
  }
  return page;
}

}  // namespace perspectief::privacy
