#pragma once

// The fixture of the read-model tests: a History fed with hand-made envelopes, and JSON
// comparison that says what differs.

#include <gtest/gtest.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/role.hpp"
#include "domain/time.hpp"
#include "eventstore/envelope.hpp"
#include "projections/history.hpp"
#include "projections/read_models.hpp"

namespace perspectief::testing_read_models {

inline Micros at(std::string_view rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

inline Days date(std::string_view yyyy_mm_dd) {
  const auto d = parse_date(yyyy_mm_dd);
  EXPECT_TRUE(d.has_value()) << yyyy_mm_dd;
  return d.value_or(0);
}

// JSON equality as JSON means it: numbers by value (3 == 3.0; doubles within a relative 1e-9, so
// a parsed "0.6667" equals a computed round(x * 1e4) / 1e4 whatever the parser's last bit),
// objects by their key set, arrays in order.
inline bool json_equal(const boost::json::value& a, const boost::json::value& e,
                       const std::string& path, std::string& why) {
  const auto is_number = [](const boost::json::value& v) {
    return v.is_int64() || v.is_uint64() || v.is_double();
  };
  if (is_number(a) && is_number(e)) {
    if (!a.is_double() && !e.is_double()) {
      const auto as_int = [](const boost::json::value& v) {
        return v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(v.get_uint64());
      };
      if (as_int(a) == as_int(e)) return true;
    } else {
      const auto as_double = [](const boost::json::value& v) {
        return v.is_double()  ? v.get_double()
               : v.is_int64() ? static_cast<double>(v.get_int64())
                              : static_cast<double>(v.get_uint64());
      };
      const double x = as_double(a);
      const double y = as_double(e);
      if (std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(y))) return true;
    }
    why = path + ": " + boost::json::serialize(a) + " != expected " + boost::json::serialize(e);
    return false;
  }
  if (a.kind() != e.kind() && !(a.is_string() && e.is_string())) {
    why = path + ": " + boost::json::serialize(a) + " != expected " + boost::json::serialize(e);
    return false;
  }
  if (e.is_object()) {
    const auto& ao = a.as_object();
    const auto& eo = e.as_object();
    for (const auto& kv : eo) {
      if (!ao.contains(kv.key())) {
        why = path + ": missing key \"" + std::string(kv.key()) + "\"";
        return false;
      }
    }
    for (const auto& kv : ao) {
      if (!eo.contains(kv.key())) {
        why = path + ": unexpected key \"" + std::string(kv.key()) + "\"";
        return false;
      }
    }
    for (const auto& kv : eo) {
      if (!json_equal(ao.at(kv.key()), kv.value(), path + "." + std::string(kv.key()), why))
        return false;
    }
    return true;
  }
  if (e.is_array()) {
    const auto& aa = a.as_array();
    const auto& ea = e.as_array();
    if (aa.size() != ea.size()) {
      why = path + ": " + std::to_string(aa.size()) + " elements, expected " +
            std::to_string(ea.size());
      return false;
    }
    for (std::size_t i = 0; i < ea.size(); ++i) {
      if (!json_equal(aa[i], ea[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (a == e) return true;
  why = path + ": " + boost::json::serialize(a) + " != expected " + boost::json::serialize(e);
  return false;
}

inline ::testing::AssertionResult JsonIs(const boost::json::value& actual,
                                         std::string_view expected_text) {
  const boost::json::value expected = boost::json::parse(expected_text);
  std::string why;
  if (json_equal(actual, expected, "$", why)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why << "\n  actual:   " << boost::json::serialize(actual)
                                       << "\n  expected: " << boost::json::serialize(expected);
}

// The same array with its elements in a canonical order: for lists whose order the spec leaves
// open (caseload, escalations).
inline boost::json::array unordered(const boost::json::value& v) {
  boost::json::array a = v.as_array();
  std::sort(a.begin(), a.end(), [](const boost::json::value& x, const boost::json::value& y) {
    return boost::json::serialize(x) < boost::json::serialize(y);
  });
  return a;
}

// Only the named members of `o` (those the spec's shape lists; additions are allowed by api.md).
inline boost::json::object pick(const boost::json::object& o,
                                std::initializer_list<std::string_view> keys) {
  boost::json::object out;
  for (const auto k : keys) {
    if (const auto* v = o.if_contains(k)) out[k] = *v;
  }
  return out;
}

inline std::vector<std::string> keys_of(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& kv : v.as_object()) out.emplace_back(kv.key());
  return out;
}

// A History (defaults 500 places, 360 lvv, 18 months) and a log writer: positions from 1, stream
// versions from 1, occurredAt from RFC 3339 text, data from JSON text.
class ReadModelsTest : public ::testing::Test {
 protected:
  History h{500, 360, 18};

  void add(const std::string& stream, const std::string& type, std::string_view occurred,
           std::string_view data = "{}") {
    Envelope e;
    e.position = ++position_;
    e.stream = stream;
    e.version = ++versions_[stream];
    e.event_id = "ev-" + std::to_string(e.position);
    e.type = type;
    e.occurred_at = at(occurred);
    e.recorded_at = e.occurred_at;
    e.actor = Actor{"tester", "regiegroep", Role::regie};
    e.data = boost::json::parse(data).as_object();
    h.apply(e);
  }

  // Programme and locations.
  void programme_capacity(int places, int lvv, int months, std::string_view when) {
    add("programme", "ProgrammeCapacitySet", when,
        R"({"places":)" + std::to_string(places) + R"(,"lvvPlaces":)" + std::to_string(lvv) +
            R"(,"maxStayMonths":)" + std::to_string(months) + "}");
  }
  void open_location(const std::string& id, const std::string& name, const std::string& op,
                     int beds, std::string_view when) {
    add("location-" + id, "LocationOpened", when,
        R"({"name":")" + name + R"(","operator":")" + op + R"(","beds":)" + std::to_string(beds) +
            "}");
  }
  void capacity_changed(const std::string& id, int beds, std::string_view when) {
    add("location-" + id, "LocationCapacityChanged", when,
        R"({"beds":)" + std::to_string(beds) + "}");
  }
  void close_location(const std::string& id, std::string_view when) {
    add("location-" + id, "LocationClosed", when);
  }

  // Cases.
  void registered(const std::string& c, std::string_view when) {
    add("case-" + c, "CaseRegistered", when, R"({"person":{"name":"P"}})");
  }
  // A return: a new case naming the person's earlier case.
  void returned(const std::string& c, const std::string& previous, std::string_view when) {
    add("case-" + c, "CaseRegistered", when,
        R"({"person":{"name":"P"},"previousCaseId":")" + previous + R"("})");
  }
  void exit_interview(const std::string& c, std::string_view when) {
    add("case-" + c, "ExitInterviewHeld", when, R"({"declined":false})");
  }
  void intake(const std::string& c, std::string_view when, bool eligible = true) {
    add("case-" + c, "IntakeCompleted", when,
        eligible ? R"({"eligible":true})" : R"({"eligible":false})");
  }
  void decided(const std::string& c, const std::string& decision, std::string_view when,
               const std::string& funding = "") {
    add("case-" + c, "PlacementDecided", when,
        R"({"decision":")" + decision + "\"" +
            (funding.empty() ? "" : R"(,"funding":")" + funding + "\"") + "}");
  }
  // Registered, eligible intake and admitted with `funding`, all at `when`: waiting for a bed.
  void admitted(const std::string& c, const std::string& funding, std::string_view when) {
    registered(c, when);
    intake(c, when);
    decided(c, "admitted", when, funding);
  }
  void bed(const std::string& c, const std::string& location, std::string_view when) {
    add("case-" + c, "BedAssigned", when, R"({"locationId":")" + location + R"("})");
  }
  void transferred(const std::string& c, const std::string& location, std::string_view when) {
    add("case-" + c, "Transferred", when, R"({"toLocationId":")" + location + R"("})");
  }
  void manager(const std::string& c, const std::string& name, const std::string& org,
               std::string_view when) {
    add("case-" + c, "CaseManagerAssigned", when,
        R"({"caseManager":")" + name + R"(","organisation":")" + org + R"("})");
  }
  void track(const std::string& c, const std::string& t, std::string_view when) {
    add("case-" + c, "PerspectiveChosen", when, R"({"track":")" + t + R"("})");
  }
  void extended(const std::string& c, const std::string& until, std::string_view when) {
    add("case-" + c, "StayExtended", when, R"({"until":")" + until + R"(","reason":"regie"})");
  }
  void raised(const std::string& c, const std::string& id, const std::string& reason,
              const std::string& level, std::string_view when) {
    add("case-" + c, "EscalationRaised", when,
        R"({"escalationId":")" + id + R"(","reason":")" + reason + R"(","level":")" + level +
            R"("})");
  }
  void resolved(const std::string& c, const std::string& id, const std::string& resolution,
                std::string_view when) {
    add("case-" + c, "EscalationResolved", when,
        R"({"escalationId":")" + id + R"(","resolution":")" + resolution + R"("})");
  }
  void ended(const std::string& c, const std::string& outcome, std::string_view when) {
    add("case-" + c, "StayEnded", when, R"({"outcome":")" + outcome + R"("})");
  }

  // The read models, under the History's shared lock.
  boost::json::value occupancy(std::string_view as_of) {
    return h.read(
        [&](const History& x) { return boost::json::value(occupancy_json(x, at(as_of))); });
  }
  boost::json::value utilisation(std::string_view from, std::string_view to) {
    return h.read([&](const History& x) {
      return boost::json::value(utilisation_json(x, date(from), date(to)));
    });
  }
  boost::json::value alerts(std::string_view as_of) {
    return h.read(
        [&](const History& x) { return boost::json::value(stay_alerts_json(x, at(as_of))); });
  }
  boost::json::value outcomes(std::string_view from, std::string_view to) {
    return h.read([&](const History& x) {
      return boost::json::value(outcomes_json(x, date(from), date(to)));
    });
  }
  boost::json::value caseload(std::string_view as_of) {
    return h.read(
        [&](const History& x) { return boost::json::value(caseload_json(x, at(as_of))); });
  }
  boost::json::value escalations(std::string_view as_of, EscalationStatus status) {
    return h.read([&](const History& x) {
      return boost::json::value(escalations_json(x, at(as_of), status));
    });
  }
  boost::json::value funnel(std::string_view from, std::string_view to) {
    return h.read([&](const History& x) {
      return boost::json::value(intake_funnel_json(x, date(from), date(to)));
    });
  }

 private:
  std::uint64_t position_ = 0;
  std::map<std::string, std::uint64_t> versions_;
};

}  // namespace perspectief::testing_read_models
