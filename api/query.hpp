#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/result.hpp"

namespace perspectief::api {

// The decoded query parameters of a target; invalid for bad percent-encoding or a repeated key.
Result<std::unordered_map<std::string, std::string>> parse_query(std::string_view query);

// A whole number in [min, max]; `fallback` when absent; invalid naming the parameter otherwise.
Result<std::uint64_t> uint_param(const std::unordered_map<std::string, std::string>& params,
                                 std::string_view name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max);

}  // namespace perspectief::api
