#pragma once

#include <boost/json/parser.hpp>

#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {

// The bytes stored per event in the `events` column family: a JSON object with the envelope
// fields (times as integer microseconds), the data as canonical JSON text, and `prev`, the
// SHA-256 (hex) of the previous stored record, so the log forms a hash chain. The sealed
// personal fields, if any, are in `pii` (base64), so the chain covers their ciphertext.
struct StoredRecord {
  Envelope envelope;
  std::string prev_hash_hex;
};

// `data_json` is the canonical JSON of envelope.data (already computed by the producer).
std::string encode_record(const Envelope& e, std::string_view data_json,
                          std::string_view prev_hash_hex);

Result<StoredRecord> decode_record(std::string_view bytes);

// Decodes records one after another into the same StoredRecord, reusing its strings and the
// JSON parser's buffers (scans and rebuilds). Records in exactly the layout encode_record
// writes, without escapes in the envelope strings, take a fast path that parses only `data`
// as JSON; any other record takes the general parse, so both give the same envelope.
class RecordDecoder {
 public:
  RecordDecoder();
  [[nodiscard]] Status decode(std::string_view bytes, StoredRecord& out);
  [[nodiscard]] Status decode(std::string_view bytes, Envelope& envelope,
                              std::string& prev_hash_hex);

 private:
  bool decode_fast(std::string_view bytes, Envelope& e, std::string& prev_hash_hex);
  boost::json::parser parser_;
  std::string role_;
};

// The hash of the empty chain: the `prev` of position 1.
inline const std::string& genesis_hash_hex() {
  static const std::string kZero(64, '0');
  return kZero;
}

}  // namespace perspectief
