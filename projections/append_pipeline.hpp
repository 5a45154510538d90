#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/role.hpp"
#include "domain/stream_name.hpp"
#include "eventstore/append.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/sealer.hpp"

namespace perspectief {

// The stream an append goes to.
struct AppendTarget {
  StreamKind kind{};
  std::string id;      // the path's id ("programme" for the programme stream)
  std::string stream;  // stream_name(kind, id)
};

// The authorize step: may this actor append these events to this stream? forbidden if not.
// Implemented by the API's authorization module (api/authorization.hpp).
class AppendAuthorizer {
 public:
  virtual ~AppendAuthorizer() = default;
  [[nodiscard]] virtual Status authorize(const Actor& actor, const AppendTarget& target,
                                         const std::vector<NewEvent>& events) const = 0;
};

// One append as parsed from a request: typed events without their content hash yet (the
// hash step computes it, after sealing). `expected` is the parsed If-Match, refused only
// after authorization so that a malformed one tells nothing about a stream out of scope.
struct AppendCommand {
  AppendTarget target;
  Result<ExpectedVersion> expected;
  std::vector<NewEvent> events;
  Actor actor;
};

// The data keys an append's sealing took: given back to the key ring once the append is
// answered (on the destruction of the outcome, or by settle()), as used or not.
class PendingKeys {
 public:
  PendingKeys() = default;
  PendingKeys(privacy::KeyRing& ring, std::string stream)
      : ring_(&ring), stream_(std::move(stream)) {}
  PendingKeys(PendingKeys&& other) noexcept;
  PendingKeys& operator=(PendingKeys&&) = delete;
  PendingKeys(const PendingKeys&) = delete;
  ~PendingKeys() { settle(false); }

  void add() { ++uses_; }
  // Gives the keys back: `appended` when the append stored the events that use them,
  // `key_stored` when its write also stored the new key (privacy::KeyRing::release).
  void settle(bool appended, bool key_stored = false);

 private:
  privacy::KeyRing* ring_ = nullptr;
  std::string stream_;
  int uses_ = 0;
};

struct AppendOutcome {
  Result<AppendResult> result;
  // Per event, the canonical JSON of the personal fields sealed ("" for none): the reply
  // shows them without a key lookup and a decryption per event.
  std::vector<std::string> personal_json;
  PendingKeys keys;

  // Gives the data keys back, as used when the append stored new events. Call on the
  // caller's thread once the outcome is there (the store's thread must not wait on the ring).
  void settle() {
    keys.settle(result.ok() && !result->duplicate, result.ok() && result->data_key_stored);
  }
};

// An append authorized, sealed and hashed, ready for the store; or refused on the way
// (request empty, the refusal in outcome.result).
struct PreparedAppend {
  std::optional<AppendRequest> request;
  AppendOutcome outcome;
};

// An append flows one way through these steps, each once: authorize (AppendAuthorizer),
// seal the personal fields (privacy::Sealer), hash (canonical data text and content hash of
// the events with nothing sealed; the sealer hashes the ones it seals), admit (the store,
// whose AppendPolicy applies the programme's rules in its single writer).
class AppendPipeline {
 public:
  AppendPipeline(const AppendAuthorizer& authorizer, privacy::Sealer& sealer, EventStore& store)
      : authorizer_(authorizer), sealer_(sealer), store_(store) {}

  // Authorize, seal, hash: on the caller's thread (a coroutine's exceptions stay its own).
  PreparedAppend prepare(AppendCommand command);
  // Admit: hands the request to the store. `done` runs once: at once for a refused
  // preparation, else on the store's thread once the commit is durable (or refused).
  void admit(PreparedAppend prepared, std::function<void(AppendOutcome)> done);
  // prepare, then admit.
  void append(AppendCommand command, std::function<void(AppendOutcome)> done);

 private:
  const AppendAuthorizer& authorizer_;
  privacy::Sealer& sealer_;
  EventStore& store_;
};

}  // namespace perspectief
