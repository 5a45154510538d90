#include "projections/append_pipeline.hpp"

#include <memory>

#include "domain/canonical_json.hpp"

namespace perspectief {

PendingKeys::PendingKeys(PendingKeys&& other) noexcept
    : ring_(other.ring_), stream_(std::move(other.stream_)), uses_(other.uses_) {
  other.uses_ = 0;
}

void PendingKeys::settle(bool appended, bool key_stored) {
  for (; uses_ > 0; --uses_) ring_->release(stream_, appended, key_stored);
}

namespace {

// Seals each event's personal fields. A new data key travels with the append; each event
// sealed with it is a pending use of the key.
Status seal(privacy::Sealer& sealer, AppendCommand& command, AppendOutcome& out,
            std::string& new_data_key) {
  out.personal_json.resize(command.events.size());
  for (std::size_t i = 0; i < command.events.size(); ++i) {
    auto sealed = sealer.seal(command.target.stream, command.events[i], &out.personal_json[i]);
    if (!sealed) return sealed.take_error();
    if (!sealed->empty()) {
      new_data_key = std::move(*sealed);
      out.keys.add();
    }
  }
  return Ok{};
}

struct InFlight {
  AppendOutcome outcome;
  std::function<void(AppendOutcome)> done;
};

}  // namespace

PreparedAppend AppendPipeline::prepare(AppendCommand command) {
  PreparedAppend out{std::nullopt,
                     AppendOutcome{make_error(ErrorCode::invalid, "not appended"),
                                   {},
                                   PendingKeys{sealer_.ring(), command.target.stream}}};
  Status status = authorizer_.authorize(command.actor, command.target, command.events);
  if (status && !command.expected) status = command.expected.take_error();
  std::string new_data_key;
  if (status) status = seal(sealer_, command, out.outcome, new_data_key);
  if (!status) {
    out.outcome.result = status.take_error();
    return out;
  }
  hash_events(command.events);
  out.request = AppendRequest{command.target.stream, *command.expected, std::move(command.events),
                              std::move(command.actor)};
  out.request->new_data_key = std::move(new_data_key);
  return out;
}

void AppendPipeline::admit(PreparedAppend prepared, std::function<void(AppendOutcome)> done) {
  if (!prepared.request) return done(std::move(prepared.outcome));
  AppendRequest request = std::move(*prepared.request);
  auto flight = std::make_shared<InFlight>(InFlight{std::move(prepared.outcome), std::move(done)});
  store_.append(std::move(request), [flight](Result<AppendResult> result) {
    flight->outcome.result = std::move(result);
    flight->done(std::move(flight->outcome));
  });
}

void AppendPipeline::append(AppendCommand command, std::function<void(AppendOutcome)> done) {
  admit(prepare(std::move(command)), std::move(done));
}

}  // namespace perspectief
