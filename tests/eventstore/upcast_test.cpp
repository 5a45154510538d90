// Schema evolution: a version-0 event stored long ago reads back in the current shape.
#include <gtest/gtest.h>

#include "domain/upcasters.hpp"
#include "tests/eventstore/store_fixture.hpp"

namespace perspectief::testing {
namespace {

TEST(Upcast, AStoredVersionZeroEventReadsBackUpcast) {
  TempDir dir;
  ManualClock clock{kT0};
  auto opts = options(dir.sub("db"), &clock);
  opts.upcast = [](Envelope& e) { e.schema_version = upcast(e.type, e.schema_version, e.data); };
  auto store = RocksEventStore::open(std::move(opts));
  ASSERT_TRUE(store.ok());
  // What a pilot import wrote: CaseRegistered version 0, the person flat.
  auto v0 = make_new_event(
      random_uuid(), "CaseRegistered", kT0,
      boost::json::parse(R"({"name":"Oude Vorm","birthDate":"1980-05-17","nationality":"GH"})")
          .as_object(),
      0);
  ASSERT_TRUE((*store)->append_sync(request("case-old", {std::move(v0)})).ok());

  auto read = (*store)->read_stream("case-old", 1, 10, Direction::forwards);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1U);
  const Envelope& e = read->front();
  EXPECT_EQ(e.schema_version, 1);
  EXPECT_EQ(e.data,
            boost::json::parse(
                R"({"person":{"name":"Oude Vorm","nationality":"GH","dateOfBirth":"1980-05-17"}})")
                .as_object());
  auto all = (*store)->read_all(0, 10);
  EXPECT_EQ(all->front().data, e.data);

  // Without the upcaster the stored bytes are still version 0: the log was not rewritten.
  (*store)->close();
  auto raw = RocksEventStore::open(options(dir.sub("db"), &clock));
  ASSERT_TRUE(raw.ok());
  auto stored = (*raw)->read_stream("case-old", 1, 10, Direction::forwards);
  EXPECT_EQ(stored->front().schema_version, 0);
  EXPECT_TRUE(stored->front().data.contains("birthDate"));
}

}  // namespace
}  // namespace perspectief::testing
