// perspectief-server: the configuration from the flags, then the application
// (services/application.hpp) builds, serves and stops everything.
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "services/application.hpp"
#include "services/server_config.hpp"

namespace {

int fail(const std::string& message) {
  std::cerr << "perspectief-server: " << message << "\n";
  return 2;
}

}  // namespace

// An exception out of main is a bug or a failed allocation: std::terminate (a core dump, and no
// exit status the operator could take for a refusal) is the wanted outcome.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  ::umask(0077);                   // stores, keys and snapshots hold personal data: owner only
  auto config = perspectief::read_server_config(std::vector<std::string>(argv + 1, argv + argc));
  if (!config) return fail(config.error().message);
  if (config->help) {
    std::cout << perspectief::kServerUsage;
    return 0;
  }
  auto app = perspectief::Application::start(std::move(config).value());
  if (!app) return fail(app.error().message);
  return (*app)->run();
}
