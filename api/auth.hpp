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
  static Result<TokenRegistry> load(const std::string& path);

  // The actor for an `Authorization` header value ("Bearer <token>"); nullopt if missing,
  // malformed or unknown.
  std::optional<Actor> authenticate(std::string_view authorization) const;

  std::size_t size() const { return by_hash_.size(); }

 private:
  std::unordered_map<std::string, Actor> by_hash_;  // lower-case hex SHA-256 -> actor
};

}  // namespace perspectief::api
