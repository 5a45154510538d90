#include "domain/stream_name.hpp"

#include <array>

namespace perspectief {

namespace {

// [A-Za-z0-9_-] by byte value.
constexpr auto kIdCharacters = [] {
  std::array<bool, 256> ok{};
  for (int c = 0; c < 256; ++c) {
    ok[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                      (c >= '0' && c <= '9') || c == '_' || c == '-';
  }
  return ok;
}();

}  // namespace

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  bool ok = true;
  for (const char c : id) ok &= kIdCharacters[static_cast<unsigned char>(c)];
  return ok;
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

std::optional<StreamNameView> parse_stream_view(std::string_view name) {
  if (name == "programme") return StreamNameView{StreamKind::programme, {}};
  for (const auto kind : {StreamKind::case_file, StreamKind::location, StreamKind::activity}) {
    const std::string_view prefix = to_string(kind);
    if (name.size() > prefix.size() + 1 && name.starts_with(prefix) && name[prefix.size()] == '-') {
      const auto id = name.substr(prefix.size() + 1);
      if (!is_valid_id(id)) return std::nullopt;
      return StreamNameView{kind, id};
    }
  }
  return std::nullopt;
}

std::optional<StreamName> parse_stream_name(std::string_view name) {
  const auto view = parse_stream_view(name);
  if (!view) return std::nullopt;
  return StreamName{view->kind, std::string{view->id}};
}

}  // namespace perspectief
