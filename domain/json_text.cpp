#include "domain/json_text.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace perspectief {
namespace {

constexpr std::size_t kMaxFixedDouble = 400;

void write(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, kv.key());
        out += ':';
        write(kv.value(), out);
      }
      out += '}';
      break;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(item, out);
      }
      out += ']';
      break;
    }
    case boost::json::kind::double_: {
      const double d = v.get_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      // The shortest fixed form of any finite double fits: at most 309 integer digits, or
      // "0." and 323 zeros before at most 17 significant digits, and a sign.
      std::array<char, kMaxFixedDouble> buf{};
      auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::fixed);
      if (r.ec != std::errc{}) {
        r = std::to_chars(buf.data(), buf.data() + buf.size(), d);  // cannot happen; never junk
      }
      out.append(buf.data(), r.ptr);
      break;
    }
    default:
      out += boost::json::serialize(v);
  }
}

}  // namespace

std::string json_text(const boost::json::value& v) {
  std::string out;
  write(v, out);
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  out += boost::json::serialize(boost::json::string_view{s.data(), s.size()});
}

}  // namespace perspectief
