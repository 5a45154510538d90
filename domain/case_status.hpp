#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "domain/enumerations.hpp"

namespace perspectief {

// Where a case stands in its trajectory (spec/domain.md, "Case states and rules").
enum class CaseStatus {
  none,
  registered,
  intake_completed,
  admitted,
  rejected,
  referred,
  waitlisted,
  housed,
  ended
};

template <>
struct EnumNames<CaseStatus> {
  static constexpr std::array kNames =
      std::to_array<std::string_view>({"none", "registered", "intake_completed", "admitted",
                                       "rejected", "referred", "waitlisted", "housed", "ended"});
};
static_assert(to_string(CaseStatus::ended) == "ended" && enum_count<CaseStatus>() == 9);

// A status a client may filter on: any but none.
inline std::optional<CaseStatus> parse_case_status(std::string_view text) {
  const auto status = parse_enum<CaseStatus>(text);
  return status == CaseStatus::none ? std::nullopt : status;
}

}  // namespace perspectief
