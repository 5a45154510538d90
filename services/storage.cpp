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

}  // namespace perspectief
