// The scoped feed (spec/integrations.md, "Scoped feed") over the real server: every role but
// ops follows GET /v1/events by `next` while cases are registered, placed, housed, transferred
// between two housing organisations' locations and ended, and sees exactly the events its role
// may see, once each, in position order, each as GET /v1/cases/{id}/events shows it (personal
// fields only where the role sees them). The expected events are computed here, per event at
// the moment it is appended, from what the append replies return; the `categories` and `types`
// filters narrow them further, and unknown filter values are a 400.

#include <algorithm>
#include <cstdint>
#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/feed_model.hpp"
#include "tests/integration/server_fixture.hpp"

namespace perspectief::testing {
namespace {

namespace json = boost::json;

using Positions = std::vector<std::uint64_t>;

// A token that follows the feed, by the name this test gives its reader.
struct Reader {
  std::string name;
  std::string token;
  bool personal;  // whether its role sees personal fields
};

// Every role but ops; two housing organisations: "org-housing" (t-housing) runs loc-a,
// "org-other" (t-housing2) runs loc-b.
const std::vector<Reader>& readers() {
  static const std::vector<Reader> kReaders{
      {"intake", "t-intake", true},     {"housing", "t-housing", true},
      {"housing2", "t-housing2", true}, {"legal", "t-legal", true},
      {"return", "t-return", true},     {"participation", "t-participation", false},
      {"regie", "t-regie", true},       {"researcher", "t-researcher", false},
  };
  return kReaders;
}

// The housing reader of each operating organisation.
const std::map<std::string, std::string>& housing_reader_of() {
  static const std::map<std::string, std::string> kReaders{{"org-housing", "housing"},
                                                           {"org-other", "housing2"}};
  return kReaders;
}

// The personal fields (docs/events.md, "Personal data") of the types this test appends.
const std::map<std::string, std::vector<std::string>>& personal_fields() {
  static const std::map<std::string, std::vector<std::string>> kFields{
      {"CaseRegistered", {"person", "referralSource"}},
      {"IntakeCompleted", {"vulnerabilities", "notes"}},
      {"PlacementDecided", {"referredTo", "reason"}},
      {"BedAssigned", {"bedLabel"}},
      {"Transferred", {"reason"}},
      {"StayEnded", {"notes"}},
      {"ExitInterviewHeld", {"notes"}},
      {"NeighbourhoodContactRecorded", {"notes"}},
  };
  return kFields;
}

// The events of a reply (a copy: the parsed body is a temporary).
json::array events_of(const HttpResult& r) {
  const auto body = r.json();
  return body.is_object() && body.as_object().contains("events") ? body.at("events").as_array()
                                                                 : json::array{};
}

// Where regie reads the events of `stream`.
std::string stream_path(const std::string& stream) {
  const std::string category = category_of(stream);
  if (category == "programme") return "/v1/programme/events";
  const std::string id = stream.substr(category.size() + 1);
  const std::string collection = category == "case"       ? "cases"
                                 : category == "location" ? "locations"
                                                          : "activities";
  return "/v1/" + collection + "/" + id + "/events";
}

// Where a reader is in the feed and what it has seen so far.
struct Cursor {
  std::uint64_t next = 0;
  std::vector<json::object> seen;
};

std::string referred_registration(const std::string& name) {
  return ev("CaseRegistered", R"({"person":{"name":")" + name +
                                  R"(","nationality":"XX"},"referralSource":"walk-in desk"})");
}

class ScopedFeed : public ServerTest {
 protected:
  void SetUp() override {
    tokens_ = write_tokens_file(
        dir_.str(),
        {R"({"token":"t-housing2","subject":"h2","organisation":"org-other","role":"housing"})"});
    start();
  }

  // Appends as `token` (201 expected) and records every stored event of the reply.
  void append(const std::string& token, const std::string& path, const std::string& body) {
    const auto r = client_->post(path, token, body);
    ASSERT_EQ(r.status, 201) << path << ": " << r.body;
    for (const auto& e : events_of(r)) model_.record(e.as_object());
  }

  void case_event(const std::string& token, const std::string& id, const std::string& body) {
    append(token, "/v1/cases/" + id + "/events", body);
  }

  void admit(const std::string& id, const std::string& decision = "admitted") {
    ASSERT_NO_FATAL_FAILURE(case_event("t-intake", id, referred_registration("Person " + id)));
    ASSERT_NO_FATAL_FAILURE(case_event(
        "t-intake", id, ev("IntakeCompleted", R"({"eligible":true,"notes":"slept outside"})")));
    const std::string funding = decision == "admitted" ? R"(,"funding":"lvv")" : "";
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-intake", id,
                   ev("PlacementDecided", R"({"decision":")" + decision + "\"" + funding + "}")));
  }

  // The programme, both locations, c-1 and c-2 admitted (c-2 with a case manager while it
  // waits), c-3 waitlisted.
  void open_and_admit() {
    ASSERT_NO_FATAL_FAILURE(
        append("t-regie", "/v1/programme/events",
               ev("ProgrammeCapacitySet", R"({"places":10,"lvvPlaces":8,"maxStayMonths":18})")));
    ASSERT_NO_FATAL_FAILURE(
        append("t-housing", "/v1/locations/loc-a/events",
               ev("LocationOpened", R"({"name":"Locatie A","operator":"org-housing","beds":5})")));
    ASSERT_NO_FATAL_FAILURE(
        append("t-housing2", "/v1/locations/loc-b/events",
               ev("LocationOpened", R"({"name":"Locatie B","operator":"org-other","beds":5})")));
    for (const char* id : {"c-1", "c-2"}) ASSERT_NO_FATAL_FAILURE(admit(id));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-intake", "c-2",
                   ev("CaseManagerAssigned", R"({"caseManager":"Ank","organisation":"ACO"})")));
    ASSERT_NO_FATAL_FAILURE(admit("c-3", "waitlisted"));
  }

  // Beds for c-1 (loc-a) and c-2 (loc-b), an allowance, an activity and a participation;
  // c-4 admitted and ended before it ever had a bed.
  void house_and_participate() {
    ASSERT_NO_FATAL_FAILURE(case_event(
        "t-housing", "c-1", ev("BedAssigned", R"({"locationId":"loc-a","bedLabel":"A-3"})")));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-housing2", "c-2", ev("BedAssigned", R"({"locationId":"loc-b"})")));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-housing", "c-1",
                   ev("LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-03"})")));
    ASSERT_NO_FATAL_FAILURE(
        append("t-participation", "/v1/activities/act-1/events",
               ev("ActivityScheduled", R"({"title":"Taalcafe","organisation":"BOOST","category":)"
                                       R"("language","startsAt":"2021-03-10T10:00:00Z"})")));
    ASSERT_NO_FATAL_FAILURE(
        append("t-participation", "/v1/activities/act-1/events",
               ev("ActivityHeld",
                  R"({"residents":4,"volunteers":2,"neighbours":1,"volunteerHours":3.5})")));
    ASSERT_NO_FATAL_FAILURE(case_event(
        "t-participation", "c-1",
        ev("ParticipationRecorded",
           R"({"activity":"Taalcafe","organisation":"BOOST","hours":2,"activityId":"act-1"})")));
    ASSERT_NO_FATAL_FAILURE(admit("c-4"));
    ASSERT_NO_FATAL_FAILURE(case_event(
        "t-intake", "c-4", ev("StayEnded", R"({"outcome":"left_unknown","notes":"gone"})")));
  }

  // c-1 moves from loc-a to loc-b (regie: across organisations), is paid there and ends;
  // c-2 ends in loc-b; an event for each location and for the programme.
  void transfer_and_end() {
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-regie", "c-1",
                   ev("Transferred", R"({"toLocationId":"loc-b","reason":"closer to school"})")));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-housing2", "c-1",
                   ev("LivingAllowancePaid", R"({"amountCents":5000,"period":"2021-04"})")));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-housing2", "c-1",
                   ev("StayEnded", R"({"outcome":"residence_permit","notes":"permit granted"})")));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-intake", "c-1", ev("ExitInterviewHeld", R"({"notes":"thanked the staff"})")));
    ASSERT_NO_FATAL_FAILURE(
        case_event("t-housing2", "c-2", ev("StayEnded", R"({"outcome":"onward_migration"})")));
    ASSERT_NO_FATAL_FAILURE(append("t-housing", "/v1/locations/loc-a/events",
                                   ev("LocationCapacityChanged", R"({"beds":6})")));
    ASSERT_NO_FATAL_FAILURE(
        append("t-housing2", "/v1/locations/loc-b/events",
               ev("NeighbourhoodContactRecorded", R"({"kind":"meeting","notes":"street fair"})")));
    ASSERT_NO_FATAL_FAILURE(
        append("t-regie", "/v1/programme/events",
               ev("ProgrammeCapacitySet", R"({"places":12,"lvvPlaces":8,"maxStayMonths":18})")));
  }

  // Reads one page after `c.next` and checks it against the pages before: positions beyond
  // `after` and up to `next`, strictly increasing over everything seen, `next` never behind.
  void page(const Reader& reader, Cursor& c, int limit, const std::string& filter) {
    const std::string target =
        "/v1/events?after=" + std::to_string(c.next) + "&limit=" + std::to_string(limit) + filter;
    const auto r = client_->get(target, reader.token);
    ASSERT_EQ(r.status, 200) << reader.name << " " << target << ": " << r.body;
    const auto body = r.json().as_object();
    const auto next = body.at("next").to_number<std::uint64_t>();
    ASSERT_GE(next, c.next) << reader.name << " " << target;
    ASSERT_LE(next, model_.last()) << reader.name << " " << target;
    for (const auto& e : body.at("events").as_array()) {
      const auto position = position_of(e);
      const auto previous = c.seen.empty() ? c.next : position_of(c.seen.back());
      ASSERT_GT(position, std::max(previous, c.next)) << reader.name << " " << target;
      ASSERT_LE(position, next) << reader.name << " " << target;
      c.seen.push_back(e.as_object());
    }
    ASSERT_TRUE(next > c.next || next == model_.last())
        << reader.name << " " << target << ": next did not move before the end";
    c.next = next;
  }

  // Follows `next` for at most `pages` pages, or to the last appended position.
  void follow(const Reader& reader, Cursor& c, int limit, int pages,
              const std::string& filter = {}) {
    for (int i = 0; i < pages && c.next < model_.last(); ++i) {
      ASSERT_NO_FATAL_FAILURE(page(reader, c, limit, filter));
    }
  }

  void follow_to_end(const Reader& reader, Cursor& c, int limit, const std::string& filter = {}) {
    ASSERT_NO_FATAL_FAILURE(follow(reader, c, limit, static_cast<int>(model_.last()) + 1, filter));
    EXPECT_EQ(c.next, model_.last()) << reader.name;
  }

  // Every event as regie reads it from its stream, by position.
  std::map<std::uint64_t, json::object> as_stored() {
    std::set<std::string> streams;
    for (const auto& [position, r] : model_.events()) streams.insert(r.stream);
    std::map<std::uint64_t, json::object> out;
    for (const auto& stream : streams) {
      const auto r = get(stream_path(stream), "regie");
      EXPECT_EQ(r.status, 200) << stream_path(stream) << ": " << r.body;
      if (r.status != 200) continue;
      for (const auto& e : events_of(r)) out[position_of(e)] = e.as_object();
    }
    return out;
  }

  FeedModel model_{housing_reader_of()};
};

Positions positions(const std::vector<json::object>& events) {
  Positions out;
  for (const auto& e : events) out.push_back(position_of(e));
  return out;
}

// The stored event without its personal fields: what participation sees.
json::object without_personal(json::object e) {
  const auto fields = personal_fields().find(text(e, "type"));
  if (fields == personal_fields().end()) return e;
  for (const auto& f : fields->second) e.at("data").as_object().erase(f);
  return e;
}

// A researcher's event: as stored without personal fields, with the case stream, eventId and
// actor.subject pseudonymised or left out; `pseudonyms` keeps each case's pseudonym.
void expect_pseudonymised(const json::object& seen, const json::object& stored,
                          std::map<std::string, std::string>& pseudonyms) {
  const std::string stream = text(stored, "stream");
  const auto position = position_of(stored);
  EXPECT_NE(text(seen, "eventId"), text(stored, "eventId")) << position;
  EXPECT_FALSE(seen.at("actor").as_object().contains("subject")) << position;
  if (text(stored, "type") == "CaseManagerAssigned") {
    // The case manager's name has a pseudonym of its own (docs/research.md).
    EXPECT_NE(text(seen.at("data"), "caseManager"), text(stored.at("data"), "caseManager"));
  } else {
    EXPECT_EQ(seen.at("data"), without_personal(stored).at("data")) << position;
  }
  if (category_of(stream) != "case") {
    EXPECT_EQ(text(seen, "stream"), stream) << position;
    return;
  }
  const std::string pseudonym = text(seen, "stream");
  EXPECT_EQ(pseudonym.size(), std::string{"case-"}.size() + 32) << pseudonym;
  EXPECT_NE(pseudonym, stream);
  const auto [known, inserted] = pseudonyms.emplace(stream, pseudonym);
  EXPECT_EQ(known->second, pseudonym) << "one pseudonym per case";
}

// What `reader` saw, event by event, against the events as stored.
void expect_shown_as_its_role_sees(const Reader& reader, const std::vector<json::object>& seen,
                                   const std::map<std::uint64_t, json::object>& stored) {
  std::map<std::string, std::string> pseudonyms;
  for (const auto& e : seen) {
    const auto& original = stored.at(position_of(e));
    if (reader.name == "researcher") {
      expect_pseudonymised(e, original, pseudonyms);
    } else if (reader.personal) {
      EXPECT_EQ(e, original) << reader.name;
    } else {
      EXPECT_EQ(e, without_personal(original)) << reader.name;
    }
    if (text(e, "type") == "CaseRegistered") {
      EXPECT_EQ(e.at("data").as_object().contains("person"), reader.personal)
          << reader.name << " at " << position_of(e);
    }
  }
}

// Each role follows `next` from the start in small pages while the cases move on, and sees
// exactly its events: once each, in position order, as its role shows them.
TEST_F(ScopedFeed, EachRoleFollowsExactlyTheEventsItMaySee) {
  std::vector<Cursor> cursors(readers().size());
  const auto limit = [](std::size_t i) { return 2 + static_cast<int>(i % 2); };
  ASSERT_NO_FATAL_FAILURE(open_and_admit());
  for (std::size_t i = 0; i < readers().size(); ++i) {
    ASSERT_NO_FATAL_FAILURE(follow(readers()[i], cursors[i], limit(i), 2));
  }
  ASSERT_NO_FATAL_FAILURE(house_and_participate());
  for (std::size_t i = 0; i < readers().size(); ++i) {
    ASSERT_NO_FATAL_FAILURE(follow(readers()[i], cursors[i], limit(i), 3));
  }
  ASSERT_NO_FATAL_FAILURE(transfer_and_end());
  const auto stored = as_stored();
  ASSERT_EQ(stored.size(), model_.events().size());
  for (std::size_t i = 0; i < readers().size(); ++i) {
    const Reader& reader = readers()[i];
    ASSERT_NO_FATAL_FAILURE(follow_to_end(reader, cursors[i], limit(i)));
    const auto& seen = cursors[i].seen;
    EXPECT_EQ(positions(seen), model_.visible_to(reader.name)) << reader.name;
    if (reader.name != "researcher") {
      for (const auto& e : seen) {
        EXPECT_EQ(text(e, "eventId"), model_.events().at(position_of(e)).event_id) << reader.name;
      }
    }
    expect_shown_as_its_role_sees(reader, seen, stored);
    // Read again in one page, after every later change: the same events.
    const auto all = client_->get("/v1/events?after=0&limit=10000", reader.token);
    ASSERT_EQ(all.status, 200) << reader.name << ": " << all.body;
    EXPECT_EQ(events_of(all), json::array(seen.begin(), seen.end())) << reader.name;
    EXPECT_EQ(all.json().at("next").to_number<std::uint64_t>(), model_.last()) << reader.name;
  }
}

// The housing organisations' events, spelled out: the cases of the one are not the other's.
TEST_F(ScopedFeed, EachHousingOrganisationSeesItsOwnCaseEvents) {
  ASSERT_NO_FATAL_FAILURE(open_and_admit());
  ASSERT_NO_FATAL_FAILURE(house_and_participate());
  ASSERT_NO_FATAL_FAILURE(transfer_and_end());
  const auto types_of = [&](const std::string& token, const std::string& stream) {
    std::vector<std::string> out;
    const auto r = client_->get("/v1/events?after=0&limit=10000&categories=case", token);
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& e : events_of(r)) {
      if (text(e, "stream") == stream) out.push_back(text(e, "type"));
    }
    return out;
  };
  using Types = std::vector<std::string>;
  EXPECT_EQ(types_of("t-housing", "case-c-1"),
            (Types{"PlacementDecided", "BedAssigned", "LivingAllowancePaid",
                   "ParticipationRecorded", "Transferred"}));
  EXPECT_EQ(types_of("t-housing2", "case-c-1"),
            (Types{"PlacementDecided", "Transferred", "LivingAllowancePaid", "StayEnded"}));
  EXPECT_EQ(types_of("t-housing", "case-c-2"), (Types{"PlacementDecided", "CaseManagerAssigned"}));
  EXPECT_EQ(types_of("t-housing2", "case-c-2"),
            (Types{"PlacementDecided", "CaseManagerAssigned", "BedAssigned", "StayEnded"}));
  for (const char* token : {"t-housing", "t-housing2"}) {
    EXPECT_EQ(types_of(token, "case-c-3"), Types{}) << token;
    EXPECT_EQ(types_of(token, "case-c-4"), Types{"PlacementDecided"}) << token;
  }
  // The access log holds a feed read for each case an organisation saw, and none for c-3.
  const auto readers_of = [&](const std::string& id) {
    std::set<std::string> out;
    const auto r = get("/v1/access-log?caseId=" + id, "regie");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    for (const auto& e : body.at("entries").as_array()) {
      EXPECT_EQ(text(e, "what"), "feed") << id;
      out.insert(text(e, "organisation"));
    }
    return out;
  };
  using Orgs = std::set<std::string>;
  for (const char* id : {"c-1", "c-2", "c-4"}) {
    EXPECT_EQ(readers_of(id), (Orgs{"org-housing", "org-other"})) << id;
  }
  EXPECT_EQ(readers_of("c-3"), Orgs{});
}

// `categories` and `types` narrow what each role may see (both given: both hold), for a
// reader that follows `next` in pages of 3 as for one that reads everything at once.
TEST_F(ScopedFeed, FiltersNarrowEachRolesEvents) {
  ASSERT_NO_FATAL_FAILURE(open_and_admit());
  ASSERT_NO_FATAL_FAILURE(house_and_participate());
  ASSERT_NO_FATAL_FAILURE(transfer_and_end());
  struct Filter {
    std::string query;
    std::set<std::string> categories;
    std::set<std::string> types;
  };
  const std::vector<Filter> filters{
      {"&categories=case,location", {"case", "location"}, {}},
      {"&categories=activity", {"activity"}, {}},
      {"&categories=programme", {"programme"}, {}},
      {"&types=BedAssigned,StayEnded", {}, {"BedAssigned", "StayEnded"}},
      {"&categories=location&types=BedAssigned,LocationOpened",
       {"location"},
       {"BedAssigned", "LocationOpened"}},
      {"&categories=case,activity,location,programme&types=Transferred", {}, {"Transferred"}},
  };
  for (const auto& reader : readers()) {
    for (const auto& f : filters) {
      Cursor c;
      ASSERT_NO_FATAL_FAILURE(follow_to_end(reader, c, 3, f.query));
      EXPECT_EQ(positions(c.seen), model_.visible_to(reader.name, f.categories, f.types))
          << reader.name << " " << f.query;
    }
  }
  // Spelled out for one organisation: its one BedAssigned, no StayEnded (c-1 ended in loc-b).
  Cursor housing;
  ASSERT_NO_FATAL_FAILURE(follow_to_end(readers()[1], housing, 10, "&types=BedAssigned,StayEnded"));
  ASSERT_EQ(housing.seen.size(), 1U);
  EXPECT_EQ(text(housing.seen[0], "stream"), "case-c-1");
  EXPECT_EQ(housing.seen[0].at("data").at("locationId").as_string(), "loc-a");
}

// A long poll of a housing organisation waits for an event it may see: another
// organisation's location event after `after` does not end it, its own does.
TEST_F(ScopedFeed, ALongPollWaitsForAnEventItsReaderMaySee) {
  ASSERT_NO_FATAL_FAILURE(open_and_admit());
  const std::uint64_t after = model_.last();
  ASSERT_NO_FATAL_FAILURE(append("t-housing", "/v1/locations/loc-a/events",
                                 ev("LocationCapacityChanged", R"({"beds":6})")));
  const auto port = server_->port();
  auto poll = std::async(std::launch::async, [port, after] {
    HttpClient c(port);
    return c.get("/v1/events?after=" + std::to_string(after) + "&wait=30", "t-housing2");
  });
  ASSERT_NO_FATAL_FAILURE(append("t-housing2", "/v1/locations/loc-b/events",
                                 ev("NeighbourhoodContactRecorded", R"({"kind":"visit"})")));
  const auto r = poll.get();
  ASSERT_EQ(r.status, 200) << r.body;
  const auto events = events_of(r);
  ASSERT_EQ(events.size(), 1U) << r.body;
  EXPECT_EQ(position_of(events[0]), model_.last());
  EXPECT_EQ(text(events[0], "stream"), "location-loc-b");
  EXPECT_EQ(r.json().at("next").to_number<std::uint64_t>(), model_.last());
}

// An unknown category or type is a 400 problem, for every role that may read the feed.
TEST_F(ScopedFeed, UnknownFilterValuesAre400) {
  for (const char* query : {"/v1/events?categories=cases", "/v1/events?categories=case,bogus",
                            "/v1/events?types=BedAssigned,Bogus", "/v1/events?types=bedassigned",
                            "/v1/events?after=0&limit=5&categories=person"}) {
    for (const char* role : {"regie", "housing", "participation", "researcher"}) {
      const auto r = get(query, role);
      EXPECT_EQ(r.status, 400) << query << " " << role << ": " << r.body;
      EXPECT_EQ(r.header("content-type"), "application/problem+json") << query;
      ASSERT_TRUE(r.json().is_object()) << r.body;
      EXPECT_EQ(r.json().at("status").to_number<int>(), 400) << r.body;
    }
  }
}

// Ops reads metrics, not events: 403 problem JSON, with or without filters.
TEST_F(ScopedFeed, OpsMayNotReadTheFeed) {
  ASSERT_NO_FATAL_FAILURE(open_and_admit());
  for (const char* query : {"/v1/events", "/v1/events?after=0&limit=2&categories=programme",
                            "/v1/events?types=BedAssigned"}) {
    const auto r = get(query, "ops");
    EXPECT_EQ(r.status, 403) << query << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << query;
    EXPECT_EQ(r.json().at("status").to_number<int>(), 403) << r.body;
    EXPECT_EQ(problem_type(r), "urn:perspectief:problem:forbidden") << r.body;
  }
}

}  // namespace
}  // namespace perspectief::testing
