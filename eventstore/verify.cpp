#include "eventstore/verify.hpp"

#include <chrono>
#include <thread>

#include <rocksdb/db.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "eventstore/fold_page_fill.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/record_codec.hpp"
#include "eventstore/rocks_event_store.hpp"

namespace perspectief {
namespace {

std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

VerifyReport fault(VerifyReport r, std::uint64_t position, std::string problem) {
  r.ok = false;
  r.bad_position = position;
  r.problem = std::move(problem);
  return r;
}

}  // namespace

namespace {

VerifyReport verify_once(const std::string& path) {
  VerifyReport report;
  auto store = ReadOnlyStore::open(path);
  if (!store) return fault(report, 0, "cannot open the store: " + store.error().internal);
  rocksdb::DB* db = &(*store)->db();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  for (std::size_t i = 0; i < (*store)->cf_count(); ++i) handles.push_back((*store)->cf(i));
  auto* events = handles[1];
  auto* streams = handles[2];
  auto* event_ids = handles[3];
  auto* heads = handles[4];

  std::unordered_map<std::string, std::uint64_t> versions;
  std::string prev = genesis_hash_hex();
  std::uint64_t expected = 1;
  auto* pages = handles.size() > kFoldPagesCf ? handles[kFoldPagesCf] : nullptr;
  fold_pages::PageBuilder page;
  RecordDecoder folds{Decoding::for_folds};
  Envelope for_folds;
  std::unique_ptr<rocksdb::Iterator> it{db->NewIterator({}, events)};
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    const auto key = view(it->key());
    const std::uint64_t position = key.size() == 8 ? keys::decode_u64(key) : 0;
    if (position != expected) {
      return fault(report, expected,
                   "position missing: the next record is at " + std::to_string(position));
    }
    const auto bytes = view(it->value());
    auto rec = decode_record(bytes);
    if (!rec) return fault(report, position, "record does not decode");
    const Envelope& e = rec->envelope;
    if (e.position != position) return fault(report, position, "record names another position");
    if (e.data_damaged) report.damaged_data.push_back(position);
    if (rec->prev_hash_hex != prev) {
      return fault(report, position - 1,
                   "hash chain broken: record " + std::to_string(position - 1) +
                       " does not match the hash record " + std::to_string(position) + " holds");
    }
    prev = to_hex(sha256(bytes));

    auto& v = versions[e.stream];
    if (e.version != v + 1) return fault(report, position, "stream version out of sequence");
    v = e.version;
    std::string indexed;
    if (!db->Get({}, streams, keys::stream_index(e.stream, e.version), &indexed).ok() ||
        keys::decode_u64(indexed) != position) {
      return fault(report, position, "stream index does not point at the record");
    }
    std::string id_entry;
    keys::EventIdEntry entry;
    if (!db->Get({}, event_ids, e.event_id, &id_entry).ok() ||
        !keys::decode_event_id_entry(id_entry, entry) || entry.position != position) {
      return fault(report, position, "eventId index does not point at the record");
    }
    ++report.events;
    if (pages == nullptr) continue;
    // The page the writer made of these events, from each record as folds read it.
    if (folds.decode(bytes, for_folds)) {
      fold_pages::add_stored(page, for_folds);
    } else {
      page.abandon();
    }
    if (auto made = page.take_full()) {
      const std::uint64_t first = fold_pages::page_start(position);
      std::string stored;
      const auto s = db->Get({}, pages, keys::encode_u64(first), &stored);
      if (!s.ok() && !s.IsNotFound()) {
        return fault(report, first, "fold page at " + std::to_string(first) + " cannot be read");
      }
      if (s.ok() && stored != *made) {
        return fault(report, first,
                     "fold page at " + std::to_string(first) + " does not match its events");
      }
      if (s.ok()) ++report.fold_pages;
    }
  }
  if (!it->status().ok()) return fault(report, expected, "read failed: " + it->status().ToString());

  std::string head;
  const bool has_head = db->Get({}, handles[0], kChainHeadKey, &head).ok();
  if (report.events > 0) {
    if (!has_head || head.size() != 8 + 64 ||
        keys::decode_u64(head.substr(0, 8)) != report.events) {
      return fault(report, report.events, "chain head does not name the last position");
    }
    if (head.substr(8) != prev) {
      return fault(report, report.events,
                   "hash chain broken: record " + std::to_string(report.events) +
                       " does not match the chain head");
    }
  }

  if (pages != nullptr) {
    std::unique_ptr<rocksdb::Iterator> pit{db->NewIterator({}, pages)};
    pit->SeekToLast();
    if (pit->Valid() &&
        keys::decode_u64(view(pit->key())) + fold_pages::kEvents - 1 > report.events) {
      const auto first = keys::decode_u64(view(pit->key()));
      return fault(report, first, "fold page at " + std::to_string(first) + " without its events");
    }
  }

  std::uint64_t stream_entries = 0;
  std::unique_ptr<rocksdb::Iterator> sit{db->NewIterator({}, streams)};
  for (sit->SeekToFirst(); sit->Valid(); sit->Next()) ++stream_entries;
  if (stream_entries != report.events) {
    return fault(report, 0, "stream index has entries without records");
  }
  std::uint64_t id_entries = 0;
  std::unique_ptr<rocksdb::Iterator> iit{db->NewIterator({}, event_ids)};
  for (iit->SeekToFirst(); iit->Valid(); iit->Next()) ++id_entries;
  if (id_entries != report.events) return fault(report, 0, "eventId index has extra entries");

  std::uint64_t head_count = 0;
  std::unique_ptr<rocksdb::Iterator> hit{db->NewIterator({}, heads)};
  for (hit->SeekToFirst(); hit->Valid(); hit->Next(), ++head_count) {
    const auto found = versions.find(std::string{view(hit->key())});
    if (found == versions.end() || found->second != keys::decode_u64(view(hit->value()))) {
      return fault(report, 0, "stream head does not match the last version of its stream");
    }
  }
  if (head_count != versions.size()) return fault(report, 0, "a stream has no head");
  report.streams = versions.size();
  return report;
}

}  // namespace

std::string damaged_data_problem(const VerifyReport& report) {
  if (report.damaged_data.empty()) return {};
  constexpr std::size_t kListed = 10;
  std::string positions;
  for (std::size_t i = 0; i < report.damaged_data.size() && i < kListed; ++i) {
    positions += (i == 0 ? "" : ", ") + std::to_string(report.damaged_data[i]);
  }
  if (report.damaged_data.size() > kListed) {
    positions += " and " + std::to_string(report.damaged_data.size() - kListed) + " more";
  }
  return std::to_string(report.damaged_data.size()) +
         " record(s) hold data that is not valid JSON (served with dataDamaged, folded by no "
         "read model): position " +
         positions;
}

VerifyReport verify_store(const std::string& path) {
  // A read-only open of a store a server is writing can catch a flush between reading the
  // manifest and replaying the WAL, and see one column family ahead of another. A real fault
  // is there on every open; a torn view is not: only a fault found three times is reported.
  VerifyReport report;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    report = verify_once(path);
    if (report.ok) break;
  }
  return report;
}

}  // namespace perspectief
