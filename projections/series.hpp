#pragma once

#include <boost/json/object.hpp>

#include "projections/history_view.hpp"

namespace perspectief {

// GET /v1/series (spec/evaluation.md, "Trends"): per calendar month from `first_month` (a
// day of it) for `months` months, as the read models count them for each month (its first to
// last day, as of its last second): active and housed cases at its end, inflow (first
// BedAssigned in it), outflow (StayEnded in it) by outcome class with the median stay days of
// those stays (as GET /v1/outcomes counts them: never housed counts 0; null without any),
// cases registered and admitted (admitted placement decisions) in it.
boost::json::object series_json(const HistoryView& h, Days first_month, int months);

}  // namespace perspectief
