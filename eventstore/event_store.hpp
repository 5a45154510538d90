#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "eventstore/append.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/store_stats.hpp"

namespace perspectief {

enum class Direction { forwards, backwards };

// The append-only log. Implementations are thread-safe.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends `request.events` to `request.stream` atomically. `done` is called once, on an
  // internal thread, and only after the write-ahead log covering the events is synced:
  // - ok, duplicate=false: appended; positions and the new version in the result;
  // - ok, duplicate=true: every event's eventId was already stored with the same type,
  //   schema version, data (and occurredAt, where given): the stored envelopes, nothing new;
  // - conflict: an eventId is stored with other content, or repeated within the request, or
  //   part of the request is a resend and part is new; or the AppendPolicy refused;
  // - precondition_failed: `request.expected` does not hold;
  // - unavailable: the store is closed, a commit failed, or RocksDB could not read
  //   (retryable: nothing was appended);
  // - corrupt: a stored record or index entry the append depends on is damaged.
  virtual void append(AppendRequest request, AppendCallback done) = 0;

  // Blocking convenience for tools and tests.
  Result<AppendResult> append_sync(AppendRequest request);

  // Events of one stream from `from_version` (inclusive; backwards: down from it, 0 = last),
  // at most `max_count`. An unknown stream gives an empty list; unavailable if RocksDB
  // cannot read; corrupt (naming the position) if a stored record does not decode.
  [[nodiscard]] virtual Result<std::vector<Envelope>> read_stream(std::string_view stream,
                                                                  std::uint64_t from_version,
                                                                  std::size_t max_count,
                                                                  Direction direction) const = 0;

  // Events with position > after, in position order, at most `limit`. Errors as read_stream.
  [[nodiscard]] virtual Result<std::vector<Envelope>> read_all(std::uint64_t after,
                                                               std::size_t limit) const = 0;
  // The same for folds (the projector): a store may decode them for folds
  // (Decoding::for_folds: the data as its stored text, without the event id, the actor's
  // names and the sealed fields; upcast by the fold), which projections/fold_parser.hpp reads.
  [[nodiscard]] virtual Result<std::vector<Envelope>> read_all_for_folds(std::uint64_t after,
                                                                         std::size_t limit) const {
    return read_all(after, limit);
  }

  // The committed stream version (0 = no such stream). Errors as read_stream: a failed
  // read is never taken for "no such stream".
  [[nodiscard]] virtual Result<std::uint64_t> stream_version(std::string_view stream) const = 0;

  // False once a commit failed or the store closed: appends are refused from then on.
  [[nodiscard]] virtual bool writable() const = 0;

  // Whether the store serves (GET /readyz): the writer while it takes appends, a read
  // follower while it keeps up with its writer.
  [[nodiscard]] virtual bool ready() const { return writable(); }

  // A read follower of another server's store (eventstore/follower_store.hpp): the API
  // refuses what writes (appends, erasures, subscriptions) with 503, naming the writer.
  [[nodiscard]] virtual bool follower() const { return false; }

  // The position of the last committed event (0 = empty).
  [[nodiscard]] virtual std::uint64_t last_position() const = 0;

  // `on_commit(last_position)` runs on the store's commit thread after each durable commit,
  // before the appenders of that commit are answered; keep it short. Returns an id for
  // unsubscribe.
  virtual std::uint64_t subscribe(std::function<void(std::uint64_t)> on_commit) = 0;
  virtual void unsubscribe(std::uint64_t id) = 0;

  // The storage engine's figures for the metrics (nothing for a store in memory).
  [[nodiscard]] virtual StoreStats engine_stats() const { return {}; }

  // Named checkpoints for projections (their own key space, written durably).
  [[nodiscard]] virtual Status put_checkpoint(std::string_view name, std::string_view bytes) = 0;
  [[nodiscard]] virtual std::optional<std::string> get_checkpoint(std::string_view name) const = 0;
  // Calls `use` with the checkpoint's bytes, if there is one (false if not), without copying
  // them where the store can avoid it (a snapshot is about 1 KiB per case).
  virtual bool read_checkpoint(std::string_view name,
                               const std::function<void(std::string_view)>& use) const {
    const auto bytes = get_checkpoint(name);
    if (!bytes) return false;
    use(*bytes);
    return true;
  }
};

}  // namespace perspectief
