#pragma once

#include <boost/json/object.hpp>

#include "projections/history_view.hpp"

namespace perspectief {

// GET /v1/reports/monthly (spec/evaluation.md, "Monthly report"): the month's figures in one
// document without case ids, as the read models give them for the month (its first to last
// day, as of its last second): occupancy and stay-duration alerts and open escalations by
// level at its end, utilisation, outcomes, intake funnel, perspective and participation over
// it, the active cases at its start and end, the inflow (first BedAssigned in the month) and
// the outflow (StayEnded in the month). `year`/`month`: the calendar month (1-12).
boost::json::object monthly_report_json(const HistoryView& h, int year, int month);

}  // namespace perspectief
