#pragma once

#include <string_view>

#include "domain/result.hpp"
#include "eventstore/append.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/key_ring.hpp"

namespace perspectief::privacy {

// Encryption at rest of the personal fields of events (spec/domain.md: data.person and the
// free-text fields; the catalogue marks them `personal`; fields it does not know are treated
// as personal too). They are moved out of `data` into `sealed`, AES-256-GCM with the
// stream's data key and the stream and eventId as associated data (so a ciphertext cannot
// be moved to another event).
class Sealer {
 public:
  explicit Sealer(KeyRing& ring) : ring_(ring) {}

  // Before appending: seals e's personal fields (if any) and recomputes data_json and the
  // content hash (with an HMAC of the personal part under the data key, so resends still
  // match and no plain hash of personal data is stored). For a stream whose personal data
  // was erased, the personal fields are dropped instead: nothing about the person is kept
  // (conflict, rule personal-data-erased, only if the erasure lands while this runs).
  // Returns the wrapped new data key the append must carry (AppendRequest::new_data_key) when
  // the stream's key is new; then the caller must give it back with
  // ring().release(stream, appended) once the append is answered. Empty otherwise.
  // `sealed_json` (optional) receives the canonical JSON of the personal fields it sealed
  // (the plaintext open() would give back), or "" when it sealed nothing.
  Result<std::string> seal(std::string_view stream, NewEvent& e,
                           std::string* sealed_json = nullptr);

  enum class Opened {
    nothing_sealed,  // the event has no personal fields
    opened,          // they are back in env.data
    erased,          // they are gone for good (the stream was erased)
  };
  // For roles that may see personal data: puts the personal fields back into env.data.
  // unavailable if the key store or a master key cannot be read, or the stream has no key.
  Result<Opened> open(Envelope& env) const;

  KeyRing& ring() { return ring_; }

 private:
  KeyRing& ring_;
};

}  // namespace perspectief::privacy
