#include <algorithm>
#include <cmath>
#include <map>

#include "projections/read_models.hpp"

namespace perspectief {
namespace {

// The moment a bed night is counted: the end of day D.
Micros night_of(Days d) {
  return (d + 1) * kMicrosPerDay - 1;
}

double rate(std::int64_t used, std::int64_t capacity) {
  if (capacity <= 0) return 0.0;
  return std::round(static_cast<double>(used) / static_cast<double>(capacity) * 10000.0) / 10000.0;
}

// Days D in [from, to] with start <= night_of(D) < end.
std::int64_t nights(Micros start, Micros end, Days from, Days to) {
  const Days first = std::max(from, day_of(start));
  // night_of(D) < end  <=>  (D + 1) * day <= end  <=>  D <= day_of(end) - 1
  const Days last = end == kNever ? to : std::min(to, day_of(end) - 1);
  return last >= first ? last - first + 1 : 0;
}

}  // namespace

boost::json::object utilisation_json(const HistoryView& h, Days from, Days to, Micros as_of) {
  std::map<std::uint32_t, std::int64_t> used;
  for (const auto& [id, facts] : h.cases()) {
    std::uint32_t location = 0;
    Micros since = 0;
    const auto close = [&](Micros until) {
      if (location != 0) used[location] += nights(since, until, from, to);
    };
    for (const Fact& f : facts.facts) {
      if (f.at > as_of) break;
      if (f.kind == Fact::Kind::bed || f.kind == Fact::Kind::transfer) {
        close(f.at);
        location = f.ref;
        since = f.at;
      } else if (f.kind == Fact::Kind::ended) {
        close(f.at);
        location = 0;
      }
    }
    close(kNever);
  }
  boost::json::array locations;
  std::int64_t total_used = 0;
  std::int64_t total_capacity = 0;
  for (const auto& [id, l] : h.locations()) {
    std::int64_t capacity = 0;
    for (Days d = from; d <= to; ++d) {
      // What was known at as_of: later openings, closings and bed changes do not count yet.
      const Micros t = std::min(night_of(d), as_of);
      if (l.open_at(t)) capacity += l.beds_at(t);
    }
    const auto it = used.find(h.location_ref(id));
    const std::int64_t bed_nights = it == used.end() ? 0 : it->second;
    if (!l.exists() || l.opened > as_of ||
        (capacity == 0 && bed_nights == 0 && l.opened > night_of(to))) {
      continue;
    }
    total_used += bed_nights;
    total_capacity += capacity;
    locations.push_back({{"locationId", id},
                         {"bedNights", bed_nights},
                         {"capacityNights", capacity},
                         {"rate", rate(bed_nights, capacity)}});
  }
  return {{"from", format_date(from)},
          {"to", format_date(to)},
          {"programme",
           {{"bedNights", total_used},
            {"capacityNights", total_capacity},
            {"rate", rate(total_used, total_capacity)}}},
          {"locations", std::move(locations)}};
}

}  // namespace perspectief
