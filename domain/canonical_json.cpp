#include "domain/canonical_json.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

#include "domain/json_text.hpp"

namespace perspectief {
namespace {

void write(const boost::json::value& v, std::string& out) {
  if (v.is_object()) {
    const auto& obj = v.as_object();
    std::vector<const boost::json::key_value_pair*> members;
    members.reserve(obj.size());
    for (const auto& kv : obj) members.push_back(&kv);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    out += '{';
    bool first = true;
    for (const auto* kv : members) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, kv->key());
      out += ':';
      write(kv->value(), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& item : v.as_array()) {
      if (!first) out += ',';
      first = false;
      write(item, out);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  write(v, out);
  return out;
}

}  // namespace perspectief
