// The rebuild's scan (projections/fold_scan.hpp): flat data read from its stored text into
// typed events folds to exactly the read models the JSON objects fold to, and data that is
// not flat, or of an older schema version, still goes through the object and the upcasters.
#include "projections/fold_scan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "eventstore/read_only_store.hpp"
#include "eventstore/scan.hpp"
#include "projections/case_files.hpp"
#include "projections/history.hpp"
#include "projections/projector.hpp"
#include "projections/snapshot.hpp"
#include "projections/start_up.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

const ProgrammeState kDefaults = initial_programme(500, 360, 18);

NewEvent at(const std::string& type, const char* data, int day, int schema_version = 1) {
  return make_new_event(random_uuid(), type, kT0 + day * kMicrosPerDay,
                        boost::json::parse(data).as_object(), schema_version);
}

struct Folded {
  History history{500, 360, 18};
  CaseFiles case_files{kDefaults};
  std::uint64_t events = 0;
  std::uint64_t from_text = 0;  // envelopes whose data the folds saw only as text

  std::string snapshot() const {
    return case_files.with_model([&](const ProgrammeModel& model) {
      return history.read([&](const History& h) {
        return encode_snapshot({events, "last"}, snapshot_fingerprint(kDefaults), model, h);
      });
    });
  }
};

class FoldScanTest : public StoreTest {
 protected:
  void fill() {
    const auto ok = [](const Result<AppendResult>& r) { ASSERT_TRUE(r.ok()) << r.error().message; };
    ok(append("programme", {at("ProgrammeCapacitySet",
                               R"({"places":400,"lvvPlaces":300,"maxStayMonths":12})", 0)}));
    // An escape in the name: not flat.
    ok(append("location-loc-1",
              {at("LocationOpened",
                  R"({"name":"Caf\u00e9 \"De Poort\"","operator":"org-a","beds":10})", 0)}));
    ok(append("case-c-1",
              {at("CaseRegistered", R"({"person":{"name":"A","languages":["nl"]}})", 1),
               at("IntakeCompleted", R"({"eligible":true})", 2),
               at("PlacementDecided", R"({"decision":"admitted","funding":"lvv"})", 3),
               at("BedAssigned", R"({"locationId":"loc-1"})", 4),
               // UTF-8 without escapes: flat.
               at("ParticipationRecorded",
                  "{\"activity\":\"Taalcaf\xc3\xa9\",\"organisation\":\"org-a\",\"hours\":2}", 5),
               // A fraction: not flat.
               at("ParticipationRecorded",
                  R"({"activity":"Sport","organisation":"org-a","hours":1.5})", 6),
               at("StayEnded", R"({"outcome":"independent_return"})", 40)}));
    // Schema version 0 (a pilot import): upcast before it is read.
    ok(append("case-c-2",
              {at("CaseRegistered", R"({"name":"X","birthDate":"1980-01-01"})", 7, 0),
               at("IntakeCompleted", R"({"eligible":true})", 8),
               at("PlacementDecided", R"({"decision":"admitted","funding":"municipal"})", 9),
               at("BedAssigned", R"({"locationId":"loc-1"})", 10),
               at("StayEnded", R"({"reason":"returned"})", 50, 0)}));
  }

  // As before the text reader: every envelope's data as a JSON object, upcast, parsed.
  void fold_objects(Folded& f) {
    store_->close();
    auto store = ReadOnlyStore::open(dir_.sub("db"));
    ASSERT_TRUE(store.ok());
    std::vector<ParsedEnvelope> parsed;
    ASSERT_TRUE(scan_store_pages(**store, 0, upcast_envelope, [&](std::span<Envelope> page) {
                  parse_page(page, parsed);
                  f.history.apply_parsed(page, parsed);
                  f.case_files.apply_parsed(page, parsed);
                  f.events += page.size();
                }).ok());
  }

  void fold_text(Folded& f, std::uint64_t after = 0) {
    store_->close();
    auto store = ReadOnlyStore::open(dir_.sub("db"));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        scan_for_folds(**store, after,
                       [&](std::span<const Envelope> page, std::span<const ParsedEnvelope> parsed) {
                         ASSERT_EQ(page.size(), parsed.size());
                         for (const auto& e : page) {
                           // ... without the fields folds do not read
                           if (e.data.empty() && !e.data_text.empty() && e.event_id.empty() &&
                               e.actor.subject.empty())
                             ++f.from_text;
                         }
                         f.history.apply_parsed(page, parsed);
                         f.case_files.apply_parsed(page, parsed);
                         f.events += page.size();
                       })
            .ok());
  }
};

TEST_F(FoldScanTest, FoldsToTheSameReadModelsAsTheObjects) {
  fill();
  Folded objects;
  fold_objects(objects);
  Folded text;
  fold_text(text);
  EXPECT_EQ(objects.events, 14U);
  EXPECT_EQ(text.events, 14U);
  // 14 events: the location's (an escape), c-1's registration (nested), the fraction and
  // c-2's two version 0 events go through the object; the other 9 are read from their text.
  EXPECT_EQ(text.from_text, 9U);
  EXPECT_EQ(text.snapshot(), objects.snapshot());

  // What the folds made of it: the upcast outcome, the UTF-8 activity, both stays.
  const auto figures = text.case_files.figures(0);
  EXPECT_EQ(figures.programme.places, 400);
  const auto c2 = text.case_files.get("c-2");
  ASSERT_TRUE(c2.has_value());
  EXPECT_EQ(c2->state.status, CaseStatus::ended);
  ASSERT_TRUE(c2->state.outcome.has_value());
  EXPECT_EQ(*c2->state.outcome, Outcome::independent_return);
}

// The server's projector reads the log decoded for folds (read_all_for_folds) when every
// projection folds typed events, at start and after each commit: the same read models.
TEST_F(FoldScanTest, TheProjectorFoldsTheSameFromTheLogDecodedForFolds) {
  fill();
  const auto for_folds = store_->read_all_for_folds(0, 100);
  ASSERT_TRUE(for_folds.ok());
  ASSERT_EQ(for_folds->size(), 14U);
  std::size_t as_text = 0;
  for (const auto& e : *for_folds) {
    as_text += e.data.empty() && !e.data_text.empty() && e.event_id.empty() ? 1 : 0;
  }
  EXPECT_EQ(as_text, 14U);  // every record: whether its data is flat is the fold's to find
  const auto whole = store_->read_all(0, 100);
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(std::all_of(whole->begin(), whole->end(), [](const Envelope& e) {
    return e.data_text.empty() && !e.event_id.empty();
  }));

  Folded projected;
  {
    Projector projector{*store_};
    projector.add(projected.case_files);
    projector.add(projected.history);
    ASSERT_TRUE(projector.start(0).ok());
    EXPECT_EQ(projector.position(), 14U);
    // After a commit, as on the append path.
    ASSERT_TRUE(append("case-c-3",
                       {at("CaseRegistered", R"({})", 60),
                        at("IntakeCompleted", "{\"eligible\":false,\"note\":\"caf\xc3\xa9\"}", 61)})
                    .ok());
    EXPECT_EQ(projector.position(), 16U);
  }
  projected.events = 16;
  Folded objects;
  fold_objects(objects);
  EXPECT_EQ(objects.events, 16U);
  EXPECT_EQ(projected.snapshot(), objects.snapshot());
  EXPECT_TRUE(projected.case_files.get("c-3").has_value());
}

TEST_F(FoldScanTest, StartsAfterAPosition) {
  fill();
  Folded text;
  fold_text(text, 10);
  EXPECT_EQ(text.events, 4U);
}

}  // namespace
}  // namespace perspectief::testing
