#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace perspectief {

enum class StreamKind { programme, location, case_file, activity };

struct StreamName {
  StreamKind kind;
  std::string id;  // empty for the programme stream
};

// An id of a location, case or activity: 1-64 characters of [A-Za-z0-9_-].
bool is_valid_id(std::string_view id);

// "programme", "location-{id}", "case-{id}", "activity-{id}"; nullopt for anything else.
std::optional<StreamName> parse_stream_name(std::string_view name);

// The same with the id as a view into `name` (the folds parse every event's stream).
struct StreamNameView {
  StreamKind kind;
  std::string_view id;
};
std::optional<StreamNameView> parse_stream_view(std::string_view name);

std::string stream_name(StreamKind kind, std::string_view id);

std::string_view to_string(StreamKind kind);

}  // namespace perspectief
