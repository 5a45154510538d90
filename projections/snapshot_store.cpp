#include "projections/snapshot_store.hpp"

#include <thread>

#include "projections/snapshot.hpp"

namespace perspectief {

namespace {

struct Encoded {
  std::uint64_t position = 0;
  std::string read_models;
  std::string feed;
};

}  // namespace

Result<std::uint64_t> save_snapshot(EventStore& store, Projector& projector,
                                    const SnapshotModels& models, const ProgrammeState& defaults) {
  const CaseFiles& case_files = models.case_files;
  const History& history = models.history;
  auto encoded = projector.paused([&]() -> Result<Encoded> {
    const std::uint64_t position = projector.position();
    if (position == 0) return Encoded{};
    auto at = store.read_all(position - 1, 1);
    if (!at) return at.take_error();
    if (at->empty() || at->front().position != position) {
      return make_error(ErrorCode::unavailable, "the snapshot position is not in the log");
    }
    const SnapshotHeader header{position, at->front().event_id};
    std::string bytes = case_files.with_model([&](const ProgrammeModel& model) {
      return history.read([&](const History& h) {
        return encode_snapshot(header, snapshot_fingerprint(defaults), model, h);
      });
    });
    return Encoded{position, std::move(bytes),
                   models.feed != nullptr ? models.feed->encode() : std::string{}};
  });
  if (!encoded) return encoded.take_error();
  if (encoded->position == 0) return std::uint64_t{0};
  if (models.feed != nullptr) {
    if (auto put = store.put_checkpoint(kFeedIndexName, encoded->feed); !put)
      return put.take_error();
  }
  if (auto put = store.put_checkpoint(kSnapshotName, encoded->read_models); !put)
    return put.take_error();
  return encoded->position;
}

std::uint64_t load_snapshot(const EventStore& store, ProgrammeState defaults,
                            const SnapshotModels& models,
                            std::optional<ProgrammeModel>* write_model) {
  std::uint64_t from = 0;
  store.read_checkpoint(kSnapshotName, [&](std::string_view bytes) {
    const auto fingerprint = snapshot_fingerprint(defaults);
    ProgrammeModel second{defaults};
    std::optional<SnapshotHeader> second_header;
    std::thread second_decoder;
    if (write_model != nullptr) {
      second_decoder =
          std::thread([&] { second_header = decode_snapshot_model(bytes, fingerprint, second); });
    }
    ProgrammeModel model{defaults};
    History loaded{defaults.places, defaults.lvv_places, defaults.max_stay_months};
    const auto header = decode_snapshot(bytes, fingerprint, model, loaded);
    if (second_decoder.joinable()) second_decoder.join();
    if (!header) return;
    // The snapshot belongs to this log only if the log has its event at its position.
    auto at = store.read_all(header->position - 1, 1);
    if (!at || at->empty() || at->front().position != header->position ||
        at->front().event_id != header->event_id) {
      return;
    }
    if (models.feed != nullptr) {
      // Saved with the snapshot; missing, damaged or of another moment: fold from the start.
      bool feed_loaded = false;
      store.read_checkpoint(kFeedIndexName, [&](std::string_view feed) {
        feed_loaded = models.feed->decode(feed, header->position);
      });
      if (!feed_loaded) return;
    }
    models.history.restore(std::move(loaded));
    models.case_files.restore(std::move(model));
    if (write_model != nullptr && second_header && second_header->position == header->position) {
      *write_model = std::move(second);
    }
    from = header->position;
  });
  return from;
}

}  // namespace perspectief
