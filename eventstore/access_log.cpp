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

std::string case_prefix(std::string_view case_id) {
  std::string key{case_id};
  key += '\0';
  return key;
}

Result<AccessEntry> decode_entry(std::string_view case_id, std::string_view value) {
  const auto damaged = [] {
    return make_error(ErrorCode::corrupt, "an access-log entry is damaged");
  };
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

Status AccessLog::record(const AccessEntry& entry) {
  return record_all({&entry, 1});
}

Status AccessLog::record_all(std::span<const AccessEntry> entries) {
  std::vector<SideEntry> stored;
  stored.reserve(entries.size());
  const AccessEntry* previous = nullptr;
  for (const auto& entry : entries) {
    SideEntry& e = stored.emplace_back(SideEntry{case_prefix(entry.case_id), {}});
    e.key += keys::encode_u64(static_cast<std::uint64_t>(entry.at));
    e.key += keys::encode_u64(sequence_.fetch_add(1));
    // The entries of one read (a feed page, a webhook batch) differ only in the case.
    if (previous != nullptr && previous->at == entry.at && previous->what == entry.what &&
        previous->actor.subject == entry.actor.subject &&
        previous->actor.organisation == entry.actor.organisation &&
        previous->actor.role == entry.actor.role) {
      e.value = stored[stored.size() - 2].value;
    } else {
      e.value =
          boost::json::serialize(boost::json::object{{"at", entry.at},
                                                     {"subject", entry.actor.subject},
                                                     {"organisation", entry.actor.organisation},
                                                     {"role", to_string(entry.actor.role)},
                                                     {"what", entry.what}});
    }
    previous = &entry;
  }
  if (stored.empty()) return Ok{};
  if (auto s = table_.write(stored, Durability::logged); !s) {
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
  std::optional<Error> damaged;
  const auto scanned = table_.scan(start, [&](std::string_view key, std::string_view value) {
    if (!after.empty() && key == start) return true;  // exclusive
    if (!key.starts_with(prefix)) return false;
    if (page.entries.size() == limit) {
      page.next = std::move(last_cursor);  // one more of the case follows
      return false;
    }
    auto e = decode_entry(case_id, value);
    if (!e) {
      damaged = e.take_error();
      return false;
    }
    page.entries.push_back(std::move(*e));
    last_cursor = to_hex(reinterpret_cast<const std::uint8_t*>(key.data()) + prefix.size(),
                         key.size() - prefix.size());
    return true;
  });
  if (damaged) return std::move(*damaged);
  if (!scanned) return store_error(scanned.error());
  return page;
}

}  // namespace perspectief::privacy
