#include "services/evaluation_csv.hpp"

#include <algorithm>
#include <filesystem>

#include "eventstore/atomic_file.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/scan.hpp"
#include "projections/evaluation_export.hpp"
#include "projections/start_up.hpp"

namespace perspectief {
namespace {

Error failure(std::string message, std::string internal = {}) {
  Error e = make_error(ErrorCode::invalid, std::move(message));
  e.internal = std::move(internal);
  return e;
}

}  // namespace

Result<EvaluationCsvSummary> write_evaluation_csv(const std::string& data_dir,
                                                  const privacy::Pseudonymiser& pseudonymiser,
                                                  Micros known_at, const std::string& to) {
  std::error_code ec;
  const std::filesystem::path dir{to};
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return failure(to + " is not empty: an export goes into a new or empty directory");
  }
  auto store = ReadOnlyStore::open(data_dir);
  if (!store) return failure("cannot open the store", store.error().internal);
  EvaluationExport fold([&](std::string_view id) { return pseudonymiser.case_pseudonym(id); });
  EvaluationCsvSummary summary;
  Micros last_recorded = 0;
  std::string last_event_id;
  bool later = false;  // an event recorded after known_at exists: the export is final
  const auto scanned = scan_store_pages(**store, 0, upcast_envelope, [&](std::span<Envelope> page) {
    // recordedAt never decreases along the log: the events known then are a prefix
    for (const Envelope& e : page) {
      if (e.recorded_at > known_at) {
        later = true;
        return;
      }
      fold.apply(e);
      summary.position = e.position;
      last_recorded = e.recorded_at;
      last_event_id = e.event_id;
    }
  });
  if (!scanned) return failure(scanned.error().message, scanned.error().internal);
  // Until an event recorded after it exists, a knownAt could still gain events (those being
  // recorded now): the export then names the last event's recordedAt, so repeating its
  // knownAt gives the same bytes.
  summary.known_at = later || summary.position == 0 ? known_at : last_recorded;
  summary.export_id = export_id(summary.position, last_event_id, summary.known_at);
  const std::vector<CsvFile> files = fold.files();
  summary.cases = files.front().rows;
  std::filesystem::create_directories(dir, ec);
  if (ec) return failure("cannot create " + to, ec.message());
  for (const CsvFile& f : files) {
    if (auto s = write_file_atomically(dir / f.name, f.text); !s) return s.take_error();
  }
  const CsvFile manifest =
      export_manifest(summary.export_id, summary.known_at, summary.position, files);
  if (auto s = write_file_atomically(dir / manifest.name, manifest.text); !s) {
    return s.take_error();
  }
  return summary;
}

}  // namespace perspectief
