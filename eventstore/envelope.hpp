#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

#include "domain/role.hpp"
#include "domain/time.hpp"

namespace perspectief {

// A stored event as every read returns it (spec/api.md, "Envelope").
struct Envelope {
  std::uint64_t position = 0;  // global, gapless, from 1
  std::string stream;
  std::uint64_t version = 0;  // within the stream, from 1
  std::string event_id;
  std::string type;
  int schema_version = 1;
  Micros occurred_at = 0;
  Micros recorded_at = 0;
  Actor actor;
  boost::json::object data;  // without the personal fields while they are sealed
  // The personal fields of data (spec/domain.md: data.person and the free-text fields),
  // encrypted with the stream's data key (eventstore/sealer.hpp); empty when there are none.
  // to_json never shows it: only privacy::Sealer::open puts them back, for roles that may
  // see them.
  std::string sealed;
  // The stored `data` is not valid JSON (written by a version that could store a number as
  // NUL bytes, or damaged on disk): `data` is empty, to_json says so, folds skip the event
  // and `perspectief verify` reports its position. Readers keep serving the rest of the log.
  bool data_damaged = false;
  // Only from scans for folds (Decoding::for_folds, projections/fold_scan.hpp): the stored
  // canonical JSON of `data`, with `data` left empty; the fold reads it into typed events
  // without building `data`. Empty otherwise.
  std::string data_text;
};

// The API shape: camelCase, RFC 3339 times; `"dataDamaged": true` after `data` when the stored
// data could not be read.
boost::json::object to_json(const Envelope& e);

}  // namespace perspectief
