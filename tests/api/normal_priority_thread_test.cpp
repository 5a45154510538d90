#include "api/normal_priority_thread.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace perspectief::api {
namespace {

TEST(NormalPriorityThread, RunsEachWorkOnItsOwnThreadAndReturnsWhenItIsDone) {
  NormalPriorityThread writes;
  std::vector<std::thread::id> ran_on;
  for (int i = 0; i < 3; ++i) {
    writes.run([&ran_on] { ran_on.push_back(std::this_thread::get_id()); });
    ASSERT_EQ(ran_on.size(), static_cast<std::size_t>(i + 1));  // done before run() returned
  }
  EXPECT_NE(ran_on[0], std::this_thread::get_id());
  EXPECT_EQ(ran_on[1], ran_on[0]);
  EXPECT_EQ(ran_on[2], ran_on[0]);
}

TEST(NormalPriorityThread, WhatTheWorkThrowsIsThrownToTheCallerAndTheThreadGoesOn) {
  NormalPriorityThread writes;
  EXPECT_THROW(writes.run([] { throw std::runtime_error("full"); }), std::runtime_error);
  int ran = 0;
  writes.run([&ran] { ++ran; });
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace perspectief::api
