#include "domain/stream_name.hpp"

namespace perspectief {

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view to_string(StreamKind kind) {
  switch (kind) {
    case StreamKind::programme:
      return "programme";
    case StreamKind::location:
      return "location";
    case StreamKind::case_file:
      return "case";
    case StreamKind::activity:
      return "activity";
  }
  return "programme";
}

std::string stream_name(StreamKind kind, std::string_view id) {
  if (kind == StreamKind::programme) return "programme";
  std::string out{to_string(kind)};
  out += '-';
  out += id;
  return out;
}

std::optional<StreamName> parse_stream_name(std::string_view name) {
  if (name == "programme") return StreamName{StreamKind::programme, {}};
  for (const auto kind : {StreamKind::location, StreamKind::case_file, StreamKind::activity}) {
    const std::string_view prefix = to_string(kind);
    if (name.size() > prefix.size() + 1 && name.substr(0, prefix.size()) == prefix &&
        name[prefix.size()] == '-') {
      const auto id = name.substr(prefix.size() + 1);
      if (!is_valid_id(id)) return std::nullopt;
      return StreamName{kind, std::string{id}};
    }
  }
  return std::nullopt;
}

}  // namespace perspectief
