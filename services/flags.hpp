#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace perspectief {

// Command-line flags "--name value" / "--name=value" / "--switch", each also readable from the
// environment as PERSPECTIEF_<NAME> (upper case, '-' -> '_'). The command line wins.
class Flags {
 public:
  // `known`: flag names without dashes; `switches`: the ones that take no value.
  static Result<Flags> parse(const std::vector<std::string>& args,
                             const std::vector<std::string>& known,
                             const std::vector<std::string>& switches);

  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  bool has(const std::string& name) const { return get(name).has_value(); }
  // A switch: absent -> false; "true", "1", "yes" or bare -> true; "false", "0", "no", "" ->
  // false; anything else is invalid.
  Result<bool> enabled(const std::string& name) const;
  Result<std::uint64_t> get_uint(const std::string& name, std::uint64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

struct HostPort {
  std::string host;
  unsigned short port = 0;
};

// "HOST:PORT" or "[V6]:PORT".
Result<HostPort> parse_listen(const std::string& text);

// The default --keys-dir: `keys` beside the data directory (<data-dir>/../keys), so the keys
// are never inside the directory a backup of the data copies.
std::string default_keys_dir(const std::string& data_dir);

}  // namespace perspectief
