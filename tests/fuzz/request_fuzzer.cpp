// libFuzzer target over everything that reads client bytes before the store: the HTTP/1.1
// request parser (Beast, with the server's limits), the query string, If-Match, the append
// body parser with the event catalogue's validation, for every stream kind, the feed query
// with its filters, and the subscription and acknowledgement bodies.
// Build: the `fuzz` preset (clang); run: build/fuzz/tests/fuzz/request_fuzzer tests/fuzz/corpus
#include <ostream>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/append_parsing.hpp"
#include "api/query.hpp"
#include "api/subscription_json.hpp"
#include "domain/stream_name.hpp"

namespace {

using namespace perspectief;

void parse_body_all_kinds(std::string_view body) {
  for (const auto kind :
       {StreamKind::case_file, StreamKind::location, StreamKind::activity, StreamKind::programme}) {
    auto events = api::parse_append_body(body, kind);
    if (events.ok()) {
      // A parsed event always has a type of its stream, a UUID and its canonical data.
      for (const auto& e : *events) {
        if (e.event_id.size() != 36 || e.content_hash.size() != 32 || e.data_json.empty())
          __builtin_trap();
      }
    }
  }
}

// A filter parsed from names reads back as the same names.
void check_filter(const FeedFilter& f) {
  const auto again = feed_filter(filter_categories(f), filter_types(f));
  if (!again.ok() || !(*again == f)) __builtin_trap();
}

void parse_feed_target(std::string_view target) {
  const auto q = api::parse_feed_query(target);
  if (!q.ok()) return;
  if (q->limit < 1 || q->limit > 10'000 || q->wait_seconds > 60) __builtin_trap();
  check_filter(q->filter);
}

// An accepted subscription has a valid id, a batch size in range and, for a webhook, a URL;
// it renders as the API shows it.
void parse_subscription_bodies(std::string_view body) {
  const auto r = api::parse_subscription_request(body);
  if (r.ok()) {
    const SubscriptionSpec& spec = r->spec;
    if (!is_valid_id(spec.id) || spec.max_batch < 1 || spec.max_batch > 1000 ||
        spec.start_at.empty() || (spec.delivery == DeliveryKind::webhook && spec.url.empty()))
      __builtin_trap();
    check_filter(spec.filter);
    Subscription s;
    s.spec = spec;
    (void)api::subscription_json(s, 0);
  }
  (void)api::parse_ack(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  // 1. The bytes as a raw HTTP request.
  boost::beast::http::request_parser<boost::beast::http::string_body> parser;
  parser.body_limit(1 << 20);
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (!ec && parser.is_done()) {
    const auto& req = parser.get();
    const std::string_view target = req.target();
    const auto q = target.find('?');
    if (q != std::string_view::npos) (void)api::parse_query(target.substr(q + 1));
    (void)api::parse_if_match(req[boost::beast::http::field::if_match]);
    parse_body_all_kinds(req.body());
    parse_feed_target(target);
    parse_subscription_bodies(req.body());
  }
  // 2. The bytes as a body, a query string and an If-Match value.
  parse_body_all_kinds(input);
  (void)api::parse_query(input);
  (void)api::parse_if_match(input);
  parse_feed_target(input);
  parse_subscription_bodies(input);
  return 0;
}
