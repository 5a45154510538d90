#include "projections/evaluation_export.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <vector>

#include "domain/role.hpp"
#include "eventstore/sha256.hpp"

// The evaluation export's tables (spec/evaluation.md, "Evaluation export") over hand-made
// envelopes: bed periods across a transfer, capacity periods, escalations closed by the end of
// the stay, erasure, and RFC 4180 quoting. Pseudonyms here are "p:" + the case id.

namespace perspectief {
namespace {

class EvaluationExportTest : public ::testing::Test {
 protected:
  EvaluationExport fold{[](std::string_view id) { return "p:" + std::string{id}; }};

  void add(const std::string& stream, const std::string& type, const std::string& occurred,
           const std::string& data = "{}") {
    Envelope e;
    e.position = ++position_;
    e.stream = stream;
    e.version = 1;
    e.event_id = "ev-" + std::to_string(e.position);
    e.type = type;
    e.occurred_at = parse_rfc3339(occurred).value_or(0);
    e.recorded_at = e.occurred_at;
    e.actor = Actor{"tester", "regiegroep", Role::regie};
    e.data = boost::json::parse(data).as_object();
    fold.apply(e);
  }

  std::string text_of(const std::string& name) const {
    for (const auto& f : fold.files()) {
      if (f.name == name) return f.text;
    }
    return "(no " + name + ")";
  }

 private:
  std::uint64_t position_ = 0;
};

TEST_F(EvaluationExportTest, OneCaseThroughItsStay) {
  add("location-l1", "LocationOpened", "2025-01-01T09:00:00Z",
      R"({"name":"De Boeg","operator":"hvo","beds":10})");
  add("location-l2", "LocationOpened", "2025-01-01T09:00:00Z",
      R"({"name":"Havenhuis","operator":"ldh","beds":4})");
  add("location-l2", "LocationCapacityChanged", "2025-02-01T09:00:00Z", R"({"beds":6})");
  add("location-l2", "LocationCapacityChanged", "2025-02-01T10:00:00Z", R"({"beds":7})");
  add("location-l1", "LocationClosed", "2025-04-01T09:00:00Z");
  add("case-a", "CaseRegistered", "2025-01-05T09:00:00Z",
      R"({"person":{"name":"Amina Test"},"referralSource":"walk-in, \"Wereldhuis\""})");
  add("case-a", "IntakeCompleted", "2025-01-06T09:00:00Z", R"({"eligible":true})");
  add("case-a", "PlacementDecided", "2025-01-07T09:00:00Z", R"({"decision":"waitlisted"})");
  add("case-a", "PlacementDecided", "2025-01-08T09:00:00Z",
      R"({"decision":"admitted","funding":"lvv"})");
  add("case-a", "BedAssigned", "2025-01-10T09:00:00Z", R"({"locationId":"l1"})");
  add("case-a", "PerspectiveChosen", "2025-01-11T09:00:00Z", R"({"track":"return"})");
  add("case-a", "EscalationRaised", "2025-01-12T09:00:00Z",
      R"({"escalationId":"e-7","reason":"house_rules","level":"warning"})");
  add("case-a", "Transferred", "2025-02-10T09:00:00Z", R"({"toLocationId":"l2"})");
  add("case-a", "LegalStepRecorded", "2025-02-11T09:00:00Z",
      R"({"step":"appeal","notes":"secret note"})");
  add("case-a", "ReturnStepRecorded", "2025-02-12T09:00:00Z",
      R"({"step":"orientation","country":"GH"})");
  add("case-a", "ReturnStepRecorded", "2025-02-13T09:00:00Z",
      R"({"step":"travel_documents_requested","country":"=HYPERLINK(\"x\"), Jan"})");
  add("case-a", "StayEnded", "2025-03-01T09:00:00Z", R"({"outcome":"independent_return"})");
  add("case-b", "CaseRegistered", "2025-03-20T09:00:00Z",
      R"({"person":{"name":"Amina Test"},"previousCaseId":"a"})");
  add("case-a", "PersonalDataErased", "2025-03-21T09:00:00Z");

  EXPECT_EQ(text_of("cases.csv"),
            "case,previousCase,registeredOn,intakeCompletedOn,eligible,decision,funding,"
            "admittedOn,endedOn,outcome,outcomeClass,trackAtEnd,stayDays,erased\r\n"
            "p:a,,2025-01-05,2025-01-06,true,admitted,lvv,2025-01-10,2025-03-01,"
            "independent_return,durable,return,50,true\r\n"
            "p:b,p:a,2025-03-20,,,,,,,,,,,false\r\n");
  EXPECT_EQ(text_of("stays.csv"),
            "case,locationId,from,to\r\n"
            "p:a,l1,2025-01-10,2025-02-10\r\n"
            "p:a,l2,2025-02-10,2025-03-01\r\n");
  EXPECT_EQ(text_of("decisions.csv"),
            "case,on,decision,funding\r\n"
            "p:a,2025-01-07,waitlisted,\r\n"
            "p:a,2025-01-08,admitted,lvv\r\n");
  EXPECT_EQ(text_of("legal_steps.csv"), "case,on,step,result\r\np:a,2025-02-11,appeal,\r\n");
  EXPECT_EQ(text_of("return_steps.csv"),
            "case,on,step,country\r\np:a,2025-02-12,orientation,GH\r\n"
            "p:a,2025-02-13,travel_documents_requested,\r\n");  // not a code: left empty
  EXPECT_EQ(text_of("escalations.csv"),
            "case,escalation,raisedOn,reason,level,resolvedOn,resolution\r\n"
            "p:a,1,2025-01-12,house_rules,warning,2025-03-01,stay_ended\r\n");
  // l2's first change and its second on the same day: one period of 7 beds from then on.
  EXPECT_EQ(text_of("locations.csv"),
            "locationId,operator,from,to,beds\r\n"
            "l1,hvo,2025-01-01,2025-04-01,10\r\n"
            "l2,ldh,2025-01-01,2025-02-01,4\r\n"
            "l2,ldh,2025-02-01,,7\r\n");
  for (const auto& f : fold.files()) {
    EXPECT_EQ(f.text.find("Amina"), std::string::npos) << f.name;
    EXPECT_EQ(f.text.find("secret"), std::string::npos) << f.name;
    EXPECT_EQ(f.text.find("Wereldhuis"), std::string::npos) << f.name;
    EXPECT_EQ(f.text.find("e-7"), std::string::npos) << f.name;  // the client's escalation id
    EXPECT_EQ(f.text.find("HYPERLINK"), std::string::npos) << f.name;
  }
}

TEST_F(EvaluationExportTest, ActivitiesAndTheManifest) {
  add("activity-x1", "ActivityScheduled", "2025-05-01T09:00:00Z",
      R"({"title":"Taalcafé met Jan","organisation":"boost","category":"language",)"
      R"("startsAt":"2025-05-03T14:00:00Z","coDesigned":true})");
  add("activity-x1", "ActivityHeld", "2025-05-03T16:00:00Z",
      R"({"residents":9,"volunteers":2,"neighbours":3,"volunteerHours":4.5})");
  add("activity-x2", "ActivityScheduled", "2025-05-02T09:00:00Z",
      R"({"title":"Voetbal","organisation":"buurtvrouw Fatima","category":"sport",)"
      R"("startsAt":"2025-05-04T14:00:00Z"})");
  add("activity-x2", "ActivityCancelled", "2025-05-04T08:00:00Z", R"({"reason":"rain"})");
  const std::string activities = text_of("activities.csv");
  EXPECT_EQ(activities,
            "activity,organisation,category,coDesigned,startsOn,heldOn,cancelledOn,residents,"
            "volunteers,neighbours,volunteerHours\r\n"
            "x1,boost,language,true,2025-05-03,2025-05-03,,9,2,3,4.5\r\n"
            "x2,,sport,false,2025-05-04,,2025-05-04,,,,\r\n");  // a name, not an id: empty
  const auto files = fold.files();
  const CsvFile manifest =
      export_manifest("id-1", parse_rfc3339("2025-06-01T00:00:00Z").value(), 4, files);
  EXPECT_EQ(manifest.rows, files.size());
  EXPECT_NE(manifest.text.find("id-1,2025-06-01T00:00:00Z,4,activities.csv,2," +
                               to_hex(sha256(activities)) + "\r\n"),
            std::string::npos)
      << manifest.text;
  EXPECT_EQ(export_id(4, "ev-4", 0), export_id(4, "ev-4", 0));
  EXPECT_NE(export_id(4, "ev-4", 0), export_id(4, "ev-4", 1));
  EXPECT_EQ(export_id(4, "ev-4", 0)[14], '8');  // a version-8 UUID
}

TEST(CsvTable, QuotesOnlyWhatRfc4180Requires) {
  CsvTable t("t.csv", {"a", "b"});
  t.row({"plain", "with,comma"});
  t.row({"say \"hi\"", "two\r\nlines"});
  EXPECT_EQ(t.file().text,
            "a,b\r\nplain,\"with,comma\"\r\n\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n");
  EXPECT_EQ(t.file().rows, 2U);
}

}  // namespace
}  // namespace perspectief
