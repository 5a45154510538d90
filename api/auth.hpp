#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/result.hpp"
#include "domain/role.hpp"

namespace perspectief::api {

// The tokens file (spec/operations.md): a JSON array of {token | sha256, subject,
// organisation, role}. Tokens are kept only as their SHA-256, so a memory dump or a log of
// this object shows no usable secret.
class TokenRegistry {
 public:
  // invalid, naming the entry index, if the file is not such an array.
  static Result<TokenRegistry> parse(std::string_view json_text);
  // parse() of the file; also invalid if users other than the owner may write it, or may
  // read it while it holds plain tokens ("token" entries). The file's group counts only
  // when it is not this process's own group (deploy/install.sh: root:perspectief 0640).
  static Result<TokenRegistry> load(const std::string& path);

  // The actor for an `Authorization` header value ("Bearer <token>"); nullopt if missing,
  // malformed or unknown.
  std::optional<Actor> authenticate(std::string_view authorization) const;

  std::size_t size() const { return by_hash_.size(); }
  // How many entries give the token itself rather than its sha256.
  std::size_t plain_tokens() const { return plain_tokens_; }

 private:
  std::unordered_map<std::string, Actor> by_hash_;  // lower-case hex SHA-256 -> actor
  std::size_t plain_tokens_ = 0;
};

}  // namespace perspectief::api
