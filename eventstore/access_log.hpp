#pragma once

#include <atomic>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "domain/time.hpp"
#include "eventstore/side_table.hpp"

namespace perspectief::privacy {

// One read of personal data: who, which case, when, and what was read.
struct AccessEntry {
  Micros at = 0;
  std::string case_id;
  Actor actor;
  std::string what;  // "case-file" | "case-events" | "feed" | "export"
};

// The access log, in a SideTable (the store's `access_log` column family, or memory in unit
// tests), keyed by case id, time and a sequence number (so a case's entries read back in time
// order). Three kinds of record:
// - one read of one case: its entry, keyed case id, \0, time, sequence number;
// - one read of several cases (a feed page): one shared record of who read, when and what,
//   keyed \x01, time, first sequence number, and per case an entry holding only \x01 and that
//   number (9 bytes instead of about 95);
// - one webhook batch: one record keyed \x02, the subscription's log id, the batch's last
//   position, time, sequence number, holding who read and the positions whose personal data
//   the batch showed. Nothing is written per case: list() finds these records from the case's
//   positions (a subscription's batches cover disjoint ranges of positions, retries the same:
//   the records with the least last position at or after a position are those of its batch,
//   if that batch showed anything; the positions they hold decide). A damaged record of this
//   kind makes every case's list() corrupt: it cannot tell whose reads it held.
// An entry is written to the WAL before the reply or the delivery that shows the data: a
// killed process loses none; the WAL sync of the next commit (or a clean stop) makes it
// survive a power loss too.
class AccessLog {
 public:
  // `table` (RocksEventStore::access_log_table()) must outlive the log.
  explicit AccessLog(SideTable& table);

  Status record(const AccessEntry& entry);

  // The entries one read of `case_ids` by `actor` at `at` writes (a case file: one whole
  // entry; a page of a feed or a webhook batch: the shared record and one entry per case),
  // made without writing: so a thread that must not write (the webhook dispatcher, at
  // SCHED_IDLE) makes them, and another write()s them.
  std::vector<SideEntry> entries(const Actor& actor, std::span<const std::string> case_ids,
                                 Micros at, std::string_view what);
  // The record of one webhook batch to the subscription whose log id is `log_id`
  // (Subscription::log_id): the batch ends at position `to` and showed the personal data of the
  // events at `opened` (ascending, all at most `to`). Made without writing, as entries().
  SideEntry delivery(const Actor& actor, std::uint64_t log_id, std::uint64_t to,
                     std::span<const std::uint64_t> opened, Micros at, std::string_view what);
  // Writes entries() or delivery() made before, in one write (all or none).
  Status write(std::span<const SideEntry> entries);

  struct Page {
    std::vector<AccessEntry> entries;
    // The cursor of the last entry returned when more entries of the case follow, else empty.
    std::string next;
  };
  // A case's entries, oldest first, at most `limit`, after the entry whose cursor is `after`
  // (empty: from the first). `positions` are the case's events' positions (ascending): the
  // webhook batches that showed one of them are among its entries. A cursor is 32 lower-case
  // hex digits naming one entry (its time and sequence number); invalid if `after` is not
  // one. unavailable on a RocksDB error, corrupt for a damaged entry.
  Result<Page> list(std::string_view case_id, std::span<const std::uint64_t> positions,
                    std::string_view after, std::size_t limit) const;

 private:
  // The webhook batches' records that showed one of `positions`, by time and sequence number
  // (the 16 bytes of a cursor), those after `after` only, the earliest `limit` + 1 of them.
  Status deliveries(std::span<const std::uint64_t> positions, std::string_view after,
                    std::size_t limit,
                    std::vector<std::pair<std::string, std::string>>& found) const;

  SideTable& table_;
  std::atomic<std::uint64_t> sequence_;
};

}  // namespace perspectief::privacy
