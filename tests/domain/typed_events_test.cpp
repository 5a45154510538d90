#include "domain/events.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <deque>
#include <set>
#include <string>
#include <vector>

#include "domain/event_catalogue.hpp"

// The typed events (domain/events.hpp) against the catalogue, the source of the field names,
// kinds and enumerations: each catalogue type is one typed event of its stream kind, each
// parser reads exactly the type's non-personal fields, and every enumeration value parses
// while any other text is refused.

namespace perspectief {
namespace {

boost::json::value example_of(const FieldSpec& f) {
  switch (f.kind) {
    case FieldKind::text:
    case FieldKind::free_text:
      return "some text";
    case FieldKind::identifier:
      return "id-1";
    case FieldKind::integer:
      return f.min;
    case FieldKind::decimal:
      return 1.25;
    case FieldKind::boolean:
      return true;
    case FieldKind::enumeration:
      return boost::json::string{f.values.front()};
    case FieldKind::date:
      return "2024-02-29";
    case FieldKind::year_month:
      return "2024-03";
    case FieldKind::timestamp:
      return "2024-03-01T10:00:00Z";
    case FieldKind::text_list:
      return boost::json::array{"a"};
    case FieldKind::person:
      return boost::json::object{{"name", "A"}};
  }
  return nullptr;
}

// Every field of the type with a valid value.
boost::json::object example_of(const EventSpec& spec) {
  boost::json::object data;
  for (const auto& f : spec.fields) data[f.name] = example_of(f);
  if (spec.type == "PlacementDecided") data["funding"] = "lvv";
  return data;
}

// Whether `data` parses as an event of `type` in the variant of stream kind `kind`.
bool parses_as(StreamKind kind, std::string_view type, const boost::json::object& data) {
  switch (kind) {
    case StreamKind::programme:
      return parse_event<ProgrammeEvent>(type, data).has_value();
    case StreamKind::location:
      return parse_event<LocationEvent>(type, data).has_value();
    case StreamKind::activity:
      return parse_event<ActivityEvent>(type, data).has_value();
    case StreamKind::case_file:
      return parse_event<CaseEvent>(type, data).has_value();
  }
  return false;
}

constexpr StreamKind kKinds[] = {StreamKind::programme, StreamKind::location, StreamKind::activity,
                                 StreamKind::case_file};

TEST(TypedEvents, EachCatalogueTypeIsOneTypedEventOfItsStreamKind) {
  std::set<std::string_view> typed;
  for_each_event_type([&](auto tag) { typed.insert(decltype(tag)::type::kType); });
  std::set<std::string_view> catalogued;
  for (const auto& spec : event_catalogue()) catalogued.insert(spec.type);
  EXPECT_EQ(typed, catalogued);
  EXPECT_EQ(typed.size(), 25U);

  for (const auto& spec : event_catalogue()) {
    SCOPED_TRACE(std::string{spec.type});
    const auto data = example_of(spec);
    ASSERT_TRUE(validate_event_data(spec, data).empty()) << "the example itself is valid";
    for (const auto kind : kKinds) EXPECT_EQ(parses_as(kind, spec.type, data), kind == spec.stream);
  }
}

TEST(TypedEvents, EachParserReadsExactlyTheNonPersonalFieldsInCatalogueOrder) {
  for (const auto& spec : event_catalogue()) {
    SCOPED_TRACE(std::string{spec.type});
    std::vector<std::string_view> expected;
    for (const auto& f : spec.fields) {
      if (!f.personal) expected.push_back(f.name);
    }
    EXPECT_EQ(fields_read(spec.type), expected);
  }
  EXPECT_TRUE(fields_read("NoSuchEvent").empty());
}

TEST(TypedEvents, EveryEnumerationValueParsesAndNoOtherText) {
  int values = 0;
  for (const auto& spec : event_catalogue()) {
    for (const auto& f : spec.fields) {
      if (f.kind != FieldKind::enumeration) continue;
      SCOPED_TRACE(std::string{spec.type} + "." + std::string{f.name});
      auto data = example_of(spec);
      for (const auto value : f.values) {
        data[f.name] = value;
        EXPECT_TRUE(parses_as(spec.stream, spec.type, data)) << value;
        ++values;
      }
      for (const char* other : {"unknown", "", "Warning", "other "}) {
        data[f.name] = other;
        EXPECT_FALSE(parses_as(spec.stream, spec.type, data)) << other;
      }
    }
  }
  EXPECT_EQ(values, 5 + 7 + 4 + 2 + 9 + 4 + 4 + 5 + 4 + 3 + 2 + 12);
}

TEST(TypedEvents, DataThatDoesNotHoldItsKindIsNotParsedInsteadOfDefaulted) {
  const auto parse = [](std::string_view type, std::string_view json) {
    return parse_event<CaseEvent>(type, boost::json::parse(json).as_object());
  };
  EXPECT_FALSE(parse("BedAssigned", R"({})"));
  EXPECT_FALSE(parse("BedAssigned", R"({"locationId":7})"));
  EXPECT_FALSE(parse("StayExtended", R"({"until":"2024-02-30","reason":"r"})"));
  EXPECT_FALSE(parse("LivingAllowancePaid", R"({"amountCents":1,"period":"2024-13"})"));
  EXPECT_FALSE(parse("IntakeCompleted", R"({"eligible":"yes"})"));
  EXPECT_FALSE(parse("PlacementDecided", R"({"decision":"admitted","funding":"both"})"));
  // Absent optional fields take their documented empty values.
  EXPECT_TRUE(parse("PlacementDecided", R"({"decision":"rejected"})"));
  EXPECT_TRUE(parse("PlacementDecided", R"({"decision":"rejected","funding":null})"));
}

// The members of a flat object as the stored-text reader gives them (eventstore/
// json_fast_path.hpp): members it cannot hold (numbers with a fraction, arrays, objects)
// are left out of both.
std::vector<FlatField> flat_of(boost::json::object& data) {
  std::vector<FlatField> out;
  for (auto it = data.begin(); it != data.end();) {
    FlatField f;
    f.key = it->key();
    const auto& v = it->value();
    if (v.is_string()) {
      f.kind = FlatField::Kind::text;
      f.text = v.get_string();
    } else if (v.is_int64()) {
      f.kind = FlatField::Kind::integer;
      f.integer = v.get_int64();
    } else if (v.is_bool()) {
      f.kind = FlatField::Kind::boolean;
      f.flag = v.get_bool();
    } else if (!v.is_null()) {
      it = data.erase(it);
      continue;
    }
    out.push_back(f);
    ++it;
  }
  return out;
}

template <class Variant>
void expect_same_from_flat(std::string_view type, boost::json::object data) {
  const auto flat = flat_of(data);
  const auto from_object = parse_event<Variant>(type, data);
  const auto from_flat = parse_event<Variant>(type, FlatFields{flat});
  EXPECT_EQ(from_object.has_value(), from_flat.has_value()) << boost::json::serialize(data);
  EXPECT_TRUE(from_object == from_flat) << boost::json::serialize(data);
}

void expect_same_from_flat(StreamKind kind, std::string_view type,
                           const boost::json::object& data) {
  switch (kind) {
    case StreamKind::programme:
      return expect_same_from_flat<ProgrammeEvent>(type, data);
    case StreamKind::location:
      return expect_same_from_flat<LocationEvent>(type, data);
    case StreamKind::activity:
      return expect_same_from_flat<ActivityEvent>(type, data);
    case StreamKind::case_file:
      return expect_same_from_flat<CaseEvent>(type, data);
  }
}

// The stored-text reader gives every type the same event as its JSON object does, in every
// stream kind: with every field, with each field null, with each of a wrong kind.
TEST(TypedEvents, FlatFieldsGiveTheSameEventAsTheObject) {
  int parsed = 0;
  for (const auto& spec : event_catalogue()) {
    SCOPED_TRACE(std::string{spec.type});
    auto data = example_of(spec);
    for (auto& [key, value] : data) {
      if (value.is_double()) value = 2;  // a decimal as an integer: the flat reader holds it
    }
    for (const auto kind : kKinds) expect_same_from_flat(kind, spec.type, data);
    auto flat = data;
    parsed += parse_event<CaseEvent>(spec.type, FlatFields{flat_of(flat)}).has_value() ? 1 : 0;
    for (const auto& f : spec.fields) {
      for (const boost::json::value& odd : {boost::json::value(nullptr), boost::json::value(7),
                                            boost::json::value("7"), boost::json::value(false)}) {
        auto changed = data;
        changed[f.name] = odd;
        expect_same_from_flat(spec.stream, spec.type, changed);
      }
    }
  }
  EXPECT_EQ(parsed, 17);  // the case events parse from their flat members
}

TEST(TypedEvents, CarryTheValuesOfTheirData) {
  // A typed event's text fields are views into its data: the data outlives the events.
  std::deque<boost::json::value> data;
  const auto parse = [&data](std::string_view type, std::string_view json) {
    return parse_event<CaseEvent>(type, data.emplace_back(boost::json::parse(json)).as_object())
        .value();
  };
  const auto bed = std::get<BedAssigned>(parse("BedAssigned", R"({"locationId":"loc-1"})"));
  EXPECT_EQ(bed.location_id, "loc-1");
  const auto paid = std::get<LivingAllowancePaid>(
      parse("LivingAllowancePaid", R"({"amountCents":5000,"period":"2024-03"})"));
  EXPECT_EQ(paid.amount_cents, 5000);
  EXPECT_EQ(paid.period, 2024 * 12 + 2);
  const auto placed = std::get<PlacementDecided>(
      parse("PlacementDecided", R"({"decision":"admitted","funding":"municipal"})"));
  EXPECT_EQ(placed.decision, Decision::admitted);
  EXPECT_EQ(placed.funding, Funding::municipal);
  const auto extended =
      std::get<StayExtended>(parse("StayExtended", R"({"until":"2024-02-29","reason":"r"})"));
  EXPECT_EQ(extended.until, parse_date("2024-02-29").value());
  const auto ended = std::get<StayEnded>(parse("StayEnded", R"({"outcome":"detention"})"));
  EXPECT_EQ(ended.outcome, Outcome::detention);
  EXPECT_EQ(ended.destination_country, "");
  const auto raised = std::get<EscalationRaised>(parse(
      "EscalationRaised", R"({"escalationId":"e1","reason":"behaviour","level":"final_warning"})"));
  EXPECT_EQ(raised.escalation_id, "e1");
  EXPECT_EQ(raised.reason, EscalationReason::behaviour);
  EXPECT_EQ(raised.level, EscalationLevel::final_warning);
  EXPECT_EQ(type_of(CaseEvent{raised}), "EscalationRaised");
}

TEST(Enumerations, NamesRoundTripAndOutcomesHaveTheirClass) {
  for (const auto name : enum_names<Outcome>()) {
    const auto o = parse_enum<Outcome>(name);
    ASSERT_TRUE(o) << name;
    EXPECT_EQ(to_string(*o), name);
  }
  EXPECT_EQ(parse_enum<Track>("return"), Track::return_track);
  EXPECT_EQ(parse_enum<Track>("return_track"), std::nullopt);
  EXPECT_EQ(outcome_class(Outcome::onward_migration), OutcomeClass::durable);
  EXPECT_EQ(outcome_class(Outcome::medical_postponement), OutcomeClass::semi_durable);
  EXPECT_EQ(outcome_class(Outcome::removed_non_cooperation), OutcomeClass::no_solution);
  EXPECT_EQ(outcome_class(Outcome::transferred_other_shelter), OutcomeClass::other);
  EXPECT_EQ(enum_from_code<Decision>(4), std::nullopt);
  EXPECT_EQ(enum_from_code<Decision>(3), Decision::waitlisted);
}

}  // namespace
}  // namespace perspectief
