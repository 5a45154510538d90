#include "eventstore/access_log.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

Status AccessLog::write(std::span<const SideEntry> entries) {
  if (entries.empty()) return Ok{};
  if (auto s = table_.write(entries, Durability::logged); !s) {
    return store_error(s.take_error());
  }
  return Ok{};
}

Result<AccessLog::Page> AccessLog::list(std::string_view case_id, std::string_view after,
                                        std::size_t limit) const {
  const std::string prefix = case_prefix(case_id);
  std::string start = prefix;
  if (!after.empty()) {
    // The key's suffix after the case id: time and sequence number, 8 bytes each.
    const auto suffix = after.size() == 32 ? from_hex(after) : std::nullopt;
    if (!suffix ||
        to_hex(reinterpret_cast<const std::uint8_t*>(suffix->data()), suffix->size()) != after) {
      Error e = make_error(ErrorCode::invalid, "bad query parameter after");
      e.fields.push_back({"after", "must be the next of an earlier page"});
      return e;
    }
    start += *suffix;
  }
  Page page;
  std::string last_cursor;
  std::vector<std::pair<std::string, std::string>> found;  // key suffix (time, sequence), value
  const auto scanned = table_.scan(start, [&](std::string_view key, std::string_view value) {
    if (!after.empty() && key == start) return true;  // exclusive
    if (!key.starts_with(prefix)) return false;
    if (found.size() == limit) {
      page.next = std::move(last_cursor);  // one more of the case follows
      return false;
    }
    found.emplace_back(key.substr(prefix.size()), value);
    last_cursor = to_hex(reinterpret_cast<const std::uint8_t*>(key.data()) + prefix.size(),
                         key.size() - prefix.size());
    return true;
  });
  if (!scanned) return store_error(scanned.error());
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
