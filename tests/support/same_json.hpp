#pragma once

#include <boost/json/value.hpp>

#include <cstddef>

namespace perspectief::testing {

// Whether what a reader gives back (`read`) equals what a client sent (`sent`) as JSON:
// numbers by value (a sent 12.50 reads back as 12.5, a sent 3.0 as 3), members in any order,
// and a member sent as null counts as left out (the API stores none). Header-only: the fuzz
// targets use it too.
inline bool same_json(const boost::json::value& sent, const boost::json::value& read) {
  if (sent.is_number() && read.is_number()) {
    return sent.to_number<double>() == read.to_number<double>();
  }
  if (sent.kind() != read.kind()) return false;
  if (sent.is_object()) {
    std::size_t members = 0;
    for (const auto& [key, value] : sent.get_object()) {
      if (value.is_null()) continue;
      ++members;
      const auto* other = read.get_object().if_contains(key);
      if (other == nullptr || !same_json(value, *other)) return false;
    }
    return members == read.get_object().size();
  }
  if (sent.is_array()) {
    const auto& x = sent.get_array();
    const auto& y = read.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!same_json(x[i], y[i])) return false;
    }
    return true;
  }
  return sent == read;
}

}  // namespace perspectief::testing
