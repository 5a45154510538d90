// What is accepted stays readable: random events of every type a client may post, with data
// drawn from the whole of the catalogue's domains (texts of every script, escapes and control
// characters at their longest, numbers at their bounds, dates and times at the ends of the
// years 1900..9999), are appended through the real server; then every read path gives each
// accepted event back as valid JSON equal to what was sent: the 201 reply, a case's events,
// the feed as stored (regie) and pseudonymised (researcher), `perspectief export` with and
// without --pseudonymise, and `perspectief replay --events` over the export.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "domain/event_catalogue.hpp"
#include "domain/time.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sha256.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/same_json.hpp"

namespace perspectief::testing {
namespace {

namespace json = boost::json;

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return between(0, 1) == 1; }

  // 1..max code points from every width of UTF-8, quotes, backslashes, control characters
  // (U+0000 too), the line separators JSON allows and JavaScript did not; often the longest.
  std::string text(int max) {
    static const std::vector<std::uint32_t> kPool{
        'a',    'Z',    '0',    ' ',     '"',    '\\',    '/',      0x00,   0x01,
        0x08,   0x0A,   0x0D,   0x1F,    0x7F,   0xE9,    0xDF,     0x627,  0x6CC,
        0x2028, 0x2029, 0x4E2D, 0xFEFF,  0xFFFD, 0x1F600, 0x10FFFF, 0x200B, '<',
        '>',    '&',    '\'',   0x1D11E, 0x0416, 0x05D0,  0x0E01};
    const int n = coin() ? max : between(1, std::min(max, 40));
    std::string out;
    for (int i = 0; i < n; ++i) {
      append_utf8(out,
                  kPool[static_cast<std::size_t>(between(0, static_cast<int>(kPool.size()) - 1))]);
    }
    return out;
  }

  std::string identifier() {
    static const std::string kChars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    std::string out;
    const int n = coin() ? 64 : between(1, 12);
    for (int i = 0; i < n; ++i) out += kChars[static_cast<std::size_t>(between(0, 63))];
    return out;
  }

  std::string date() {
    switch (between(0, 3)) {
      case 0:
        return "1900-01-01";
      case 1:
        return "9999-12-31";
      default:
        return format_date(between(-25'567, 2'932'896));
    }
  }

  std::string time() {
    switch (between(0, 4)) {
      case 0:
        return "1900-01-01T00:00:00Z";
      case 1:
        return "9999-12-31T23:59:59.999999Z";
      case 2:
        return "1900-01-01T00:30:00-01:00";
      default: {
        // A day well inside the range, at a random moment, with a random offset.
        const std::string day = format_date(between(-25'000, 2'932'000));
        char buf[64];
        std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06d%c%02d:%02d", day.c_str(),
                      between(0, 23), between(0, 59), between(0, 59), between(0, 999'999),
                      coin() ? '+' : '-', between(0, 23), between(0, 59));
        return buf;
      }
    }
  }

  // An occurredAt not before `last` (0: the stream's first) and not after 2025, written
  // with a random offset; a stream's first is often the first instant of 1900, once written
  // as a local time of 1899.
  std::string occurred_after(Micros last) {
    constexpr Micros kFirst = -25'567 * kMicrosPerDay;
    constexpr Micros kLatest = 20'089 * kMicrosPerDay;  // 2025-01-01
    if (last == 0) {
      switch (between(0, 2)) {
        case 0:
          return "1900-01-01T00:00:00Z";
        case 1:
          return "1899-12-31T23:30:00-01:00";
        default:
          last = kFirst;
      }
    }
    const Micros room = kLatest - last;
    const Micros t = last + std::uniform_int_distribution<Micros>(0, room / 16)(rng_);
    const int offset = between(-23 * 60 - 59, 23 * 60 + 59);
    if (t + offset * 60 * kMicrosPerSecond < kFirst) return format_rfc3339(t);
    std::string local = format_rfc3339(t + static_cast<Micros>(offset) * 60 * kMicrosPerSecond);
    local.pop_back();  // the 'Z'
    char buf[24];
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', std::abs(offset) / 60,
                  std::abs(offset) % 60);
    return local + buf;
  }

  // Numbers as a client writes them: bounds, and decimals written with two places.
  std::string integer(std::int64_t min, std::int64_t max) {
    switch (between(0, 2)) {
      case 0:
        return std::to_string(min);
      case 1:
        return std::to_string(max);
      default:
        return std::to_string(min +
                              static_cast<std::int64_t>(
                                  std::uniform_int_distribution<std::int64_t>(0, max - min)(rng_)));
    }
  }
  std::string decimal(std::int64_t max) {
    switch (between(0, 3)) {
      case 0:
        return "0";
      case 1:
        return std::to_string(max) + ".00";
      default: {
        const auto cents = std::uniform_int_distribution<std::int64_t>(0, max * 100)(rng_);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                      static_cast<long long>(cents % 100));
        return buf;
      }
    }
  }

  json::value field(const FieldSpec& f) {
    switch (f.kind) {
      case FieldKind::text:
        return json::value(text(200));
      case FieldKind::free_text:
        return json::value(text(coin() ? 4000 : 60));
      case FieldKind::identifier:
        return json::value(identifier());
      case FieldKind::integer:
        return json::parse(integer(f.min, f.max));
      case FieldKind::decimal:
        return json::parse(decimal(f.max));
      case FieldKind::boolean:
        return json::value(coin());
      case FieldKind::enumeration:
        return json::value(
            f.values[static_cast<std::size_t>(between(0, static_cast<int>(f.values.size()) - 1))]);
      case FieldKind::date:
        return json::value(date());
      case FieldKind::year_month:
        return json::value(date().substr(0, 7));
      case FieldKind::timestamp:
        return json::value(time());
      case FieldKind::text_list: {
        json::array a;
        const int n = between(0, 32);
        for (int i = 0; i < n; ++i) a.emplace_back(text(200));
        return a;
      }
      case FieldKind::person: {
        json::object p{{"name", text(200)}};
        if (coin()) p["dateOfBirth"] = date();
        if (coin()) p["nationality"] = text(200);
        if (coin()) p["gender"] = text(200);
        if (coin()) p["vNumber"] = text(200);
        if (coin()) {
          json::array langs;
          for (int i = between(0, 32); i > 0; --i) langs.emplace_back(text(200));
          p["languages"] = std::move(langs);
        }
        return p;
      }
    }
    return nullptr;
  }

  // Random data of `type`: every required field, each optional one half the time, and the
  // members of `fixed` as given (the case rules need some: an admitted decision, ...); a
  // member of `fixed` that is null leaves the field out.
  json::object data(std::string_view type, const json::object& fixed) {
    const EventSpec* spec = find_event_spec(type);
    json::object out;
    for (const auto& f : spec->fields) {
      if (const auto* v = fixed.if_contains(f.name)) {
        if (!v->is_null()) out[f.name] = *v;
      } else if (f.required || coin()) {
        out[f.name] = field(f);
      }
    }
    return out;
  }

 private:
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::mt19937 rng_;
};

struct Sent {
  std::string stream;
  std::string type;
  json::object data;
  Micros occurred_at = 0;
};

struct Step {
  const char* type;
  json::object fixed;
};

class AcceptedReadableTest : public ServerTest {
 protected:
  // Posts `type` to `path` as regie (who may append every type) and remembers what was sent.
  void post_event(Generator& g, const std::string& path, const std::string& stream,
                  const Step& step) {
    Sent s{stream, step.type, g.data(step.type, step.fixed), 0};
    const std::string occurred = g.occurred_after(last_[stream]);
    const auto parsed = parse_rfc3339(occurred);
    ASSERT_TRUE(parsed.has_value()) << occurred;
    s.occurred_at = *parsed;
    last_[stream] = *parsed;
    const json::object body{{"type", step.type}, {"occurredAt", occurred}, {"data", s.data}};
    const auto r = post(path, "regie", json::serialize(body));
    ASSERT_EQ(r.status, 201) << step.type << " " << r.body.substr(0, 400);
    const auto reply = json::parse(r.body);
    const auto& echoed = reply.at("events").at(0).as_object();
    EXPECT_TRUE(same_json(s.data, echoed.at("data"))) << step.type << " 201 reply";
    ids_[std::string{echoed.at("eventId").as_string()}] = sent_.size();
    sent_.push_back(std::move(s));
  }

  void fill(unsigned seed, int cases) {
    Generator g(seed);
    const std::string suffix = std::to_string(seed);
    post_event(g, "/v1/programme/events", "programme",
               {"ProgrammeCapacitySet", {{"places", 100'000}, {"lvvPlaces", 360}}});
    const std::string loc = "loc-" + suffix;
    post_event(g, "/v1/locations/" + loc + "/events", "location-" + loc,
               {"LocationOpened", {{"beds", 10'000}}});
    for (const char* type : {"NeighbourhoodContactRecorded", "LocationCapacityChanged"}) {
      post_event(g, "/v1/locations/" + loc + "/events", "location-" + loc,
                 {type, {{"beds", 10'000}}});
    }
    const std::string act = "act-" + suffix;
    for (const char* type : {"ActivityScheduled", "ActivityHeld"}) {
      post_event(g, "/v1/activities/" + act + "/events", "activity-" + act, {type, {}});
    }
    for (int c = 0; c < cases; ++c) {
      const std::string id = "c-" + suffix + "-" + std::to_string(c);
      const std::string path = "/v1/cases/" + id + "/events";
      const std::string stream = "case-" + id;
      // Each case after the first returns after the one before it (which ended).
      const json::value previous =
          c == 0 ? json::value(nullptr) : json::value("c-" + suffix + "-" + std::to_string(c - 1));
      const std::vector<Step> steps{
          {"CaseRegistered", {{"previousCaseId", previous}}},
          {"IntakeCompleted", {{"eligible", true}}},
          {"PlacementDecided", {{"decision", "admitted"}, {"funding", "lvv"}}},
          {"CaseManagerAssigned", {}},
          {"BedAssigned", {{"locationId", loc}}},
          {"LegalStepRecorded", {}},
          {"PerspectiveChosen", {}},
          {"ReturnStepRecorded", {}},
          {"ParticipationRecorded", {}},
          {"LivingAllowancePaid", {}},
          {"EscalationRaised", {{"escalationId", "e-1"}}},
          {"EscalationResolved", {{"escalationId", "e-1"}, {"resolution", "resolved"}}},
          {"ExitInterviewHeld", {}},
          {"StayEnded", {}},
      };
      for (const auto& step : steps) {
        post_event(g, path, stream, step);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }

  // Checks one envelope as a read path gives it; `pseudonymised`: the researchers' form.
  void check(const json::value& envelope, bool pseudonymised, const std::string& path_name) {
    const auto& o = envelope.as_object();
    EXPECT_EQ(o.if_contains("dataDamaged"), nullptr) << path_name;
    const auto position = o.at("position").to_number<std::uint64_t>();
    ASSERT_GE(position, 1U);
    ASSERT_LE(position, sent_.size()) << path_name;
    const Sent& s = sent_[position - 1];  // a fresh store: positions follow the posts
    EXPECT_EQ(o.at("type").as_string(), s.type) << path_name << " " << position;
    EXPECT_EQ(parse_rfc3339(std::string{o.at("occurredAt").as_string()}), s.occurred_at)
        << path_name << " " << position;
    json::object expected = s.data;
    json::object got = o.at("data").as_object();
    if (pseudonymised) {
      const EventSpec* spec = find_event_spec(s.type);
      for (auto it = expected.begin(); it != expected.end();) {
        it = is_personal_field(spec, it->key()) ? expected.erase(it) : std::next(it);
      }
      // A previousCaseId becomes the earlier case's pseudonym, as its stream does.
      pseudonym_of_[s.stream] = std::string{o.at("stream").as_string()};
      if (const auto* previous = expected.if_contains("previousCaseId")) {
        const auto earlier = pseudonym_of_.find("case-" + std::string{previous->as_string()});
        EXPECT_NE(earlier, pseudonym_of_.end()) << path_name << ": the earlier case not seen yet";
        if (earlier != pseudonym_of_.end()) {
          EXPECT_EQ("case-" + std::string{got.at("previousCaseId").as_string()}, earlier->second)
              << path_name;
        }
        expected.erase("previousCaseId");
        got.erase("previousCaseId");
      }
      // A case manager's name is replaced by its pseudonym.
      if (expected.contains("caseManager")) {
        EXPECT_TRUE(got.at("caseManager").as_string().starts_with("cm-"));
        expected.erase("caseManager");
        got.erase("caseManager");
      }
    } else {
      EXPECT_EQ(o.at("stream").as_string(), s.stream) << path_name;
    }
    EXPECT_TRUE(same_json(expected, got)) << path_name << " position " << position << " " << s.type
                                          << "\nsent: " << json::serialize(expected).substr(0, 300)
                                          << "\nread: " << json::serialize(got).substr(0, 300);
    ++checked_[path_name];
  }

  // Every line of a JSON Lines text, parsed (a line that is not JSON fails the test).
  static std::vector<json::value> lines_of(const std::string& text, const std::string& name) {
    std::vector<json::value> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      boost::system::error_code ec;
      out.push_back(json::parse(line, ec));
      EXPECT_FALSE(ec) << name << ": a line is not JSON";
    }
    return out;
  }

  std::vector<Sent> sent_;
  std::map<std::string, std::size_t> ids_;
  std::map<std::string, std::size_t> checked_;
  std::map<std::string, std::string> pseudonym_of_;  // a case stream to its research pseudonym
  std::map<std::string, Micros> last_;               // per stream: occurredAt may not go back
};

TEST_F(AcceptedReadableTest, EveryAcceptedEventReadsBackAsSentOnEveryReadPath) {
  for (const unsigned seed : {1U, 2U, 3U}) {
    fill(seed, 4);
    ASSERT_FALSE(HasFatalFailure());
  }
  const std::size_t n = sent_.size();
  ASSERT_EQ(n, 3U * (6 + 4 * 14));
  std::set<std::string> types;
  for (const auto& s : sent_) types.insert(s.type);
  EXPECT_EQ(types.size(), 20U);

  // A case's events (intake reads them with the personal fields).
  for (const auto& s : sent_) {
    if (!s.stream.starts_with("case-") || s.type != "CaseRegistered") continue;
    const auto r = get("/v1/cases/" + s.stream.substr(5) + "/events", "intake");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
    const auto body = json::parse(r.body);
    for (const auto& e : body.at("events").as_array()) check(e, false, "case events");
  }
  // The feed, as stored and pseudonymised.
  for (const char* role : {"regie", "researcher"}) {
    const auto r = get("/v1/events?after=0&limit=10000", role);
    ASSERT_EQ(r.status, 200);
    const auto body = json::parse(r.body);
    const auto& events = body.at("events").as_array();
    ASSERT_EQ(events.size(), n) << role;
    for (const auto& e : events)
      check(e, std::string{role} == "researcher", std::string{"feed "} + role);
  }
  // The export with personal data takes the store's lock: stop the server first.
  server_.reset();
  const std::string data = dir_.sub("data");
  const auto raw = run_command(tool() + " export --data-dir " + data, false);
  ASSERT_EQ(raw.exit_code, 0);
  const auto raw_lines = lines_of(raw.output, "export");
  ASSERT_EQ(raw_lines.size(), n);
  for (const auto& e : raw_lines) check(e, false, "export");
  const auto pseudo = run_command(tool() + " export --pseudonymise --data-dir " + data, false);
  ASSERT_EQ(pseudo.exit_code, 0);
  const auto pseudo_lines = lines_of(pseudo.output, "export --pseudonymise");
  ASSERT_EQ(pseudo_lines.size(), n);
  for (const auto& e : pseudo_lines) check(e, true, "export --pseudonymise");
  // replay reads the export back and folds it as the store gives it.
  { std::ofstream(dir_.sub("log.jsonl")) << raw.output; }
  const auto from_file = run_command(
      tool() + " replay --events " + dir_.sub("log.jsonl") + " --read-model outcomes", false);
  const auto from_store =
      run_command(tool() + " replay --data-dir " + data + " --read-model outcomes", false);
  ASSERT_EQ(from_file.exit_code, 0) << from_file.output.substr(0, 300);
  ASSERT_EQ(from_store.exit_code, 0);
  EXPECT_EQ(from_file.output, from_store.output);
  const auto verified = run_command(tool() + " verify --data-dir " + data);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;

  const std::size_t cases = 3 * 4 * 14;
  EXPECT_EQ(checked_["case events"], cases);
  EXPECT_EQ(checked_["feed regie"], n);
  EXPECT_EQ(checked_["feed researcher"], n);
  EXPECT_EQ(checked_["export"], n);
  EXPECT_EQ(checked_["export --pseudonymise"], n);
}

// The values that once were stored and then broke every reader, refused with the field named
// and nothing stored; and the edges of positions and times on the read side.
TEST_F(ServerTest, NumbersAndTimesNoReaderCouldWriteBackAreRefused) {
  ASSERT_EQ(post("/v1/cases/c-1/events", "intake", registered()).status, 201);
  const struct {
    std::string path;
    std::string role;
    std::string body;
    std::string field;
  } cases[] = {
      {"/v1/cases/c-1/events", "regie",
       R"({"type":"ParticipationRecorded","data":{"activity":"a","organisation":"o","hours":1e300}})",
       "data.hours"},
      {"/v1/activities/a-1/events", "participation",
       R"({"type":"ActivityScheduled","data":{"title":"t","organisation":"o","category":"sport","startsAt":"0000-01-01T00:30:00+01:00"}})",
       "data.startsAt"},
      {"/v1/cases/c-1/events", "intake",
       R"({"type":"IntakeCompleted","occurredAt":"0000-01-01T00:30:00+01:00","data":{"eligible":true}})",
       "occurredAt"},
  };
  for (const auto& c : cases) {
    const auto r = post(c.path, c.role, c.body);
    ASSERT_EQ(r.status, 400) << c.body;
    const auto body = json::parse(r.body);
    ASSERT_EQ(body.at("errors").as_array().size(), 1U) << r.body;
    EXPECT_EQ(body.at("errors").at(0).at("field"), c.field.c_str()) << r.body;
  }
  ASSERT_EQ(
      post(
          "/v1/activities/a-2/events", "participation",
          R"({"type":"ActivityScheduled","data":{"title":"t","organisation":"o","category":"sport","startsAt":"2026-01-01T10:00:00Z"}})")
          .status,
      201);
  const auto held = post(
      "/v1/activities/a-2/events", "participation",
      R"({"type":"ActivityHeld","data":{"residents":1,"volunteers":0,"neighbours":0,"volunteerHours":1e-320}})");
  ASSERT_EQ(held.status, 400);
  EXPECT_EQ(json::parse(held.body).at("errors").at(0).at("field"), "data.volunteerHours");
  // Nothing of it was stored: the log holds the two events accepted.
  const auto feed = get("/v1/events?after=0", "regie");
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(json::parse(feed.body).at("events").as_array().size(), 2U);
  EXPECT_EQ(get("/v1/participation?from=2026-01-01&to=2026-12-31", "participation").status, 200);
  // After the largest position there is nothing (it once wrapped to the start of the feed).
  for (const char* role : {"regie", "researcher"}) {
    const auto r = get("/v1/events?after=18446744073709551615", role);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"events":[],"next":18446744073709551615})");
  }
  const auto late = get("/v1/occupancy?asOf=9999-12-31T23:00:00-02:00", "regie");
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(json::parse(late.body).at("errors").at(0).at("field"), "asOf");
  EXPECT_EQ(get("/v1/occupancy?asOf=9999-12-31T23:00:00Z", "regie").status, 200);
}

// A store that holds a record whose data is not JSON (damage on disk; an earlier version
// could also write such replies): the server starts on it, every reader serves the record
// marked dataDamaged and the rest as usual, and verify names its position.
TEST_F(ServerTest, AStoreHoldingDamagedDataKeepsServingTheRest) {
  ASSERT_EQ(post("/v1/cases/c-1/events", "intake", registered()).status, 201);
  ASSERT_EQ(post("/v1/cases/c-1/events", "intake",
                 R"({"type":"IntakeCompleted","data":{"eligible":true}})")
                .status,
            201);
  server_.reset();
  {
    SystemClock clock;
    RocksStoreOptions o;
    o.path = dir_.sub("data");
    o.clock = &clock;
    auto store = RocksEventStore::open(std::move(o));
    ASSERT_TRUE(store.ok()) << store.error().internal;
    NewEvent bad = make_new_event(random_uuid(), "PerspectiveChosen", std::nullopt,
                                  json::object{{"track", "return"}});
    bad.data_json = std::string(R"({"hours":)") + std::string(64, '\0') + "}";
    ASSERT_TRUE((*store)
                    ->append_sync(AppendRequest{
                        "case-c-1", ExpectedVersion::any(), {bad}, Actor{"s", "o", Role::regie}})
                    .ok());
  }
  start();
  const auto chosen =
      post("/v1/cases/c-1/events", "intake",
           R"({"type":"PlacementDecided","data":{"decision":"admitted","funding":"lvv"}})");
  ASSERT_EQ(chosen.status, 201) << chosen.body;
  const auto events = get("/v1/cases/c-1/events", "intake");
  ASSERT_EQ(events.status, 200) << events.body;
  const auto body = json::parse(events.body);
  const auto& list = body.at("events").as_array();
  ASSERT_EQ(list.size(), 4U);
  EXPECT_EQ(list[2].at("dataDamaged"), true);
  EXPECT_EQ(list[2].at("data"), json::object{});
  EXPECT_EQ(list[3].as_object().if_contains("dataDamaged"), nullptr);
  EXPECT_EQ(list[3].at("data").at("decision"), "admitted");
  for (const char* role : {"regie", "researcher"}) {
    const auto feed = get("/v1/events?after=0", role);
    ASSERT_EQ(feed.status, 200) << role;
    const auto page = json::parse(feed.body);
    ASSERT_EQ(page.at("events").as_array().size(), 4U) << role;
    EXPECT_EQ(page.at("events").at(2).at("dataDamaged"), true) << role;
  }
  // The damaged event changes no model but counts in the case's version: the case is
  // admitted, with no track, and its ETag is the store's version, good for If-Match.
  const auto file = get("/v1/cases/c-1", "regie");
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(json::parse(file.body).at("status"), "admitted") << file.body;
  EXPECT_EQ(file.header("etag"), "\"4\"");
  const auto next =
      post("/v1/cases/c-1/events", "intake",
           R"({"type":"CaseManagerAssigned","data":{"caseManager":"M","organisation":"o"}})",
           {{"If-Match", "\"4\""}});
  EXPECT_EQ(next.status, 201) << next.body;
  server_.reset();
  const std::string data = dir_.sub("data");
  const auto exported = run_command(tool() + " export --data-dir " + data, false);
  ASSERT_EQ(exported.exit_code, 0);
  EXPECT_EQ(std::count(exported.output.begin(), exported.output.end(), '\n'), 5);
  EXPECT_NE(exported.output.find(R"("data":{},"dataDamaged":true)"), std::string::npos);
  { std::ofstream(dir_.sub("log.jsonl")) << exported.output; }
  const auto replayed = run_command(tool() + " replay --events " + dir_.sub("log.jsonl") +
                                        " --read-model perspective --as-of 2099-12-31",
                                    false);
  EXPECT_EQ(replayed.exit_code, 0) << replayed.output;
  const auto from_store = run_command(
      tool() + " replay --data-dir " + data + " --read-model perspective --as-of 2099-12-31",
      false);
  EXPECT_EQ(replayed.output, from_store.output);
  const auto verified = run_command(tool() + " verify --data-dir " + data);
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_EQ(verified.output,
            "FAULT at position 3: 1 record(s) hold data that is not valid JSON (served with "
            "dataDamaged, folded by no read model): position 3; the hash chain and indexes are "
            "intact\n");
}

}  // namespace
}  // namespace perspectief::testing
