#include "eventstore/erasure_overlay.hpp"

#include "eventstore/keys.hpp"

namespace perspectief {

void ErasureOverlay::erased(std::string stream) {
  WriterLock lock(mu_);
  erased_.insert(std::move(stream));
}

bool ErasureOverlay::is_erased(std::string_view key) const {
  ReaderLock lock(mu_);
  return erased_.contains(std::string{key});
}

Result<std::optional<std::string>> ErasureOverlay::get(std::string_view key) const {
  if (is_erased(key)) return std::optional<std::string>{std::string{keys::kErasedDataKey}};
  return inner_.get(key);
}

Status ErasureOverlay::scan(
    std::string_view from,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  return inner_.scan(from, [&](std::string_view key, std::string_view value) {
    return visit(key, is_erased(key) ? keys::kErasedDataKey : value);
  });
}

}  // namespace perspectief
