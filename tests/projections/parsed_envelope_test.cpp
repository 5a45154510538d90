// An envelope parsed once for every fold (projections/parsed_envelope.hpp): the stream and the
// typed event of the stream's kind, or none.
#include "projections/parsed_envelope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "projections/case_table.hpp"

namespace perspectief {
namespace {

Envelope envelope(std::string stream, std::string type, boost::json::object data) {
  Envelope e;
  e.stream = std::move(stream);
  e.type = std::move(type);
  e.data = std::move(data);
  return e;
}

TEST(ParsedEnvelope, ACaseEventWithItsStreamAndHash) {
  const auto e = envelope("case-c-1", "BedAssigned", {{"locationId", "loc-7"}});
  const ParsedEnvelope p = parse_envelope(e);
  ASSERT_TRUE(p.stream.name.has_value());
  EXPECT_EQ(p.stream.name->kind, StreamKind::case_file);
  EXPECT_EQ(p.stream.name->id, "c-1");
  EXPECT_EQ(p.stream.case_hash, case_id_hash("c-1"));
  const auto* event = std::get_if<CaseEvent>(&p.event);
  ASSERT_NE(event, nullptr);
  const auto* bed = std::get_if<BedAssigned>(event);
  ASSERT_NE(bed, nullptr);
  EXPECT_EQ(bed->location_id, "loc-7");
}

TEST(ParsedEnvelope, ALocationEventWithoutACaseHash) {
  const auto e = envelope("location-l1", "LocationOpened",
                          {{"name", "De Poort"}, {"operator", "org-a"}, {"beds", 12}});
  const ParsedEnvelope p = parse_envelope(e);
  ASSERT_TRUE(p.stream.name.has_value());
  EXPECT_EQ(p.stream.name->kind, StreamKind::location);
  EXPECT_EQ(p.stream.case_hash, 0U);
  const auto* event = std::get_if<LocationEvent>(&p.event);
  ASSERT_NE(event, nullptr);
  const auto* opened = std::get_if<LocationOpened>(event);
  ASSERT_NE(opened, nullptr);
  EXPECT_EQ(opened->operator_id, "org-a");
  EXPECT_EQ(opened->beds, 12);
}

TEST(ParsedEnvelope, NoEventForDamagedDataAnotherKindsTypeOrAStrangeStream) {
  auto damaged = envelope("case-c-1", "BedAssigned", {{"locationId", "loc-7"}});
  damaged.data_damaged = true;
  const ParsedEnvelope d = parse_envelope(damaged);
  EXPECT_TRUE(d.stream.name.has_value());  // the version still counts: the stream is known
  EXPECT_TRUE(std::holds_alternative<std::monostate>(d.event));

  // A location's event in a case stream.
  const ParsedEnvelope other = parse_envelope(envelope("case-c-1", "LocationClosed", {}));
  EXPECT_TRUE(other.stream.name.has_value());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(other.event));

  // Data without the type's fields.
  const ParsedEnvelope missing = parse_envelope(envelope("case-c-1", "BedAssigned", {}));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(missing.event));

  const ParsedEnvelope strange =
      parse_envelope(envelope("case-not valid", "BedAssigned", {{"locationId", "loc-7"}}));
  EXPECT_FALSE(strange.stream.name.has_value());
  EXPECT_EQ(strange.stream.case_hash, 0U);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(strange.event));
}

TEST(ParsedEnvelope, APageInOrderReusingTheVector) {
  std::vector<Envelope> page;
  page.push_back(envelope("case-c-1", "BedAssigned", {{"locationId", "loc-7"}}));
  page.push_back(envelope("programme", "ProgrammeCapacitySet", {}));
  page.push_back(envelope("activity-a1", "ActivityCancelled", {}));
  std::vector<ParsedEnvelope> parsed(10);
  parse_page(page, parsed);
  ASSERT_EQ(parsed.size(), 3U);
  EXPECT_TRUE(std::holds_alternative<CaseEvent>(parsed[0].event));
  EXPECT_EQ(parsed[1].stream.name->kind, StreamKind::programme);
  EXPECT_EQ(parsed[2].stream.name->kind, StreamKind::activity);
  EXPECT_TRUE(std::holds_alternative<ActivityEvent>(parsed[2].event));
}

}  // namespace
}  // namespace perspectief
