#include "eventstore/log_cursor.hpp"

#include <rocksdb/db.h>

#include <string>
#include <utility>

#include "eventstore/fold_pages.hpp"
#include "eventstore/keys.hpp"
#include "eventstore/log_reads.hpp"

namespace perspectief {
namespace {

std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

Error damaged_page(std::uint64_t key, std::uint64_t position, std::string_view what) {
  Error e = make_error(ErrorCode::corrupt,
                       "the fold page at position " + std::to_string(key) +
                           " is damaged: the operator should run `perspectief verify`");
  e.internal = "fold page " + std::to_string(key) + ", position " + std::to_string(position) +
               ": " + std::string{what};
  return e;
}

}  // namespace

LogCursor::LogCursor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events,
                     rocksdb::ColumnFamilyHandle* pages, rocksdb::ReadOptions read,
                     std::uint64_t after, Decoding decoding, std::uint64_t last)
    : db_(db),
      events_(events),
      pages_(decoding == Decoding::for_folds ? pages : nullptr),
      read_(std::move(read)),
      decoder_(decoding),
      next_(after + 1),
      last_(last) {}

LogCursor::~LogCursor() = default;

bool LogCursor::fail(Status s) {
  status_ = std::move(s);
  return false;
}

bool LogCursor::next(Envelope& e) {
  // next_ 0: the position after UINT64_MAX.
  if (ended_ || !status_ || next_ == 0 || next_ > last_) return false;
  if (page_ && !page_->done()) return from_page(e);
  if (pages_ != nullptr && fold_pages::starts_page(next_) && open_page()) return from_page(e);
  if (!status_) return false;
  return from_events(e);
}

bool LogCursor::open_page() {
  const std::string key = keys::encode_u64(next_);
  const auto at = [&] { return keys::decode_u64(view(pages_it_->key())); };
  if (!pages_it_) {
    pages_it_.reset(db_.NewIterator(read_, pages_));
    pages_it_->Seek(key);
  } else if (pages_it_->Valid() && at() < next_) {
    // Front to back the next page is the next key; after a stretch without pages, a seek.
    pages_it_->Next();
    if (pages_it_->Valid() && at() < next_) pages_it_->Seek(key);
  }
  if (!pages_it_->Valid()) {
    if (!pages_it_->status().ok()) return fail(store_error(pages_it_->status()));
    return false;
  }
  if (at() != next_) return false;  // no page here: the events themselves
  page_.emplace(view(pages_it_->value()));
  page_key_ = next_;
  if (page_->damaged()) return fail(damaged_page(page_key_, next_, "not a fold page"));
  return true;
}

bool LogCursor::from_page(Envelope& e) {
  std::string_view record;
  if (!page_->next(record)) return fail(damaged_page(page_key_, next_, "cut short"));
  if (auto s = decoder_.decode(record, e); !s) {
    return fail(damaged_page(page_key_, next_, s.error().message));
  }
  if (e.position != next_) return fail(damaged_page(page_key_, next_, "out of order"));
  ++next_;
  return true;
}

bool LogCursor::from_events(Envelope& e) {
  if (!events_it_) {
    events_it_.reset(db_.NewIterator(read_, events_));
    events_it_->Seek(keys::encode_u64(next_));
  } else if (events_at_ != 0 && events_at_ + 1 == next_) {
    events_it_->Next();
  } else {
    events_it_->Seek(keys::encode_u64(next_));  // after pages
  }
  if (!events_it_->Valid()) {
    if (!events_it_->status().ok()) return fail(store_error(events_it_->status()));
    ended_ = true;  // a Next() on an iterator past its end is not allowed
    return false;
  }
  const std::uint64_t position = keys::decode_u64(view(events_it_->key()));
  if (position > last_) {
    ended_ = true;
    return false;
  }
  if (auto s = decoder_.decode(view(events_it_->value()), e); !s) {
    return fail(corrupt_record(position, s.error()));
  }
  events_at_ = position;
  next_ = position + 1;
  return true;
}

}  // namespace perspectief
