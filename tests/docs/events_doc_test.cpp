#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event_catalogue.hpp"
#include "domain/stream_name.hpp"

// docs/events.md documents every event type of the catalogue under a heading "### <Type>",
// in the section of its stream ("## Programme events", "## Location events", "## Activity
// events", "## Case events"), in catalogue order; and documents no type the catalogue lacks.

namespace perspectief {
namespace {

constexpr const char* kEventsDoc = PERSPECTIEF_SOURCE_DIR "/docs/events.md";

std::vector<std::string> read_lines(const char* path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// The stream of a "## <Stream> events" section; nullopt for any other section.
std::optional<StreamKind> event_section(std::string_view title) {
  static const std::map<std::string_view, StreamKind> kSections{
      {"Programme events", StreamKind::programme},
      {"Location events", StreamKind::location},
      {"Activity events", StreamKind::activity},
      {"Case events", StreamKind::case_file},
  };
  const auto it = kSections.find(title);
  if (it == kSections.end()) return std::nullopt;
  return it->second;
}

struct Heading {
  std::string type;
  StreamKind section = StreamKind::programme;
  std::size_t line = 0;  // 1-based
};

// The "### X" headings inside the event-type sections, in document order (lines inside
// ``` fences are not headings).
std::vector<Heading> event_headings(const std::vector<std::string>& lines) {
  std::vector<Heading> out;
  // GCC 12 warns (falsely) about an optional<enum> here: keep the section as a flag and a kind.
  bool in_section = false;
  StreamKind section = StreamKind::programme;
  bool fenced = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.starts_with("```")) {
      fenced = !fenced;
    } else if (fenced) {
      continue;
    } else if (line.starts_with("## ")) {
      const auto kind = event_section(line.substr(3));
      in_section = kind.has_value();
      if (kind) section = *kind;
    } else if (line.starts_with("# ")) {
      in_section = false;
    } else if (line.starts_with("### ") && in_section) {
      Heading h;
      h.type = std::string{line.substr(4)};
      h.section = section;
      h.line = i + 1;
      out.push_back(std::move(h));
    }
  }
  return out;
}

class EventsDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    lines_ = read_lines(kEventsDoc);
    ASSERT_FALSE(lines_.empty()) << "cannot read " << kEventsDoc;
    headings_ = event_headings(lines_);
  }

  std::vector<std::string> lines_;
  std::vector<Heading> headings_;
};

TEST_F(EventsDoc, HasAHeadingForEveryCatalogueType) {
  for (const auto& spec : event_catalogue()) {
    const std::string heading = "### " + std::string{spec.type};
    int count = 0;
    for (const auto& line : lines_) count += line == heading ? 1 : 0;
    EXPECT_EQ(count, 1) << kEventsDoc << " has " << count << " lines \"" << heading << "\"";
  }
}

TEST_F(EventsDoc, DocumentsNoTypeOutsideTheCatalogue) {
  ASSERT_FALSE(headings_.empty()) << "no \"## ... events\" sections with \"### <Type>\" headings";
  for (const auto& h : headings_) {
    EXPECT_NE(find_event_spec(h.type), nullptr)
        << kEventsDoc << ":" << h.line << ": \"### " << h.type
        << "\" is not an event type of the catalogue";
  }
}

TEST_F(EventsDoc, DocumentsEachTypeInItsStreamsSectionInCatalogueOrder) {
  std::vector<std::string> documented;
  for (const auto& h : headings_) {
    documented.push_back(h.type);
    const EventSpec* spec = find_event_spec(h.type);
    if (spec == nullptr) continue;  // reported by DocumentsNoTypeOutsideTheCatalogue
    EXPECT_EQ(to_string(h.section), to_string(spec->stream))
        << kEventsDoc << ":" << h.line << ": " << h.type << " is in the wrong section";
  }
  std::vector<std::string> catalogue;
  for (const auto& spec : event_catalogue()) catalogue.emplace_back(spec.type);
  EXPECT_EQ(documented, catalogue);
}

}  // namespace
}  // namespace perspectief
