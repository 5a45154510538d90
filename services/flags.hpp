#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace perspectief {

// One option: its long name (without dashes), whether it is a switch (no value needed), its
// help text and the name of its value in the help.
struct FlagSpec {
  std::string name;
  std::string help;
  std::string value_name = "VALUE";
  bool is_switch = false;
};

// Command-line flags "--name value" / "--name=value" / "--switch", each also readable from the
// environment as PERSPECTIEF_<NAME> (upper case, '-' -> '_'), and, where a command takes
// one, from a config file (--config FILE, or PERSPECTIEF_CONFIG): INI lines "name = value"
// keyed by the long flag names. The command line wins over the environment, the environment
// over the file. Parsed with Boost.Program_options; names are never abbreviated.
class Flags {
 public:
  // `known`: flag names without dashes; `switches`: the ones that take no value.
  static Result<Flags> parse(const std::vector<std::string>& args,
                             const std::vector<std::string>& known,
                             const std::vector<std::string>& switches);
  // The same from option definitions; with `config_file`, a `config` option names the file,
  // whose unknown keys are refused.
  static Result<Flags> parse_options(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs, bool config_file);
  // The options' help, one per line, generated from the definitions.
  static std::string help_text(const std::vector<FlagSpec>& specs);

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
