#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
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
// case's data key is present (asked of the key ring again only after an erasure was
// forgotten there); after an erasure the event is rendered again, without them. Keeps one
// entry per slot of a ring of `capacity` (a power of two) per view, slot = position modulo
// capacity: the loops deliver near the end of the log, so the newest positions stay. Not
// thread-safe: the dispatcher's thread owns it.
class RenderedEvents {
 public:
  RenderedEvents(const EventStore& store, const privacy::Pseudonymiser& pseudonymiser,
                 privacy::Sealer& sealer, std::size_t capacity = std::size_t{1} << 14);

  struct Rendered {
    std::vector<const std::string*> events;       // valid until the next render()
    std::vector<std::uint64_t> positions_opened;  // of case events showing personal data
  };
  // The events at `positions` (ascending) in `view`. Errors: those of reading the store or
  // opening a sealed field.
  Result<Rendered> render(FeedView view, const std::vector<std::uint64_t>& positions);

 private:
  struct Entry {
    std::uint64_t position = 0;  // 0: empty
    std::string stream;
    std::string json;
    bool personal = false;        // shows opened personal fields
    std::uint64_t forgotten = 0;  // the key ring's forgotten() before it was opened
  };
  bool usable(Entry& e) const;
  Entry& slot(FeedView view, std::uint64_t position);
  // Reads and renders the events at `positions` into `out` (one entry each, in order).
  Status render_into(FeedView view, const std::vector<std::uint64_t>& positions,
                     const std::function<Entry&(std::uint64_t)>& out);

  const EventStore& store_;
  const privacy::Pseudonymiser& pseudonymiser_;
  privacy::Sealer& sealer_;
  std::size_t mask_;
  std::array<std::vector<Entry>, 3> rings_;  // by FeedView, allocated on first use
  // Events of one render() whose slot another event of the same render() took.
  std::deque<Entry> spilled_;
};

}  // namespace perspectief::api
