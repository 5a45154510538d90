#pragma once

#include <cstdint>
#include <memory>

#include "domain/result.hpp"
#include "services/models.hpp"
#include "services/privacy.hpp"
#include "services/server_config.hpp"
#include "services/storage.hpp"

namespace perspectief {

// The server's composition root: it builds the store, the keys, the models, the API and the
// HTTP server from a configuration, in that order, and takes them down in the reverse order
// (members are declared in the order they are built, so destruction unwinds it too).
class Application {
 public:
  // Opens (or creates) the store and the keys, folds the models, loads the demo programme if
  // asked, listens and starts serving; prints "listening on ..." on stdout once it does. The
  // error's message is what the server prints before exiting with status 2.
  static Result<std::unique_ptr<Application>> start(ServerConfig config);

  // Serves on the configured threads until SIGTERM or SIGINT, then stops: readiness off, long
  // polls answered, connections drained (10 s at most), the request log flushed, a last
  // snapshot, the purger stopped, the store closed. Returns the exit status (0).
  int run();

  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;
  ~Application();

 private:
  struct Serving;  // the io_context, the API, the HTTP server and what runs beside them

  explicit Application(ServerConfig config);
  Status open_store();
  Status open_keys();
  Status start_models();
  Status load_demo();
  Status serve();
  void schedule_snapshot();
  void snapshot_if_behind();
  void stop_serving();

  ServerConfig config_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<Privacy> privacy_;
  std::unique_ptr<Models> models_;
  std::uint64_t snapshot_at_ = 0;  // the snapshot the models started from
  std::unique_ptr<Serving> serving_;
};

}  // namespace perspectief
