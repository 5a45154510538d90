#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "eventstore/clock.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "tests/support/memory_side_table.hpp"
#include "tests/support/temp_dir.hpp"

namespace perspectief::testing {

// The SideTables the privacy layer runs on: a column family of the store, and memory.
enum class Table { rocks, memory };

inline std::string table_name(const ::testing::TestParamInfo<Table>& info) {
  return info.param == Table::rocks ? "Rocks" : "Memory";
}

// A fresh store and an in-memory table; a test runs once over each (INSTANTIATE_TEST_SUITE_P
// with ::testing::Values(Table::rocks, Table::memory), table_name).
class SideTableTest : public ::testing::TestWithParam<Table> {
 protected:
  void SetUp() override {
    RocksStoreOptions o;
    o.path = tmp_.sub("data");
    o.clock = &clock_;
    store_ = std::move(RocksEventStore::open(std::move(o))).value();
  }
  // `in_store` (one of the store's tables), or the in-memory one.
  SideTable& pick(SideTable& in_store) {
    if (GetParam() == Table::memory) return memory_;
    return in_store;
  }
  TempDir tmp_;
  ManualClock clock_{1'600'000'000'000'000};
  std::unique_ptr<RocksEventStore> store_;
  MemorySideTable memory_;
};

}  // namespace perspectief::testing
