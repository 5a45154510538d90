#include "services/flags.hpp"

#include <filesystem>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace perspectief {

Result<Flags> Flags::parse(const std::vector<std::string>& args,
                           const std::vector<std::string>& known,
                           const std::vector<std::string>& switches) {
  Flags f;
  const auto is_known = [&](const std::string& n) {
    return std::find(known.begin(), known.end(), n) != known.end();
  };
  const auto is_switch = [&](const std::string& n) {
    return std::find(switches.begin(), switches.end(), n) != switches.end();
  };
  for (const auto& name : known) {
    std::string env = "PERSPECTIEF_" + name;
    std::transform(env.begin(), env.end(), env.begin(), [](char c) {
      return c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    // Flags are read at start-up, before any other thread, and nothing calls setenv.
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    if (const char* v = std::getenv(env.c_str()); v != nullptr && *v != '\0') f.values_[name] = v;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      f.positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (!is_known(name)) return make_error(ErrorCode::invalid, "unknown flag --" + name);
    if (is_switch(name)) {
      f.values_[name] = inline_value ? value : "true";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size())
        return make_error(ErrorCode::invalid, "--" + name + " needs a value");
      value = args[++i];
    }
    f.values_[name] = value;
  }
  return f;
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
