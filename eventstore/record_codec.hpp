#pragma once

#include <boost/json/parser.hpp>

#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {

// The bytes stored per event in the `events` column family: the envelope fields, the data as
// canonical JSON text, the sealed personal fields (if any) and `prev`, the SHA-256 of the
// previous stored record, so the log forms a hash chain that covers the ciphertext too.
// Two formats (docs/architecture.md): format 2, binary (eventstore/binary_record.hpp), is what
// the store writes; format 1, a JSON object, is what versions before it wrote, and is read
// as before.
struct StoredRecord {
  Envelope envelope;
  std::string prev_hash_hex;  // lower-case hex
};

// A record in format 2. `data_json` is the canonical JSON of envelope.data (already computed
// by the producer); `prev_hash_hex` is 64 hex digits.
std::string encode_record(const Envelope& e, std::string_view data_json,
                          std::string_view prev_hash_hex);
// A record in format 1, as versions before format 2 wrote it (tests of old stores, and
// RocksStoreOptions::json_records).
std::string encode_json_record(const Envelope& e, std::string_view data_json,
                               std::string_view prev_hash_hex);

// Either format. unavailable if the bytes are neither.
Result<StoredRecord> decode_record(std::string_view bytes);

// What RecordDecoder gives of a record: every field, the data as the JSON object `data` (every
// reader); or, for folds that read the data into typed events (projections/fold_scan.hpp),
// the data as its stored text (`data_text`) and only the fields folds read: the event id, the
// actor and the sealed personal fields are left empty. Format 1 records decode whole.
enum class Decoding { whole, for_folds };

// Decodes records one after another into the same StoredRecord, reusing its strings and the
// JSON parser's buffers (scans and rebuilds). Format 2 records are taken apart at their
// offsets; `data`, when it is a flat object (most events), is read without a JSON parser,
// other data by Boost.JSON. Format 1 records in exactly the layout encode_json_record writes,
// without escapes in the envelope strings, take a fast path that parses only `data` as JSON;
// any other format 1 record takes the general parse, so both give the same envelope.
class RecordDecoder {
 public:
  explicit RecordDecoder(Decoding decoding = Decoding::whole);
  [[nodiscard]] Status decode(std::string_view bytes, StoredRecord& out);
  [[nodiscard]] Status decode(std::string_view bytes, Envelope& envelope,
                              std::string& prev_hash_hex);
  // Without the previous record's hash (scans and reads that do not check the chain).
  [[nodiscard]] Status decode(std::string_view bytes, Envelope& envelope);
  // An envelope decoded for folds with its data as the JSON object: `data` from `data_text`
  // (data_damaged when that is not a JSON object), `data_text` emptied. Nothing when
  // `data_text` is empty.
  void read_data_text(Envelope& envelope);

 private:
  Status decode_into(std::string_view bytes, Envelope& envelope, std::string* prev_hash_hex);
  bool decode_binary(std::string_view bytes, Envelope& e, std::string* prev_hash_hex);
  bool decode_fast(std::string_view bytes, Envelope& e, std::string* prev_hash_hex);
  // Data that is not a JSON object leaves the envelope data_damaged; false never (the record
  // around it decoded).
  bool read_data(std::string_view text, Envelope& e);
  bool parse_data(std::string_view text, boost::json::object& out);
  boost::json::parser parser_;
  std::string role_;
  Decoding decoding_;
};

// The hash of the empty chain: the `prev` of position 1.
inline const std::string& genesis_hash_hex() {
  static const std::string kZero(64, '0');
  return kZero;
}

}  // namespace perspectief
