#include "services/flags.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace perspectief {

namespace po = boost::program_options;

namespace {

// The options of `specs` for Boost.Program_options. For parsing, every value is kept as text
// and every occurrence kept (the last one wins, as the callers check the values with their
// own messages); for the help, a switch shows no value and the others their value's name.
po::options_description describe(const std::vector<FlagSpec>& specs, bool for_help) {
  po::options_description desc("options", 100, 46);
  for (const auto& spec : specs) {
    if (!for_help) {
      desc.add_options()(spec.name.c_str(), po::value<std::vector<std::string>>());
    } else if (spec.is_switch) {
      desc.add_options()(spec.name.c_str(), spec.help.c_str());
    } else {
      desc.add_options()(spec.name.c_str(), po::value<std::string>()->value_name(spec.value_name),
                         spec.help.c_str());
    }
  }
  return desc;
}

// The last value given for `name`, if any.
std::optional<std::string> last_of(const po::variables_map& vm, const std::string& name) {
  if (vm.count(name) == 0) return std::nullopt;
  const auto& values = vm[name].as<std::vector<std::string>>();
  if (values.empty()) return std::nullopt;
  return values.back();
}

std::string env_name(const std::string& flag) {
  std::string env = "PERSPECTIEF_" + flag;
  std::transform(env.begin(), env.end(), env.begin(), [](char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return env;
}

}  // namespace

Result<Flags> Flags::parse(const std::vector<std::string>& args,
                           const std::vector<std::string>& known,
                           const std::vector<std::string>& switches) {
  std::vector<FlagSpec> specs;
  specs.reserve(known.size());
  for (const auto& name : known) {
    specs.push_back(
        {name, "", "VALUE", std::find(switches.begin(), switches.end(), name) != switches.end()});
  }
  return parse_options(args, specs, false);
}

Result<Flags> Flags::parse_options(const std::vector<std::string>& args,
                                   const std::vector<FlagSpec>& specs, bool config_file) {
  Flags f;
  po::options_description desc = describe(specs, false);
  desc.add_options()("positional-arguments", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("positional-arguments", -1);
  // A bare switch is given its value here: with an implicit value, Program_options would take
  // the next word (a positional argument) for it.
  std::vector<std::string> words = args;
  for (auto& w : words) {
    for (const auto& spec : specs) {
      if (spec.is_switch && w == "--" + spec.name) w += "=true";
    }
  }
  po::variables_map vm;
  try {
    po::store(
        po::command_line_parser(words)
            .options(desc)
            .positional(positional)
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing &
                   ~po::command_line_style::allow_short)
            .run(),
        vm);
  } catch (const po::unknown_option& e) {
    const std::string given = e.get_option_name();  // "--name" or "--name=value"
    return make_error(ErrorCode::invalid, "unknown flag " + given.substr(0, given.find('=')));
  } catch (const po::invalid_command_line_syntax& e) {
    if (e.kind() == po::invalid_command_line_syntax::missing_parameter) {
      return make_error(ErrorCode::invalid, e.get_option_name() + " needs a value");
    }
    return make_error(ErrorCode::invalid, e.what());
  } catch (const po::error& e) {
    return make_error(ErrorCode::invalid, e.what());
  }
  for (const auto& spec : specs) {
    if (auto v = last_of(vm, spec.name)) f.values_[spec.name] = std::move(*v);
  }
  if (vm.count("positional-arguments") != 0) {
    f.positional_ = vm["positional-arguments"].as<std::vector<std::string>>();
  }
  // The environment, for what the command line left unset; an empty variable is unset.
  for (const auto& spec : specs) {
    if (f.values_.contains(spec.name)) continue;
    // Flags are read at start-up, before any other thread, and nothing calls setenv.
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    if (const char* v = std::getenv(env_name(spec.name).c_str()); v != nullptr && *v != '\0') {
      f.values_[spec.name] = v;
    }
  }
  const auto file = f.get("config");
  if (!config_file || !file) return f;
  // The config file, for what neither set: keys are the flag names, "config" itself excepted.
  std::vector<FlagSpec> keys;
  std::copy_if(specs.begin(), specs.end(), std::back_inserter(keys),
               [](const FlagSpec& s) { return s.name != "config" && s.name != "help"; });
  std::ifstream in(*file);
  if (!in) return make_error(ErrorCode::invalid, "cannot read the config file " + *file);
  po::variables_map from_file;
  try {
    po::store(po::parse_config_file(in, describe(keys, false), false), from_file);
  } catch (const po::unknown_option& e) {
    return make_error(ErrorCode::invalid,
                      "unknown key " + e.get_option_name() + " in the config file " + *file);
  } catch (const po::error& e) {
    return make_error(ErrorCode::invalid,
                      "the config file " + *file + " cannot be read: " + e.what());
  }
  for (const auto& spec : keys) {
    if (f.values_.contains(spec.name)) continue;
    if (auto v = last_of(from_file, spec.name)) f.values_[spec.name] = std::move(*v);
  }
  return f;
}

std::string Flags::help_text(const std::vector<FlagSpec>& specs) {
  std::ostringstream out;
  out << describe(specs, true);
  return out.str();
}

std::optional<std::string> Flags::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<bool> Flags::enabled(const std::string& name) const {
  const auto v = get(name);
  if (!v) return false;
  if (*v == "true" || *v == "1" || *v == "yes") return true;
  if (*v == "false" || *v == "0" || *v == "no" || v->empty()) return false;
  return make_error(ErrorCode::invalid, "--" + name + " takes true or false");
}

std::string Flags::get_or(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

Result<std::uint64_t> Flags::get_uint(const std::string& name, std::uint64_t fallback) const {
  const auto v = get(name);
  if (!v) return fallback;
  std::uint64_t out = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (v->empty() || ec != std::errc{} || ptr != v->data() + v->size()) {
    return make_error(ErrorCode::invalid, "--" + name + " must be a whole number");
  }
  return out;
}

Result<HostPort> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return make_error(ErrorCode::invalid, "--listen must be HOST:PORT");
  HostPort hp;
  hp.host = text.substr(0, colon);
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  unsigned v = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (hp.host.empty() || port.empty() || ec != std::errc{} || ptr != port.data() + port.size() ||
      v > 65535) {
    return make_error(ErrorCode::invalid, "--listen must be HOST:PORT");
  }
  hp.port = static_cast<unsigned short>(v);
  if (hp.host == "localhost") hp.host = "127.0.0.1";
  return hp;
}

std::string default_keys_dir(const std::string& data_dir) {
  std::filesystem::path p{data_dir};
  if (!p.has_filename()) p = p.parent_path();  // "var/data/"
  return (p.parent_path() / "keys").string();
}

}  // namespace perspectief
