#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>

#include "eventstore/event_store.hpp"
#include "projections/append_pipeline.hpp"

namespace perspectief::api {

// Runs `start(callback)`, where the callback is called once on another thread (the store's
// writer), and completes with its value on the caller's executor. Keeps the executor's work
// alive in between.
template <class Value, class Start, class CompletionToken>
auto async_on_caller(Start start, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(Value)>(
      [](auto handler, Start begin) {
        auto ex = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                      boost::asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        begin([shared, ex](Value value) {
          boost::asio::post(ex, [shared, v = std::make_shared<Value>(std::move(value))]() mutable {
            (*shared)(std::move(*v));
          });
        });
      },
      token, std::move(start));
}

// Appends through the store's writer; completes once the commit is durable (or refused).
template <class CompletionToken>
auto async_append(EventStore& store, AppendRequest request, CompletionToken&& token) {
  return async_on_caller<Result<AppendResult>>(
      [&store, r = std::move(request)](auto done) mutable { store.append(std::move(r), done); },
      std::forward<CompletionToken>(token));
}

// The admit step of the append pipeline; completes with the append's outcome.
template <class CompletionToken>
auto async_admit(AppendPipeline& pipeline, PreparedAppend prepared, CompletionToken&& token) {
  return async_on_caller<AppendOutcome>(
      [&pipeline, p = std::move(prepared)](auto done) mutable {
        pipeline.admit(std::move(p), done);
      },
      std::forward<CompletionToken>(token));
}

}  // namespace perspectief::api
