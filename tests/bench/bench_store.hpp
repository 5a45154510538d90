#pragma once

// A demo store for the benchmarks: `perspectief demo` generated into a temporary directory
// (removed again at exit), in a child process as the tool would, so the benchmark's folds
// run in a fresh heap and not in one the generator's own models have just been freed from
// (measured in rebuild_bench: that costs the folds about half their speed).

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "services/demo.hpp"
#include "services/storage.hpp"

namespace perspectief::bench {

class DemoStore {
 public:
  // `name` prefixes the directory; `options.end` is set to now.
  DemoStore(const std::string& name, DemoOptions options) {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("perspectief-" + name + "-" + std::to_string(rd()));
    const pid_t child = fork();
    if (child == 0) {
      bool made = false;
      {  // the store closes (and flushes) before the child exits
        auto storage = Storage::open(dir_.string(), initial_programme(500, 360, 18));
        if (storage) options.end = (*storage)->clock().now();
        made =
            storage && generate_demo((*storage)->store(), options) && (*storage)->store().compact();
      }
      _exit(made ? 0 : 1);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "%s: generating the demo store failed\n", name.c_str());
      std::abort();
    }
  }
  // A store made elsewhere (e.g. by `perspectief demo`), left in place.
  explicit DemoStore(std::filesystem::path given) : dir_(std::move(given)), owned_(false) {}
  ~DemoStore() {
    if (owned_) std::filesystem::remove_all(dir_);
  }
  DemoStore(const DemoStore&) = delete;
  DemoStore& operator=(const DemoStore&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool owned_ = true;
};

}  // namespace perspectief::bench
