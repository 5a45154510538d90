#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/feed_view.hpp"
#include "domain/result.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "eventstore/sealer.hpp"

namespace perspectief::api {

// Events as JSON text in a feed view, kept for the webhook loops, which deliver the same
// events to many subscriptions: each event is read, opened and serialised once per view
// instead of once per subscription. An entry that shows personal data is used only while its
// case's data key is present; after an erasure the event is rendered again, without them.
// Keeps about `capacity` entries, the newest positions. Not thread-safe: the dispatcher's
// thread owns it.
class RenderedEvents {
 public:
  RenderedEvents(const EventStore& store, const privacy::Pseudonymiser& pseudonymiser,
                 privacy::Sealer& sealer, std::size_t capacity = std::size_t{1} << 14)
      : store_(store), pseudonymiser_(pseudonymiser), sealer_(sealer), capacity_(capacity) {}

  struct Rendered {
    std::vector<const std::string*> events;  // valid until the next render()
    std::vector<std::string> cases_opened;   // case ids whose personal data they show
  };
  // The events at `positions` (ascending) in `view`. Errors: those of reading the store or
  // opening a sealed field.
  Result<Rendered> render(FeedView view, const std::vector<std::uint64_t>& positions);

 private:
  struct Entry {
    std::string json;
    std::string stream;
    bool personal = false;  // shows opened personal fields
  };
  using Key = std::pair<std::uint64_t, FeedView>;
  bool usable(const Entry& e) const;
  Status fill(FeedView view, const std::vector<std::uint64_t>& missing);

  const EventStore& store_;
  const privacy::Pseudonymiser& pseudonymiser_;
  privacy::Sealer& sealer_;
  std::size_t capacity_;
  std::map<Key, Entry> entries_;
};

}  // namespace perspectief::api
