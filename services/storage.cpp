#include "services/storage.hpp"

#include "projections/start_up.hpp"

namespace perspectief {

Result<std::unique_ptr<Storage>> Storage::open(const std::string& data_dir,
                                               const ProgrammeState& defaults) {
  std::unique_ptr<Storage> s{new Storage(defaults)};
  RocksStoreOptions o;
  o.path = data_dir;
  o.clock = &s->clock_;
  o.policy = &s->policy_;
  o.upcast = upcast_envelope;
  auto store = RocksEventStore::open(std::move(o));
  if (!store) return store.take_error();
  s->store_ = std::move(store).value();
  return s;
}

Result<std::unique_ptr<Storage>> Storage::follow(const std::string& writer_dir,
                                                 const std::string& work_dir,
                                                 std::chrono::milliseconds interval,
                                                 const ProgrammeState& defaults) {
  std::unique_ptr<Storage> s{new Storage(defaults)};
  FollowerOptions o;
  o.writer_dir = writer_dir;
  o.work_dir = work_dir;
  o.interval = interval;
  o.upcast = upcast_envelope;
  auto follower = FollowerStore::open(std::move(o));
  if (!follower) return follower.take_error();
  s->follower_ = std::move(follower).value();
  return s;
}

}  // namespace perspectief
