#include "eventstore/access_log.hpp"

#include <rocksdb/db.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

#include "eventstore/crypto.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::privacy {
namespace {

rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}

Error store_error(const rocksdb::Status& s) {
  Error e = make_error(ErrorCode::unavailable, "the access log cannot serve this now");
  e.internal = "rocksdb: " + s.ToString();
  return e;
}

std::string case_prefix(std::string_view case_id) {
  std::string key{case_id};
  key += '\0';
  return key;
}

}  // namespace

AccessLog::AccessLog(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf)
    : db_(db), cf_(cf), sequence_(keys::decode_u64(random_bytes(8)) >> 16) {}

Status AccessLog::record(const AccessEntry& entry) {
  std::string key = case_prefix(entry.case_id);
  key += keys::encode_u64(static_cast<std::uint64_t>(entry.at));
  key += keys::encode_u64(sequence_.fetch_add(1));
  const std::string value =
      boost::json::serialize(boost::json::object{{"at", entry.at},
                                                 {"subject", entry.actor.subject},
                                                 {"organisation", entry.actor.organisation},
                                                 {"role", to_string(entry.actor.role)},
                                                 {"what", entry.what}});
  rocksdb::WriteOptions wo;
  wo.sync = false;
  const auto s = db_.Put(wo, cf_, slice(key), slice(value));
  if (!s.ok()) return store_error(s);
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
  std::unique_ptr<rocksdb::Iterator> it{db_.NewIterator({}, cf_)};
  it->Seek(slice(start));
  if (!after.empty() && it->Valid() && it->key() == slice(start)) it->Next();  // exclusive
  for (; it->Valid() && it->key().starts_with(slice(prefix)); it->Next()) {
    if (page.entries.size() == limit) {
      page.next = std::move(last_cursor);  // one more of the case follows
      break;
    }
    boost::system::error_code ec;
    const auto v = boost::json::parse(it->value().ToStringView(), ec);
    if (ec || !v.is_object())
      return make_error(ErrorCode::corrupt, "an access-log entry is damaged");
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
      return make_error(ErrorCode::corrupt, "an access-log entry is damaged");
    }
    page.entries.push_back(std::move(e));
    const auto key = it->key();
    last_cursor = to_hex(reinterpret_cast<const std::uint8_t*>(key.data()) + prefix.size(),
                         key.size() - prefix.size());
  }
  if (!it->status().ok()) return store_error(it->status());
  return page;
}

}  // namespace perspectief::privacy
