#include "api/auth.hpp"

#include <sys/stat.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "eventstore/file_access.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief::api {
namespace {

Error bad_entry(std::size_t index, std::string_view what) {
  return make_error(ErrorCode::invalid,
                    "tokens file entry " + std::to_string(index) + ": " + std::string{what});
}

std::optional<std::string> string_field(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) return std::nullopt;
  return std::string{v->as_string()};
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

}  // namespace

Result<TokenRegistry> TokenRegistry::parse(std::string_view json_text) {
  boost::system::error_code ec;
  const auto v =
      boost::json::parse(boost::json::string_view{json_text.data(), json_text.size()}, ec);
  if (ec || !v.is_array()) return make_error(ErrorCode::invalid, "tokens file is not a JSON array");
  TokenRegistry reg;
  std::size_t index = 0;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) return bad_entry(index, "not an object");
    const auto& o = item.as_object();
    const auto subject = string_field(o, "subject");
    const auto organisation = string_field(o, "organisation");
    const auto role_text = string_field(o, "role");
    if (!subject || !organisation || !role_text) {
      return bad_entry(index, "subject, organisation and role are required");
    }
    const auto role = parse_role(*role_text);
    if (!role) return bad_entry(index, "unknown role");
    std::string hash;
    if (const auto token = string_field(o, "token")) {
      hash = to_hex(sha256(*token));
      ++reg.plain_tokens_;
    } else if (const auto given = string_field(o, "sha256"); given && is_hex64(*given)) {
      hash = *given;
      std::transform(hash.begin(), hash.end(), hash.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      });
    } else {
      return bad_entry(index, "needs a token or a 64-digit hex sha256");
    }
    if (!reg.by_hash_.emplace(hash, Actor{*subject, *organisation, *role}).second) {
      return bad_entry(index, "duplicate token");
    }
    ++index;
  }
  return reg;
}

Result<TokenRegistry> TokenRegistry::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::invalid, "cannot read the tokens file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto reg = parse(ss.str());
  if (!reg) return reg;
  const auto access = file_access(path);
  if (!access) return make_error(ErrorCode::invalid, "cannot read the tokens file " + path);
  const std::string& mode = access->mode;
  if ((access->others & (S_IWOTH | S_IWGRP)) != 0) {
    return make_error(ErrorCode::invalid, "the tokens file " + path +
                                              " can be written by other users (mode " + mode +
                                              "): anyone could add a token; chmod 600 it");
  }
  if (reg->plain_tokens() > 0 && (access->others & (S_IROTH | S_IRGRP)) != 0) {
    return make_error(ErrorCode::invalid,
                      "the tokens file " + path +
                          " holds plain tokens and can be read by other "
                          "users (mode " +
                          mode +
                          "): chmod 600 it (640 if its group is the server's own), or list the "
                          "tokens as sha256 entries; consider its tokens exposed");
  }
  return reg;
}

std::optional<Actor> TokenRegistry::authenticate(std::string_view authorization) const {
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size()) return std::nullopt;
  for (std::size_t i = 0; i < kBearer.size(); ++i) {  // the scheme is case-insensitive
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kBearer[i])
      return std::nullopt;
  }
  const auto token = authorization.substr(kBearer.size());
  const auto it = by_hash_.find(to_hex(sha256(token)));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

}  // namespace perspectief::api
