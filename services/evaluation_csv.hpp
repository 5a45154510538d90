#pragma once

#include <cstdint>
#include <string>

#include "domain/result.hpp"
#include "domain/time.hpp"
#include "eventstore/pseudonymiser.hpp"

namespace perspectief {

struct EvaluationCsvSummary {
  std::uint64_t position = 0;  // the last event counted
  Micros known_at = 0;
  std::uint64_t cases = 0;
  std::string export_id;
};

// `perspectief export-csv` (spec/evaluation.md, "Evaluation export"): folds the events of the
// store at `data_dir` recorded by `known_at` (kNever: all) and writes the CSV files and export.csv
// into `to`, which must not exist or be empty. Case ids become `pseudonymiser`'s pseudonyms. Each
// file is written whole (write_file_atomically); the manifest is written last. The
// manifest's knownAt is `known_at` when an event recorded after it exists, else the last event's
// recordedAt (as in replay), so the same store and knownAt always give the same bytes.
Result<EvaluationCsvSummary> write_evaluation_csv(const std::string& data_dir,
                                                  const privacy::Pseudonymiser& pseudonymiser,
                                                  Micros known_at, const std::string& to);

}  // namespace perspectief
