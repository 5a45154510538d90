#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/clock.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/side_table.hpp"

namespace perspectief::testing {

// An EventStore in memory for unit tests of the layers above it: appends answer at once on
// the caller's thread (after the subscribers, as the real store's commit thread does),
// expected versions and eventId resends behave as spec/api.md says, and the last request
// is kept for assertions. fail_next_append() refuses the next append with an error.
class FakeEventStore final : public EventStore {
 public:
  // `data_keys` (optional) receives the data keys and erasure markers appends carry, as the
  // store's data_keys column family does (AppendRequest::new_data_key, shred_data_key).
  explicit FakeEventStore(const Clock& clock, SideTable* data_keys = nullptr)
      : clock_(clock), data_keys_(data_keys) {}

  void append(AppendRequest request, AppendCallback done) override {
    auto result = admit(std::move(request));
    if (result) notify(last_position());
    done(std::move(result));
  }

  Result<std::vector<Envelope>> read_stream(std::string_view stream, std::uint64_t from_version,
                                            std::size_t max_count,
                                            Direction direction) const override {
    std::lock_guard lock(mu_);
    std::vector<Envelope> out;
    for (const auto& e : log_) {
      if (e.stream == stream && e.version >= from_version) out.push_back(e);
    }
    if (direction == Direction::backwards) std::reverse(out.begin(), out.end());
    if (out.size() > max_count) out.resize(max_count);
    return out;
  }

  Result<std::vector<Envelope>> read_all(std::uint64_t after, std::size_t limit) const override {
    std::lock_guard lock(mu_);
    std::vector<Envelope> out;
    for (std::size_t i = after; i < log_.size() && out.size() < limit; ++i) out.push_back(log_[i]);
    return out;
  }

  Result<std::uint64_t> stream_version(std::string_view stream) const override {
    std::lock_guard lock(mu_);
    return version_locked(stream);
  }

  bool writable() const override { return writable_; }
  std::uint64_t last_position() const override {
    std::lock_guard lock(mu_);
    return log_.size();
  }

  std::uint64_t subscribe(std::function<void(std::uint64_t)> on_commit) override {
    std::lock_guard lock(mu_);
    subscribers_[++next_subscriber_] = std::move(on_commit);
    return next_subscriber_;
  }
  void unsubscribe(std::uint64_t id) override {
    std::lock_guard lock(mu_);
    subscribers_.erase(id);
  }

  Status put_checkpoint(std::string_view name, std::string_view bytes) override {
    std::lock_guard lock(mu_);
    checkpoints_[std::string{name}] = std::string{bytes};
    return Ok{};
  }
  std::optional<std::string> get_checkpoint(std::string_view name) const override {
    std::lock_guard lock(mu_);
    const auto it = checkpoints_.find(std::string{name});
    if (it == checkpoints_.end()) return std::nullopt;
    return it->second;
  }

  void fail_next_append(Error error) { fail_next_ = std::move(error); }
  void set_writable(bool writable) { writable_ = writable; }
  // The last request the store was given (refused or not).
  const std::optional<AppendRequest>& last_request() const { return last_request_; }

 private:
  Result<AppendResult> admit(AppendRequest request) {
    std::lock_guard lock(mu_);
    last_request_ = request;
    if (fail_next_) {
      Error e = std::move(*fail_next_);
      fail_next_.reset();
      return e;
    }
    if (auto resent = resend_locked(request)) return std::move(*resent);
    const std::uint64_t version = version_locked(request.stream);
    if (!request.expected.holds(version)) {
      return make_error(ErrorCode::precondition_failed, "the stream is at another version");
    }
    AppendResult result{request.stream, version, 0, false, {}};
    if (auto keyed = put_data_key(request); !keyed) return keyed.take_error();
    for (auto& e : request.events) {
      result.events.push_back(store_locked(request, e, ++result.version));
    }
    result.position = log_.size();
    return result;
  }

  // A new data key unless the stream has one (or an erasure marker); the marker on erasure.
  Status put_data_key(const AppendRequest& request) {
    if (data_keys_ == nullptr) return Ok{};
    std::optional<SideEntry> entry;
    if (request.shred_data_key) {
      entry = SideEntry{request.stream, std::string{keys::kErasedDataKey}};
    } else if (!request.new_data_key.empty()) {
      auto existing = data_keys_->get(request.stream);
      if (!existing) return existing.take_error();
      if (!*existing) entry = SideEntry{request.stream, request.new_data_key};
    }
    if (!entry) return Ok{};
    return data_keys_->write({&*entry, 1}, Durability::logged);
  }

  // The stored envelopes when every event of the request is stored with the same content;
  // a conflict when some are stored with other content or only some are stored.
  std::optional<Result<AppendResult>> resend_locked(const AppendRequest& request) const {
    std::vector<Envelope> stored;
    for (const auto& e : request.events) {
      const auto it = hashes_.find(e.event_id);
      if (it == hashes_.end()) continue;
      if (it->second.first != e.content_hash) {
        return Result<AppendResult>{
            make_error(ErrorCode::conflict, "eventId is already stored with other content")};
      }
      stored.push_back(log_[it->second.second - 1]);
    }
    if (stored.empty()) return std::nullopt;
    if (stored.size() != request.events.size()) {
      return Result<AppendResult>{
          make_error(ErrorCode::conflict, "part of the request is a resend")};
    }
    return Result<AppendResult>{
        AppendResult{request.stream, stored.back().version, stored.back().position, true, stored}};
  }

  Envelope store_locked(const AppendRequest& request, NewEvent& e, std::uint64_t version) {
    Envelope env;
    env.position = log_.size() + 1;
    env.stream = request.stream;
    env.version = version;
    env.event_id = e.event_id;
    env.type = e.type;
    env.schema_version = e.schema_version;
    env.recorded_at = clock_.now();
    env.occurred_at = e.occurred_at.value_or(env.recorded_at);
    env.actor = request.actor;
    env.data = e.data;
    env.sealed = e.sealed;
    hashes_[e.event_id] = {e.content_hash, env.position};
    log_.push_back(env);
    return env;
  }

  std::uint64_t version_locked(std::string_view stream) const {
    std::uint64_t version = 0;
    for (const auto& e : log_) {
      if (e.stream == stream) version = e.version;
    }
    return version;
  }

  void notify(std::uint64_t last) {
    std::vector<std::function<void(std::uint64_t)>> subscribers;
    {
      std::lock_guard lock(mu_);
      for (const auto& [id, s] : subscribers_) subscribers.push_back(s);
    }
    for (const auto& s : subscribers) s(last);
  }

  const Clock& clock_;
  SideTable* data_keys_;
  mutable std::mutex mu_;
  std::vector<Envelope> log_;
  std::map<std::string, std::pair<std::string, std::uint64_t>>
      hashes_;  // eventId -> hash, position
  std::map<std::uint64_t, std::function<void(std::uint64_t)>> subscribers_;
  std::uint64_t next_subscriber_ = 0;
  std::map<std::string, std::string> checkpoints_;
  std::optional<Error> fail_next_;
  std::optional<AppendRequest> last_request_;
  bool writable_ = true;
};

}  // namespace perspectief::testing
