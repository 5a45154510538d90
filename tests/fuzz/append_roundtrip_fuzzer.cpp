// libFuzzer target, the accepted-equals-readable property over the append path in one
// process: whatever append body the API accepts (api/append_parsing.hpp with the catalogue's
// validation), each event's data, as canonicalised for the store, written as a stored record
// in either format, decoded as every reader decodes it and written out as the API writes an
// envelope (json_text of to_json), must be valid JSON equal to the data in the body (numbers
// by value; a null member counts as left out). A difference traps. The integration test
// AcceptedReadableTest runs the same property through the real server, sealing included.
// Build: the `fuzz` preset (clang); run:
// build/fuzz/tests/fuzz/append_roundtrip_fuzzer tests/fuzz/append-corpus
#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/append_parsing.hpp"
#include "domain/json_text.hpp"
#include "domain/time.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/record_codec.hpp"
#include "tests/support/same_json.hpp"

namespace {

using namespace perspectief;
using perspectief::testing::same_json;
namespace json = boost::json;

// The data objects of the body's events, in order, as the client sent them.
std::vector<json::value> sent_data(std::string_view body) {
  std::vector<json::value> out;
  const auto v = json::parse(json::string_view{body.data(), body.size()});
  if (v.is_array()) {
    for (const auto& e : v.as_array()) {
      const auto* d = e.as_object().if_contains("data");
      out.push_back(d != nullptr ? *d : json::value(json::object{}));
    }
  } else {
    const auto* d = v.as_object().if_contains("data");
    out.push_back(d != nullptr ? *d : json::value(json::object{}));
  }
  return out;
}

void check(std::string_view body, StreamKind kind) {
  auto events = api::parse_append_body(body, kind);
  if (!events.ok()) return;
  const auto sent = sent_data(body);  // the parser accepted it: it is JSON of this shape
  if (sent.size() != events->size()) __builtin_trap();
  RecordDecoder decoder;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const NewEvent& ne = (*events)[i];
    Envelope e;
    e.position = i + 1;
    e.stream = "case-c-1";
    e.version = i + 1;
    e.event_id = ne.event_id;
    e.type = ne.type;
    e.occurred_at = ne.occurred_at.value_or(0);
    e.recorded_at = e.occurred_at;
    e.actor = {"s", "o", Role::regie};
    e.data = ne.data;
    for (const auto encode : {encode_record, encode_json_record}) {
      const std::string record = encode(e, ne.data_json, std::string(64, '0'));
      Envelope read;
      if (!decoder.decode(record, read).ok() || read.data_damaged) __builtin_trap();
      boost::system::error_code ec;
      const auto shown = json::parse(json_text(to_json(read)), ec);
      if (ec || !shown.is_object()) __builtin_trap();
      const auto* data = shown.as_object().if_contains("data");
      if (data == nullptr || !same_json(sent[i], *data)) __builtin_trap();
      const auto* occurred = shown.as_object().if_contains("occurredAt");
      if (occurred == nullptr || !occurred->is_string() ||
          parse_rfc3339(occurred->as_string()) != e.occurred_at) {
        __builtin_trap();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  for (const auto kind :
       {StreamKind::case_file, StreamKind::location, StreamKind::activity, StreamKind::programme}) {
    check(input, kind);
  }
  return 0;
}
