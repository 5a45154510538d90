// Snapshots: what is saved loads back into models that answer exactly as the originals, and
// a damaged or foreign snapshot is refused rather than half-loaded.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "domain/json_text.hpp"
#include "projections/case_files.hpp"
#include "projections/read_models.hpp"
#include "projections/snapshot.hpp"

namespace perspectief {
namespace {

const ProgrammeState kDefaults = initial_programme(500, 360, 18);

Envelope env(std::uint64_t position, const std::string& stream, const std::string& type,
             const char* data, const char* at) {
  Envelope e;
  e.position = position;
  e.stream = stream;
  e.type = type;
  e.event_id = "id-" + std::to_string(position);
  e.occurred_at = parse_rfc3339(at).value();
  e.recorded_at = e.occurred_at;
  e.data = boost::json::parse(data).as_object();
  return e;
}

// A small programme: two locations, a housed case with steps, extension and escalations, an
// ended case, a waitlisted one, an activity and a capacity change.
std::vector<Envelope> history_events() {
  return {
      env(1, "programme", "ProgrammeCapacitySet",
          R"({"places":400,"lvvPlaces":300,"maxStayMonths":18})", "2021-01-01T09:00:00Z"),
      env(2, "location-l1", "LocationOpened",
          R"({"name":"Een","operator":"hvo-querido","beds":10})", "2021-01-01T09:00:00Z"),
      env(3, "location-l2", "LocationOpened",
          R"({"name":"Twee","operator":"leger-des-heils","beds":5})", "2021-01-01T09:00:00Z"),
      env(4, "case-a", "CaseRegistered", R"({"person":{"name":"A"}})", "2021-01-02T09:00:00Z"),
      env(5, "case-a", "IntakeCompleted", R"({"eligible":true})", "2021-01-05T09:00:00Z"),
      env(6, "case-a", "CaseManagerAssigned", R"({"caseManager":"cm-1","organisation":"aco"})",
          "2021-01-05T10:00:00Z"),
      env(7, "case-a", "PlacementDecided", R"({"decision":"admitted","funding":"lvv"})",
          "2021-01-06T09:00:00Z"),
      env(8, "case-a", "BedAssigned", R"({"locationId":"l1"})", "2021-01-07T09:00:00Z"),
      env(9, "case-a", "LegalStepRecorded", R"({"step":"appeal","result":"pending"})",
          "2021-02-01T09:00:00Z"),
      env(10, "case-a", "ReturnStepRecorded", R"({"step":"orientation","country":"GH"})",
          "2021-02-02T09:00:00Z"),
      env(11, "case-a", "PerspectiveChosen", R"({"track":"return"})", "2021-02-03T09:00:00Z"),
      env(12, "case-a", "LivingAllowancePaid", R"({"amountCents":100,"period":"2021-02"})",
          "2021-02-03T10:00:00Z"),
      env(13, "case-a", "EscalationRaised",
          R"({"escalationId":"e1","reason":"house_rules","level":"warning"})",
          "2021-03-01T09:00:00Z"),
      env(14, "case-a", "EscalationResolved", R"({"escalationId":"e1","resolution":"resolved"})",
          "2021-03-05T09:00:00Z"),
      env(15, "case-a", "EscalationRaised",
          R"({"escalationId":"e2","reason":"behaviour","level":"final_warning"})",
          "2021-04-01T09:00:00Z"),
      env(16, "case-a", "Transferred", R"({"toLocationId":"l2"})", "2021-05-01T09:00:00Z"),
      env(17, "case-a", "StayExtended", R"({"until":"2022-12-31","reason":"r"})",
          "2022-06-01T09:00:00Z"),
      env(18, "case-b", "CaseRegistered", R"({"person":{"name":"B"}})", "2021-01-02T09:00:00Z"),
      env(19, "case-b", "IntakeCompleted", R"({"eligible":true})", "2021-01-03T09:00:00Z"),
      env(20, "case-b", "PlacementDecided", R"({"decision":"admitted","funding":"municipal"})",
          "2021-01-04T09:00:00Z"),
      env(21, "case-b", "BedAssigned", R"({"locationId":"l1"})", "2021-01-04T10:00:00Z"),
      env(22, "case-b", "StayEnded", R"({"outcome":"residence_permit"})", "2021-09-04T10:00:00Z"),
      env(23, "case-c", "CaseRegistered", R"({"person":{"name":"C"}})", "2021-01-02T09:00:00Z"),
      env(24, "case-c", "IntakeCompleted", R"({"eligible":true})", "2021-01-03T09:00:00Z"),
      env(25, "case-c", "PlacementDecided", R"({"decision":"waitlisted"})", "2021-01-04T09:00:00Z"),
      env(26, "activity-x", "ActivityScheduled",
          R"({"title":"t","organisation":"boost","category":"sport","startsAt":"2021-01-10T10:00:00Z"})",
          "2021-01-05T09:00:00Z"),
      env(27, "location-l1", "LocationCapacityChanged", R"({"beds":12})", "2021-06-01T09:00:00Z"),
      env(28, "activity-x", "ActivityHeld",
          R"({"residents":9,"volunteers":2,"neighbours":3,"volunteerHours":2.5})",
          "2021-01-10T12:00:00Z"),
      env(29, "location-l1", "NeighbourhoodContactRecorded", R"({"kind":"compliment"})",
          "2021-02-01T09:00:00Z"),
  };
}

// Everything the models answer, as text.
std::string answers(const CaseFiles& files, const History& h) {
  std::string out;
  for (const char* id : {"a", "b", "c"}) out += json_text(case_file_json(*files.get(id), nullptr));
  CaseFilter all;
  all.limit = 100;
  out += std::to_string(files.list(all).cases.size());
  h.read([&](const History& x) {
    const Micros t = parse_rfc3339("2022-07-01T00:00:00Z").value();
    out += json_text(occupancy_json(x, t)) + json_text(stay_alerts_json(x, t)) +
           json_text(caseload_json(x, t)) +
           json_text(escalations_json(x, t, EscalationStatus::all)) +
           json_text(outcomes_json(x, *parse_date("2021-01-01"), *parse_date("2022-12-31"))) +
           json_text(utilisation_json(x, *parse_date("2021-01-01"), *parse_date("2021-12-31"))) +
           json_text(intake_funnel_json(x, *parse_date("2021-01-01"), *parse_date("2021-12-31"))) +
           json_text(participation_json(x, *parse_date("2021-01-01"), *parse_date("2021-12-31"))) +
           json_text(perspective_json(x, t, *parse_date("2021-01-01"), *parse_date("2021-12-31")));
    return 0;
  });
  return out;
}

TEST(Snapshot, RoundTripsEveryModelExactly) {
  CaseFiles files{kDefaults};
  History history{500, 360, 18};
  ProgrammeModel model{kDefaults};
  for (const auto& e : history_events()) {
    files.apply(e);
    history.apply(e);
    model.apply(e);
  }
  const std::string bytes = history.read([&](const History& h) {
    return encode_snapshot({29, "id-29"}, snapshot_fingerprint(kDefaults), model, h);
  });

  ProgrammeModel loaded_model{kDefaults};
  History loaded_history{500, 360, 18};
  const auto header =
      decode_snapshot(bytes, snapshot_fingerprint(kDefaults), loaded_model, loaded_history);
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->position, 29U);
  EXPECT_EQ(header->event_id, "id-29");
  CaseFiles loaded_files{kDefaults};
  loaded_files.restore(loaded_model);
  EXPECT_EQ(answers(loaded_files, loaded_history), answers(files, history));
  EXPECT_EQ(loaded_model.housed_lvv(), 1);
  EXPECT_EQ(loaded_model.location("l1")->beds, 12);
  EXPECT_EQ(loaded_model.find_case("a")->legal_steps.at(0).step, LegalStepKind::appeal);
  EXPECT_EQ(loaded_model.find_case("a")->escalations.at(0).resolution, EscalationEnd::resolved);

  // Folding on after a snapshot gives what folding everything gives.
  const auto more =
      env(30, "case-a", "StayEnded", R"({"outcome":"independent_return"})", "2022-07-15T09:00:00Z");
  files.apply(more);
  history.apply(more);
  loaded_files.apply(more);
  loaded_history.apply(more);
  EXPECT_EQ(answers(loaded_files, loaded_history), answers(files, history));
}

// The metrics' figures come from memory and agree with the read models: on 2022-07-01 case a
// (housed at l2 since 2021-01-07, extended to 2022-12-31) is past 17 months (final), case b
// ended, case c is waitlisted; e2 is open. After a snapshot load the figures are the same.
TEST(Snapshot, CurrentFiguresAgreeWithTheReadModelsAndSurviveASnapshot) {
  CaseFiles files{kDefaults};
  History history{500, 360, 18};
  ProgrammeModel model{kDefaults};
  for (const auto& e : history_events()) {
    files.apply(e);
    history.apply(e);
    model.apply(e);
  }
  const Days today = *parse_date("2022-07-01");
  const CurrentFigures f = files.figures(today);
  EXPECT_EQ(f.programme.places, 400);
  EXPECT_EQ(f.housed_lvv, 1);
  EXPECT_EQ(f.housed_municipal, 0);
  ASSERT_EQ(f.locations.size(), 2U);
  EXPECT_EQ(f.locations[0].id, "l1");
  EXPECT_EQ(f.locations[0].beds, 12);
  EXPECT_EQ(f.locations[0].occupied, 0);
  EXPECT_EQ(f.locations[1].occupied, 1);
  EXPECT_EQ(f.open_escalations, 1);
  EXPECT_EQ(f.alerts_final, 1);
  EXPECT_EQ(f.alerts_review + f.alerts_warning + f.alerts_exceeded, 0);
  const auto alerts =
      history.read([&](const History& h) { return stay_alerts_json(h, end_of_day(today)); });
  ASSERT_EQ(alerts.at("alerts").as_array().size(), 1U);
  EXPECT_EQ(alerts.at("alerts").as_array()[0].at("level").as_string(), "final");

  ProgrammeModel loaded{kDefaults};
  History loaded_history{500, 360, 18};
  ASSERT_TRUE(decode_snapshot(
      encode_snapshot({29, "id-29"}, snapshot_fingerprint(kDefaults), model, history),
      snapshot_fingerprint(kDefaults), loaded, loaded_history));
  CaseFiles loaded_files{kDefaults};
  loaded_files.restore(std::move(loaded));
  const CurrentFigures g = loaded_files.figures(today);
  EXPECT_EQ(g.open_escalations, 1);
  EXPECT_EQ(g.alerts_final, 1);
  EXPECT_EQ(g.housed_lvv, 1);
}

TEST(Snapshot, RefusesDamagedOrForeignBytes) {
  History history{500, 360, 18};
  ProgrammeModel model{kDefaults};
  for (const auto& e : history_events()) {
    history.apply(e);
    model.apply(e);
  }
  const std::string bytes =
      encode_snapshot({29, "id-29"}, snapshot_fingerprint(kDefaults), model, history);
  for (const std::size_t cut :
       {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    ProgrammeModel m{kDefaults};
    History h{500, 360, 18};
    EXPECT_FALSE(
        decode_snapshot(bytes.substr(0, cut), snapshot_fingerprint(kDefaults), m, h).has_value())
        << cut;
  }
  std::string flipped = bytes;
  flipped[25] ^= 0x7F;  // the format version
  ProgrammeModel m{kDefaults};
  History h{500, 360, 18};
  EXPECT_FALSE(decode_snapshot(flipped, snapshot_fingerprint(kDefaults), m, h).has_value());
  // A header naming another position than the models hold is refused.
  ProgrammeModel m2{kDefaults};
  History h2{500, 360, 18};
  EXPECT_FALSE(decode_snapshot(
                   encode_snapshot({26, "id-26"}, snapshot_fingerprint(kDefaults), model, history),
                   snapshot_fingerprint(kDefaults), m2, h2)
                   .has_value());
  // Folded with other programme defaults (server flags): not used.
  ProgrammeModel m4{kDefaults};
  History h4{500, 360, 18};
  EXPECT_FALSE(decode_snapshot(bytes, snapshot_fingerprint(initial_programme(600, 360, 18)), m4, h4)
                   .has_value());
  ProgrammeModel m3{kDefaults};
  History h3{500, 360, 18};
  EXPECT_FALSE(decode_snapshot(bytes + "x", snapshot_fingerprint(kDefaults), m3, h3).has_value());
}

}  // namespace
}  // namespace perspectief
