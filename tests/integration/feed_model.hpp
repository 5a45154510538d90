#pragma once

// The visibility rules of the scoped feed (spec/integrations.md, "Scoped feed"), as a test
// computes them from the append replies: which readers may see each appended event, decided
// when it is appended. The readers are role names, and for housing one name per organisation.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perspectief::testing {

// A string member of an object (empty if it has none).
inline std::string text(const boost::json::value& v, std::string_view key) {
  const auto* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string{f->as_string()} : std::string{};
}

// The position of an event as a read returns it.
inline std::uint64_t position_of(const boost::json::value& e) {
  return e.at("position").to_number<std::uint64_t>();
}

// The stream kind of a stream name, as the `categories` filter names it.
inline std::string category_of(const std::string& stream) {
  for (const char* kind : {"case", "location", "activity"}) {
    if (stream.starts_with(std::string{kind} + "-")) return kind;
  }
  return "programme";
}

// One appended event and the readers that may see it, decided when it was appended.
struct Recorded {
  std::string event_id;
  std::string stream;
  std::string category;
  std::string type;
  std::set<std::string> readers;
};

// A case's state as far as housing's visibility asks: its status and its location.
struct CaseState {
  std::string status = "none";
  std::string location;
};

// The visibility rules of the contract, applied to each appended envelope in position order.
class FeedModel {
 public:
  // `housing_readers`: the reader of each housing organisation, by organisation id.
  explicit FeedModel(std::map<std::string, std::string> housing_readers)
      : housing_readers_(std::move(housing_readers)) {}

  // Records an envelope as the append reply returned it; in position order.
  void record(const boost::json::object& e) {
    Recorded r{text(e, "eventId"), text(e, "stream"), "", text(e, "type"), {}};
    r.category = category_of(r.stream);
    r.readers = readers_of(r, e.at("data").as_object());
    events_[position_of(e)] = std::move(r);
  }

  // The positions `reader` may see, narrowed to the categories and types given (empty: any).
  std::vector<std::uint64_t> visible_to(const std::string& reader,
                                        const std::set<std::string>& categories = {},
                                        const std::set<std::string>& types = {}) const {
    std::vector<std::uint64_t> out;
    for (const auto& [position, r] : events_) {
      if (!r.readers.contains(reader)) continue;
      if (!categories.empty() && !categories.contains(r.category)) continue;
      if (!types.empty() && !types.contains(r.type)) continue;
      out.push_back(position);
    }
    return out;
  }

  std::uint64_t last() const { return events_.empty() ? 0 : events_.rbegin()->first; }
  const std::map<std::uint64_t, Recorded>& events() const { return events_; }

 private:
  std::set<std::string> readers_of(const Recorded& r, const boost::json::object& data) {
    if (r.category == "programme") {
      std::set<std::string> out{"intake",        "legal", "return",
                                "participation", "regie", "researcher"};
      for (const auto& [org, reader] : housing_readers_) out.insert(reader);
      return out;
    }
    if (r.category == "activity") return {"participation", "regie", "researcher"};
    if (r.category == "location") return location_readers(r, data);
    return case_readers(r, data);
  }

  std::set<std::string> location_readers(const Recorded& r, const boost::json::object& data) {
    const std::string id = r.stream.substr(std::string{"location-"}.size());
    if (r.type == "LocationOpened") operator_of_[id] = text(data, "operator");
    std::set<std::string> out{"intake", "regie", "researcher"};
    if (const auto* h = housing_of(id)) out.insert(*h);
    return out;
  }

  std::set<std::string> case_readers(const Recorded& r, const boost::json::object& data) {
    CaseState& state = cases_[r.stream];
    const CaseState before = state;
    evolve(state, r.type, data);
    std::set<std::string> out{"intake", "legal", "return", "participation", "regie", "researcher"};
    for (const auto& [org, reader] : housing_readers_) {
      if (housing_sees(org, before, state, r.type)) out.insert(reader);
    }
    return out;
  }

  // Just after the event the case waits for a bed, or is housed in one of `org`'s locations,
  // or the event moved it out of one of them.
  bool housing_sees(const std::string& org, const CaseState& before, const CaseState& after,
                    const std::string& type) const {
    const auto runs = [&](const CaseState& s) {
      return s.status == "housed" && operator_of_.at(s.location) == org;
    };
    if (after.status == "admitted" || runs(after)) return true;
    return runs(before) && (type == "Transferred" || type == "StayEnded");
  }

  static void evolve(CaseState& s, const std::string& type, const boost::json::object& data) {
    if (type == "CaseRegistered") s.status = "registered";
    if (type == "IntakeCompleted") s.status = "intake_completed";
    if (type == "PlacementDecided") s.status = text(data, "decision");
    if (type == "BedAssigned") s = {"housed", text(data, "locationId")};
    if (type == "Transferred") s.location = text(data, "toLocationId");
    if (type == "StayEnded") s = {"ended", ""};
  }

  const std::string* housing_of(const std::string& location) const {
    const auto op = operator_of_.find(location);
    if (op == operator_of_.end()) return nullptr;
    const auto reader = housing_readers_.find(op->second);
    return reader == housing_readers_.end() ? nullptr : &reader->second;
  }

  std::map<std::string, std::string> housing_readers_;  // organisation -> reader
  std::map<std::uint64_t, Recorded> events_;
  std::map<std::string, CaseState> cases_;          // by stream name
  std::map<std::string, std::string> operator_of_;  // location id -> organisation
};

}  // namespace perspectief::testing
