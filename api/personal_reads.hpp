#pragma once

#include <boost/json/array.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "eventstore/access_log.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/sealer.hpp"

namespace perspectief::api {

// The reads of personal data every handler that shows it shares: opening the sealed fields,
// and recording in the access log who read which case.
class PersonalReads {
 public:
  PersonalReads(privacy::Sealer& sealer, privacy::AccessLog& access_log, const Clock& clock)
      : sealer_(sealer), access_log_(access_log), clock_(clock) {}

  // The envelopes as JSON with their personal fields opened (for roles that may see them).
  Result<boost::json::array> opened_json(std::vector<Envelope>& events) const;

  // Records a read of personal data of each case among `case_ids`.
  Status record(const Actor& actor, const std::vector<std::string>& case_ids,
                std::string_view what);
  // The same in two steps, for a thread that must not write itself: the access log's
  // entries for it (now), and their write (AccessLog::write) on another thread.
  std::vector<SideEntry> entries(const Actor& actor, const std::vector<std::string>& case_ids,
                                 std::string_view what);
  // The access log's record of one webhook batch (AccessLog::delivery), now.
  SideEntry delivery(const Actor& actor, std::uint64_t log_id, std::uint64_t to,
                     std::span<const std::uint64_t> opened, std::string_view what);
  Status write(std::span<const SideEntry> entries) { return access_log_.write(entries); }

  privacy::Sealer& sealer() const { return sealer_; }

 private:
  privacy::Sealer& sealer_;
  privacy::AccessLog& access_log_;
  const Clock& clock_;
};

}  // namespace perspectief::api
