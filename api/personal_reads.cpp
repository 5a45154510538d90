#include "api/personal_reads.hpp"

namespace perspectief::api {

Result<boost::json::array> PersonalReads::opened_json(std::vector<Envelope>& events) const {
  boost::json::array arr;
  arr.reserve(events.size());
  for (auto& e : events) {
    auto opened = sealer_.open(e);
    if (!opened) return opened.take_error();
    arr.push_back(to_json(e));
  }
  return arr;
}

Status PersonalReads::record(const Actor& actor, const std::vector<std::string>& case_ids,
                             std::string_view what) {
  return write(entries(actor, case_ids, what));
}

std::vector<SideEntry> PersonalReads::entries(const Actor& actor,
                                              const std::vector<std::string>& case_ids,
                                              std::string_view what) {
  return access_log_.entries(actor, case_ids, clock_.now(), what);
}

SideEntry PersonalReads::delivery(const Actor& actor, std::uint64_t log_id, std::uint64_t to,
                                  std::span<const std::uint64_t> opened, std::string_view what) {
  return access_log_.delivery(actor, log_id, to, opened, clock_.now(), what);
}

}  // namespace perspectief::api
