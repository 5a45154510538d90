#include "domain/upcasters.hpp"

#include <array>

#include "domain/event_catalogue.hpp"
#include "domain/events.hpp"

namespace perspectief {
namespace {

using Upcaster = void (*)(boost::json::object& data);

struct Entry {
  std::string_view type;
  int from_version;
  Upcaster fn;
};

// Version 0 of CaseRegistered (pilot data imports) held the person flat:
// {"name", "birthDate", "nationality"}; version 1 nests it under "person" and renames
// birthDate to dateOfBirth.
void case_registered_0_to_1(boost::json::object& data) {
  boost::json::object person;
  for (const char* key : {"name", "nationality", "gender", "languages", "vNumber"}) {
    if (auto* v = data.if_contains(key)) {
      person[key] = std::move(*v);
      data.erase(key);
    }
  }
  if (auto* v = data.if_contains("birthDate")) {
    person["dateOfBirth"] = std::move(*v);
    data.erase("birthDate");
  }
  data["person"] = std::move(person);
}

// Version 0 of StayEnded named the outcome "reason" and used "returned" for an independent
// return.
void stay_ended_0_to_1(boost::json::object& data) {
  if (auto* v = data.if_contains("reason")) {
    boost::json::value outcome = std::move(*v);
    data.erase("reason");
    if (outcome.is_string() && outcome.as_string() == "returned") outcome = "independent_return";
    data["outcome"] = std::move(outcome);
  }
}

constexpr std::array<Entry, 2> kUpcasters{{
    {CaseRegistered::kType, 0, &case_registered_0_to_1},
    {StayEnded::kType, 0, &stay_ended_0_to_1},
}};

}  // namespace

int upcast(std::string_view type, int schema_version, boost::json::object& data) {
  int version = schema_version;
  while (version < kCurrentSchemaVersion) {
    Upcaster fn = nullptr;
    for (const auto& e : kUpcasters) {
      if (e.type == type && e.from_version == version) fn = e.fn;
    }
    if (fn == nullptr) {
      // Types that did not change between versions need no upcaster.
      if (find_event_spec(type) == nullptr) return version;
    } else {
      fn(data);
    }
    ++version;
  }
  return version;
}

}  // namespace perspectief
