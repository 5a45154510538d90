#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace perspectief {

// One file of the evaluation export: RFC 4180 CSV, UTF-8, a header row, CRLF line ends.
struct CsvFile {
  std::string name;
  std::string text;
  std::uint64_t rows = 0;  // without the header
};

// Builds a CsvFile row by row. A field is quoted only when it holds a comma, a double quote,
// CR or LF (a quote doubled inside), as RFC 4180 has it.
class CsvTable {
 public:
  CsvTable(std::string name, std::initializer_list<std::string_view> header);
  void row(const std::vector<std::string>& fields);
  const CsvFile& file() const { return file_; }

 private:
  void line(const auto& fields);
  CsvFile file_;
};

}  // namespace perspectief
