#include "eventstore/fold_pages.hpp"

#include <array>
#include <cstring>

#include "eventstore/binary_record.hpp"

namespace perspectief::fold_pages {

void PageBuilder::add(const Envelope& e, std::string_view data_json) {
  if (starts_page(e.position)) {
    bytes_.assign(1, kTag);
    count_ = 0;
  } else if (next_ == 0 || e.position != next_) {
    abandon();
    return;
  }
  const std::size_t at = bytes_.size();
  bytes_.append(sizeof(std::uint32_t), '\0');
  const auto size =
      static_cast<std::uint32_t>(binary_record::append_for_folds(bytes_, e, data_json));
  std::memcpy(bytes_.data() + at, &size, sizeof(size));
  ++count_;
  next_ = e.position + 1;
}

std::optional<std::string> PageBuilder::take_full() {
  if (count_ != kEvents || next_ == 0) return std::nullopt;
  std::string page = std::move(bytes_);
  bytes_.clear();
  count_ = 0;
  return page;
}

void PageBuilder::abandon() {
  bytes_.clear();
  count_ = 0;
  next_ = 0;
}

PageReader::PageReader(std::string_view page) {
  if (page.empty() || page.front() != kTag) {
    damaged_ = true;
    return;
  }
  rest_ = page.substr(1);
}

bool PageReader::next(std::string_view& record) {
  if (damaged_ || rest_.empty()) return false;
  std::uint32_t size = 0;
  if (rest_.size() < sizeof(size)) {
    damaged_ = true;
    return false;
  }
  std::memcpy(&size, rest_.data(), sizeof(size));
  rest_.remove_prefix(sizeof(size));
  if (size > rest_.size()) {
    damaged_ = true;
    return false;
  }
  record = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return true;
}

}  // namespace perspectief::fold_pages
