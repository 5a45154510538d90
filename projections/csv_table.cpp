#include "projections/csv_table.hpp"

namespace perspectief {
namespace {

void append_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

CsvTable::CsvTable(std::string name, std::initializer_list<std::string_view> header) {
  file_.name = std::move(name);
  line(header);
}

void CsvTable::line(const auto& fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) file_.text += ',';
    first = false;
    append_field(file_.text, f);
  }
  file_.text += "\r\n";
}

void CsvTable::row(const std::vector<std::string>& fields) {
  line(fields);
  ++file_.rows;
}

}  // namespace perspectief
