#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace perspectief {

// A minimal binary encoding for snapshots: fixed-width little-endian integers and
// length-prefixed strings. The reader turns any overrun into a failed state, never UB.
class SnapshotWriter {
 public:
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void u64(std::uint64_t v) { pod(v); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s.data(), s.size());
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class SnapshotReader {
 public:
  explicit SnapshotReader(std::string_view in) : in_(in) {}
  template <class T>
  T pod() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v{};
    if (!ok_ || in_.size() - pos_ < sizeof v) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::uint64_t u64() { return pod<std::uint64_t>(); }
  // A count of following items, refused when it could not fit in what is left.
  std::uint64_t count(std::size_t min_item_size) {
    const auto n = u64();
    if (min_item_size > 0 && n > (in_.size() - pos_) / min_item_size) ok_ = false;
    return ok_ ? n : 0;
  }
  std::string str() {
    const auto n = u64();
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return {};
    }
    std::string s{in_.substr(pos_, n)};
    pos_ += n;
    return s;
  }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace perspectief
