#include "eventstore/event_store.hpp"

#include <future>

namespace perspectief {

Result<AppendResult> EventStore::append_sync(AppendRequest request) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  append(std::move(request),
         [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace perspectief
