// libFuzzer target, differential: the fast readers a rebuild uses on every stored record
// (eventstore/json_fast_path.hpp) against Boost.JSON. Whatever the fast path takes, Boost.JSON
// must read to the same value; a difference traps. And whole stored records of either format
// (eventstore/record_codec.hpp): a format 2 record that decodes, written again in either
// format, decodes to the same envelope.
// Build: the `fuzz` preset (clang); run:
// build/fuzz/tests/fuzz/record_fuzzer tests/fuzz/record-corpus
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/binary_record.hpp"
#include "eventstore/json_fast_path.hpp"
#include "eventstore/record_codec.hpp"

namespace {

bool same(const perspectief::StoredRecord& a, const perspectief::StoredRecord& b) {
  const auto& x = a.envelope;
  const auto& y = b.envelope;
  return x.position == y.position && x.stream == y.stream && x.version == y.version &&
         x.event_id == y.event_id && x.type == y.type && x.schema_version == y.schema_version &&
         x.occurred_at == y.occurred_at && x.recorded_at == y.recorded_at &&
         x.actor.subject == y.actor.subject && x.actor.organisation == y.actor.organisation &&
         x.actor.role == y.actor.role && x.data == y.data && x.sealed == y.sealed &&
         x.data_damaged == y.data_damaged && a.prev_hash_hex == b.prev_hash_hex;
}

// A format 2 record that decodes is written again in both formats, with its own `data` text
// (no number is parsed and printed again), and each must decode to the same envelope: the
// format 1 record goes through Boost.JSON, so format 2 accepts no string it would refuse.
void whole_record(std::string_view input) {
  auto record = perspectief::decode_record(input);
  perspectief::binary_record::Parts parts;
  if (!record.ok() || !perspectief::binary_record::split(input, parts)) return;
  // Damaged data (not JSON) is kept as such in format 2; a format 1 record around it is not
  // JSON either, and decodes only where the fast path can read its envelope.
  if (record->envelope.data_damaged) {
    auto again = perspectief::decode_record(
        perspectief::encode_record(record->envelope, parts.data, record->prev_hash_hex));
    if (!again.ok() || !same(*record, *again)) __builtin_trap();
    return;
  }
  for (const auto encode : {perspectief::encode_record, perspectief::encode_json_record}) {
    auto decoded =
        perspectief::decode_record(encode(record->envelope, parts.data, record->prev_hash_hex));
    if (!decoded.ok() || !same(*record, *decoded)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perspectief::fast_json;
  using perspectief::FlatField;
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  if (!input.empty()) whole_record(input);

  boost::json::object fast{{"stale", 1}};
  std::vector<FlatField> members;
  const bool flat = flat_object(input, fast);
  // The folds' reader of the stored text takes exactly what flat_object takes, member for
  // member.
  if (flat_members(input, members) != flat) __builtin_trap();
  if (flat) {
    boost::system::error_code ec;
    const auto general = boost::json::parse(input, ec);
    if (ec || !general.is_object()) __builtin_trap();
    if (boost::json::serialize(fast) != boost::json::serialize(general)) __builtin_trap();
    if (members.size() != fast.size()) __builtin_trap();
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto& member = *(fast.begin() + static_cast<std::ptrdiff_t>(i));
      if (members[i].key != std::string_view(member.key())) __builtin_trap();
      const auto& v = member.value();
      const FlatField& f = members[i];
      const bool same =
          (f.kind == FlatField::Kind::text && v.is_string() &&
           f.text == std::string_view(v.get_string())) ||
          (f.kind == FlatField::Kind::integer && v.is_int64() && f.integer == v.get_int64()) ||
          (f.kind == FlatField::Kind::boolean && v.is_bool() && f.flag == v.get_bool()) ||
          (f.kind == FlatField::Kind::null && v.is_null());
      if (!same) __builtin_trap();
    }
  }

  // What an integer reader takes is a JSON integer, and Boost.JSON reads the same number.
  const auto same_number = [&](const Cursor& c, auto n) {
    const std::string_view read = input.substr(0, input.size() - c.in.size());
    boost::system::error_code ec;
    const auto general = boost::json::parse(read, ec);
    if (ec || !general.is_int64() || general.as_int64() != static_cast<std::int64_t>(n)) {
      __builtin_trap();
    }
  };
  Cursor c{input};
  if (std::int64_t n = 0; c.integer(n)) same_number(c, n);
  Cursor u{input};
  if (std::uint64_t n = 0; u.integer(n)) same_number(u, n);
  Cursor i{input};
  if (int n = 0; i.integer(n)) same_number(i, n);

  Cursor t{input};
  std::string text;
  if (t.text(text)) {
    const std::string_view read = input.substr(0, input.size() - t.in.size());
    boost::system::error_code ec;
    const auto general = boost::json::parse(read, ec);
    if (ec || !general.is_string() || general.as_string() != text) __builtin_trap();
  }
  return 0;
}
