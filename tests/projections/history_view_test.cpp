// A HistoryView of everything folded, with the events after a position folded apart as the
// late ones, shows exactly what a History folded up to that position holds: for every
// position of a log that touches every kind of fact (programme capacity, a location opened,
// resized, contacted and closed, activities scheduled, held and cancelled, cases through every
// fact, events that add none, a case housed in a location opened late),
// every read model renders the same JSON from both. Late events are back-dated, as late
// entries are: their occurredAt lies before that of events recorded earlier.
#include "projections/history_view.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <string>
#include <vector>

#include "domain/role.hpp"
#include "domain/time.hpp"
#include "projections/monthly_report.hpp"
#include "projections/read_models.hpp"
#include "projections/series.hpp"

namespace perspectief {
namespace {

struct Ev {
  std::string stream;
  std::string type;
  std::string occurred;
  std::string data;
};

std::vector<Envelope> the_log() {
  const std::vector<Ev> events{
      {"programme", "ProgrammeCapacitySet", "2021-01-01T00:00:00Z",
       R"({"places":20,"lvvPlaces":12,"maxStayMonths":18})"},
      {"location-l1", "LocationOpened", "2021-01-02T09:00:00Z",
       R"({"name":"Een","operator":"hvo","beds":4})"},
      {"location-l2", "LocationOpened", "2021-01-02T09:00:00Z",
       R"({"name":"Twee","operator":"ldh","beds":3})"},
      {"case-a", "CaseRegistered", "2021-02-01T09:00:00Z", R"({"person":{"name":"A"}})"},
      {"case-a", "IntakeCompleted", "2021-02-02T09:00:00Z", R"({"eligible":true})"},
      {"case-a", "PlacementDecided", "2021-02-03T09:00:00Z",
       R"({"decision":"admitted","funding":"lvv"})"},
      {"case-a", "CaseManagerAssigned", "2021-02-03T10:00:00Z",
       R"({"caseManager":"M","organisation":"hvo"})"},
      {"case-a", "BedAssigned", "2021-02-04T09:00:00Z", R"({"locationId":"l1"})"},
      {"case-b", "CaseRegistered", "2021-02-10T09:00:00Z", R"({"person":{"name":"B"}})"},
      {"case-b", "IntakeCompleted", "2021-02-11T09:00:00Z", R"({"eligible":true})"},
      {"case-b", "PlacementDecided", "2021-02-12T09:00:00Z",
       R"({"decision":"admitted","funding":"municipal"})"},
      {"activity-x", "ActivityScheduled", "2021-03-01T09:00:00Z",
       R"({"title":"T","organisation":"o","category":"sport","startsAt":"2021-03-05T14:00:00Z","coDesigned":true})"},
      {"case-a", "PerspectiveChosen", "2021-03-01T09:00:00Z", R"({"track":"return"})"},
      {"case-a", "EscalationRaised", "2021-03-02T09:00:00Z",
       R"({"escalationId":"e1","reason":"house_rules","level":"warning"})"},
      {"activity-x", "ActivityHeld", "2021-03-05T14:00:00Z",
       R"({"residents":4,"volunteers":1,"neighbours":2,"volunteerHours":3})"},
      {"case-a", "ParticipationRecorded", "2021-03-05T14:00:00Z",
       R"({"activity":"T","organisation":"o"})"},
      {"location-l1", "NeighbourhoodContactRecorded", "2021-03-06T09:00:00Z",
       R"({"kind":"meeting"})"},
      // Late entries from here on: back-dated before events recorded earlier.
      {"case-b", "BedAssigned", "2021-02-13T09:00:00Z", R"({"locationId":"l2"})"},
      {"location-l2", "LocationCapacityChanged", "2021-02-20T09:00:00Z", R"({"beds":5})"},
      {"case-a", "EscalationResolved", "2021-03-03T09:00:00Z",
       R"({"escalationId":"e1","resolution":"resolved"})"},
      {"programme", "ProgrammeCapacitySet", "2021-02-15T00:00:00Z",
       R"({"places":25,"lvvPlaces":15,"maxStayMonths":12})"},
      {"case-b", "Transferred", "2021-03-01T09:00:00Z", R"({"toLocationId":"l1"})"},
      {"case-b", "StayExtended", "2021-03-02T09:00:00Z", R"({"until":"2022-12-31","reason":"r"})"},
      {"activity-y", "ActivityScheduled", "2021-02-01T09:00:00Z",
       R"({"title":"U","organisation":"o","category":"language","startsAt":"2021-02-05T14:00:00Z","coDesigned":false})"},
      {"activity-y", "ActivityHeld", "2021-02-05T14:00:00Z",
       R"({"residents":2,"volunteers":2,"neighbours":0})"},
      {"location-l3", "LocationOpened", "2021-01-15T09:00:00Z",
       R"({"name":"Drie","operator":"hvo","beds":2})"},
      {"case-c", "CaseRegistered", "2021-02-20T09:00:00Z", R"({"person":{"name":"C"}})"},
      {"case-c", "IntakeCompleted", "2021-02-21T09:00:00Z", R"({"eligible":false})"},
      {"case-c", "PlacementDecided", "2021-02-22T09:00:00Z", R"({"decision":"rejected"})"},
      {"case-a", "StayEnded", "2021-03-10T09:00:00Z", R"({"outcome":"independent_return"})"},
      {"location-l2", "LocationClosed", "2021-03-20T09:00:00Z", "{}"},
      // Late events that add no fact, and a case housed in a location opened late.
      {"case-b", "LivingAllowancePaid", "2021-03-03T09:00:00Z",
       R"({"amountCents":5000,"period":"2021-03"})"},
      {"activity-z", "ActivityScheduled", "2021-02-10T09:00:00Z",
       R"({"title":"V","organisation":"o","category":"culture","startsAt":"2021-02-12T14:00:00Z","coDesigned":false})"},
      {"activity-z", "ActivityCancelled", "2021-02-11T09:00:00Z", "{}"},
      {"case-d", "CaseRegistered", "2021-01-20T09:00:00Z", R"({"person":{"name":"D"}})"},
      {"case-d", "IntakeCompleted", "2021-01-21T09:00:00Z", R"({"eligible":true})"},
      {"case-d", "PlacementDecided", "2021-01-22T09:00:00Z",
       R"({"decision":"admitted","funding":"lvv"})"},
      {"case-d", "BedAssigned", "2021-01-23T09:00:00Z", R"({"locationId":"l3"})"},
      // A late exit interview, and a late return naming the ended case.
      {"case-a", "ExitInterviewHeld", "2021-03-11T09:00:00Z", R"({"declined":false})"},
      {"case-e", "CaseRegistered", "2021-03-25T09:00:00Z",
       R"({"person":{"name":"A"},"previousCaseId":"a"})"},
  };
  std::vector<Envelope> log;
  std::map<std::string, std::uint64_t> versions;
  for (const auto& ev : events) {
    Envelope e;
    e.position = log.size() + 1;
    e.stream = ev.stream;
    e.version = ++versions[ev.stream];
    e.event_id = "ev-" + std::to_string(e.position);
    e.type = ev.type;
    e.occurred_at = parse_rfc3339(ev.occurred).value();
    e.recorded_at = parse_rfc3339("2021-06-01T00:00:00Z").value() + e.position;
    e.actor = Actor{"t", "regiegroep", Role::regie};
    e.data = boost::json::parse(ev.data).as_object();
    log.push_back(std::move(e));
  }
  return log;
}

// Every read model as one JSON text.
std::string all_models(const HistoryView& v) {
  const Days from = parse_date("2021-01-01").value();
  const Days to = parse_date("2021-04-30").value();
  std::string out;
  for (const char* as_of :
       {"2021-02-14T00:00:00Z", "2021-03-04T00:00:00Z", "2021-12-31T00:00:00Z"}) {
    const Micros t = parse_rfc3339(as_of).value();
    out += boost::json::serialize(occupancy_json(v, t));
    out += boost::json::serialize(stay_alerts_json(v, t));
    out += boost::json::serialize(caseload_json(v, t));
    out += boost::json::serialize(escalations_json(v, t, EscalationStatus::all));
    out += boost::json::serialize(perspective_json(v, t, from, to));
    out += boost::json::serialize(utilisation_json(v, from, to, t));
    out += boost::json::serialize(outcomes_json(v, from, to, t));
    out += boost::json::serialize(intake_funnel_json(v, from, to, t));
    out += boost::json::serialize(participation_json(v, from, to, t));
    out += boost::json::serialize(returns_json(v, from, to, t));
    out += boost::json::serialize(data_quality_json(v, t));
    for (const auto& [track, n] : active_cases_by_track(v, t)) out += track + std::to_string(n);
  }
  out += boost::json::serialize(monthly_report_json(v, 2021, 3));
  out += boost::json::serialize(series_json(v, from, 4));
  for (const auto& [category, n] : activities_held_by_category(v)) {
    out += category + std::to_string(n);
  }
  return out;
}

TEST(HistoryView, AtEveryPositionTheViewIsTheHistoryFoldedUpToIt) {
  const auto log = the_log();
  History all{500, 360, 18};
  all.apply_all(log);
  const std::string everything = all.read([](const History& h) { return all_models(h); });
  std::vector<std::string> seen;
  for (std::size_t cut = 0; cut <= log.size(); ++cut) {
    SCOPED_TRACE("cut at position " + std::to_string(cut));
    History reference{500, 360, 18};
    reference.apply_all(std::span<const Envelope>{log}.first(cut));
    History late{0, 0, 0};
    late.apply_all(std::span<const Envelope>{log}.subspan(cut));
    const std::string expected = reference.read([](const History& h) { return all_models(h); });
    const std::string shown = all.read([&](const History& h) {
      return late.read([&](const History& l) {
        const HistoryView view{h, l, cut};
        EXPECT_EQ(view.position(), cut);
        return all_models(view);
      });
    });
    EXPECT_EQ(shown, expected);
    seen.push_back(expected);
  }
  EXPECT_EQ(seen.back(), everything);
  // The log is not trivial: the late entries change what the models show.
  EXPECT_NE(seen[17], everything);
  EXPECT_NE(seen[17], seen[16]);
}

}  // namespace
}  // namespace perspectief
