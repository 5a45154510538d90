#pragma once

#include <vector>

#include "domain/result.hpp"
#include "eventstore/append.hpp"
#include "eventstore/envelope.hpp"

namespace perspectief {

// Rules that span streams (bed capacity, programme places) must be checked against every
// event admitted before, so they run inside the store's single writer. The store calls
// `admit` on its writer thread for each request, in commit order, with the envelopes the
// request would append (positions assigned). An error refuses the request and appends
// nothing; success means the policy has applied the events to its own state. If the batch
// then fails to commit, the store stops accepting appends (it is no longer trustworthy).
class AppendPolicy {
 public:
  virtual ~AppendPolicy() = default;
  [[nodiscard]] virtual Status admit(const AppendRequest& request,
                                     const std::vector<Envelope>& events) = 0;
};

}  // namespace perspectief
