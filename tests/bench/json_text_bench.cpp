// json_text on an append's reply (the text a new case's 201 carries) against Boost.JSON's
// serializer, append_json_string against a serializer per string, and RFC 3339 instants
// against printf (docs/performance.md, "Steps towards 60 µs"). The writers match
// boost::json::serialize byte for byte (JsonText.ScalarsAsBoostJsonWritesThem).
#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstdio>
#include <string>

#include "domain/json_text.hpp"
#include "domain/time.hpp"

namespace {

const boost::json::value& reply() {
  static const boost::json::value v = boost::json::parse(
      R"({"stream":"case-w1-3fa85f6457174562b3fc2c963f66afa6-1","version":1,"position":1,)"
      R"("events":[{"position":1,"stream":"case-w1-3fa85f6457174562b3fc2c963f66afa6-1",)"
      R"("version":1,"eventId":"729afceb-ff8c-44c9-886f-dbd9bb5457ec","type":"CaseRegistered",)"
      R"("schemaVersion":1,"occurredAt":"2026-12-03T17:22:13.230196Z",)"
      R"("recordedAt":"2026-12-03T17:22:13.230196Z","actor":{"subject":"bench",)"
      R"("organisation":"bench","role":"intake"},"data":{"person":{"name":"Bench Person"}}}]})");
  return v;
}

// The reply as it is: no double, so json_text hands it to the serializer (after looking for
// a double).
void BM_ReplyJsonText(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(perspectief::json_text(reply()));
}
BENCHMARK(BM_ReplyJsonText);

void BM_ReplyBoostSerialize(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(boost::json::serialize(reply()));
}
BENCHMARK(BM_ReplyBoostSerialize);

// The same reply with one double in it: json_text writes all of it itself (the fixed form
// of the double), the serializer writes "2.5E-1".
const boost::json::value& reply_with_double() {
  static const boost::json::value v = [] {
    boost::json::value r = reply();
    r.as_object()["share"] = 0.25;
    return r;
  }();
  return v;
}

void BM_ReplyWithDoubleJsonText(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(perspectief::json_text(reply_with_double()));
}
BENCHMARK(BM_ReplyWithDoubleJsonText);

void BM_ReplyWithDoubleBoostSerialize(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(boost::json::serialize(reply_with_double()));
}
BENCHMARK(BM_ReplyWithDoubleBoostSerialize);

// A request log line's strings: json_text's string writer against a serializer per string.
const std::string kLogText = "POST /v1/cases/{caseId}/events intake d206307c2a276ce7";

void BM_AppendJsonString(benchmark::State& state) {
  for (auto _ : state) {
    std::string out;
    perspectief::append_json_string(out, kLogText);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_AppendJsonString);

void BM_BoostSerializeString(benchmark::State& state) {
  for (auto _ : state) {
    std::string out;
    out += boost::json::serialize(boost::json::string_view{kLogText.data(), kLogText.size()});
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_BoostSerializeString);

constexpr perspectief::Micros kInstant = 1'796'318'533'230'196;  // 2026-12-03T17:22:13.230196Z

void BM_FormatRfc3339(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(perspectief::format_rfc3339(kInstant));
}
BENCHMARK(BM_FormatRfc3339);

// What format_rfc3339 did before: snprintf for the fields and again for the fraction.
void BM_FormatRfc3339Printf(benchmark::State& state) {
  for (auto _ : state) {
    std::array<char, 48> buf{};
    int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d", 2026, 12U, 3U,
                          17, 22, 13);
    n += std::snprintf(buf.data() + n, buf.size() - static_cast<std::size_t>(n), ".%06d", 230196);
    std::snprintf(buf.data() + n, buf.size() - static_cast<std::size_t>(n), "Z");
    benchmark::DoNotOptimize(std::string{buf.data()});
  }
}
BENCHMARK(BM_FormatRfc3339Printf);

}  // namespace

BENCHMARK_MAIN();
