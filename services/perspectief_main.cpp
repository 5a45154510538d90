// perspectief: the operators' and researchers' tool.
#include <iostream>
#include <string>
#include <vector>

#include "eventstore/verify.hpp"
#include "services/flags.hpp"

namespace {

using namespace perspectief;

constexpr const char* kUsage =
    "usage: perspectief verify --data-dir DIR\n"
    "  verify  check gapless positions, stream indexes and the hash chain; exit 1 on a fault\n";

int verify(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  if (!dir) {
    std::cerr << "perspectief verify: --data-dir is required\n";
    return 2;
  }
  const VerifyReport r = verify_store(*dir);
  if (!r.ok) {
    std::cout << "FAULT";
    if (r.bad_position != 0) std::cout << " at position " << r.bad_position;
    std::cout << ": " << r.problem << "\n";
    return 1;
  }
  std::cout << "ok: " << r.events << " events in " << r.streams
            << " streams, positions gapless, indexes consistent, hash chain intact\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "verify") {
    auto flags = Flags::parse(args, {"data-dir"}, {});
    if (!flags) {
      std::cerr << "perspectief verify: " << flags.error().message << "\n";
      return 2;
    }
    return verify(*flags);
  }
  if (command == "help" || command == "--help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "perspectief: unknown command " << command << "\n" << kUsage;
  return 2;
}
