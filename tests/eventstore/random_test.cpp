#include "eventstore/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace perspectief {
namespace {

std::string draw(std::size_t n) {
  std::string s(n, '\0');
  fill_random(s.data(), n);
  return s;
}

TEST(FillRandom, ManySmallDrawsAreDistinct) {
  // 10,000 x 16 bytes: about 39 refills of the 4 KiB pool.
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(draw(16));
  EXPECT_EQ(seen.size(), 10000U);
}

TEST(FillRandom, WritesExactlyTheRequestedBytes) {
  constexpr std::size_t kGuard = 64;
  constexpr unsigned char kFill = 0xA5;
  for (const std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{1024}, std::size_t{1025}, std::size_t{5000}}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    std::vector<unsigned char> buf(kGuard + n + kGuard, kFill);
    fill_random(buf.data() + kGuard, n);
    EXPECT_TRUE(std::all_of(buf.begin(), buf.begin() + kGuard,
                            [&](unsigned char c) { return c == kFill; }));
    EXPECT_TRUE(
        std::all_of(buf.end() - kGuard, buf.end(), [&](unsigned char c) { return c == kFill; }));
    if (n == 0) {
      EXPECT_EQ(buf, std::vector<unsigned char>(2 * kGuard, kFill));
    }
  }
  // 1025 bytes and more come straight from the generator, not from the pool.
  for (const std::size_t n : {std::size_t{1024}, std::size_t{1025}, std::size_t{5000}}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    std::vector<unsigned char> buf(n, 0);
    fill_random(buf.data(), n);
    EXPECT_FALSE(std::all_of(buf.begin(), buf.end(), [](unsigned char c) { return c == 0; }));
  }
}

TEST(FillRandom, LargeDrawsAreDistinct) {
  EXPECT_NE(draw(1025), draw(1025));
  EXPECT_NE(draw(5000), draw(5000));
}

TEST(FillRandom, ThreadsDrawDistinctBytes) {
  std::vector<std::string> a;
  std::vector<std::string> b;
  auto draws = [](std::vector<std::string>* out) {
    for (int i = 0; i < 500; ++i) out->push_back(draw(32));
  };
  std::thread ta(draws, &a);
  std::thread tb(draws, &b);
  ta.join();
  tb.join();
  ASSERT_EQ(a.size(), 500U);
  ASSERT_EQ(b.size(), 500U);
  std::set<std::string> all(a.begin(), a.end());
  EXPECT_EQ(all.size(), 500U);
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 1000U);
}

}  // namespace
}  // namespace perspectief
