#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>

#include "eventstore/event_store.hpp"

namespace perspectief::api {

// Appends through the store's writer and completes on the caller's executor once the commit
// is durable (or refused). Keeps the executor's work alive while the writer holds the request.
template <class CompletionToken>
auto async_append(EventStore& store, AppendRequest request, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(Result<AppendResult>)>(
      [&store](auto handler, AppendRequest req) {
        auto ex = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                      boost::asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        store.append(std::move(req), [shared, ex](Result<AppendResult> result) {
          boost::asio::post(ex, [shared, r = std::make_shared<Result<AppendResult>>(std::move(
                                             result))]() mutable { (*shared)(std::move(*r)); });
        });
      },
      token, std::move(request));
}

}  // namespace perspectief::api
