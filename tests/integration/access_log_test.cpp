// The access log over real HTTP and the tool: paging with `after` and `next`, and an export
// with personal data recorded per case. And the size of a problem answer, however many
// faults a request holds.

#include <csignal>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

using AccessLogPaging = ServerTest;

struct Entry {
  std::string role;
  std::string what;
  bool operator==(const Entry&) const = default;
};

std::vector<Entry> entries_of(const HttpResult& r) {
  std::vector<Entry> out;
  const auto v = r.json();
  for (const auto& e : v.at("entries").as_array()) {
    out.push_back({std::string{e.at("role").as_string()}, std::string{e.at("what").as_string()}});
  }
  return out;
}

std::string next_of(const HttpResult& r) {
  const auto v = r.json();
  const auto& next = v.at("next");
  return next.is_null() ? "<null>" : std::string{next.as_string()};
}

TEST_F(AccessLogPaging, PagesOfTwoOverFiveEntries) {
  ASSERT_EQ(post("/v1/cases/c-1/events", "intake", registered()).status, 201);
  // Five reads of personal data, in this order.
  ASSERT_EQ(get("/v1/cases/c-1", "regie").status, 200);
  ASSERT_EQ(get("/v1/cases/c-1/events", "intake").status, 200);
  ASSERT_EQ(get("/v1/cases/c-1", "legal").status, 200);
  ASSERT_EQ(get("/v1/cases/c-1", "return").status, 200);
  ASSERT_EQ(get("/v1/events", "regie").status, 200);
  const std::vector<Entry> all{{"regie", "case-file"},
                               {"intake", "case-events"},
                               {"legal", "case-file"},
                               {"return", "case-file"},
                               {"regie", "feed"}};
  const auto whole = get("/v1/access-log?caseId=c-1", "regie");
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(entries_of(whole), all);
  EXPECT_EQ(next_of(whole), "<null>");

  const auto first = get("/v1/access-log?caseId=c-1&limit=2", "regie");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(entries_of(first), (std::vector<Entry>{all[0], all[1]}));
  const std::string cursor1 = next_of(first);
  ASSERT_EQ(cursor1.size(), 32U) << first.body;

  const auto second = get("/v1/access-log?caseId=c-1&limit=2&after=" + cursor1, "regie");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(entries_of(second), (std::vector<Entry>{all[2], all[3]}));
  const std::string cursor2 = next_of(second);
  ASSERT_EQ(cursor2.size(), 32U) << second.body;

  const auto third = get("/v1/access-log?caseId=c-1&limit=2&after=" + cursor2, "regie");
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(entries_of(third), (std::vector<Entry>{all[4]}));
  EXPECT_EQ(next_of(third), "<null>");

  // A page that ends exactly at the last entry has no next.
  const auto exact = get("/v1/access-log?caseId=c-1&limit=5", "regie");
  EXPECT_EQ(entries_of(exact), all);
  EXPECT_EQ(next_of(exact), "<null>");
  const auto short_page = get("/v1/access-log?caseId=c-1&limit=4", "regie");
  EXPECT_EQ(entries_of(short_page).size(), 4U);
  EXPECT_EQ(next_of(short_page).size(), 32U);

  // A cursor is 32 lower-case hex digits.
  for (const std::string& bad :
       std::vector<std::string>{"xyz", "00", cursor1 + "0", std::string(32, 'A')}) {
    const auto r = get("/v1/access-log?caseId=c-1&after=" + bad, "regie");
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json().at("errors").at(0).at("field").as_string(), "after") << r.body;
  }
}

TEST_F(AccessLogPaging, AnExportWithPersonalDataIsRecordedPerCase) {
  ASSERT_EQ(post("/v1/cases/c-1/events", "intake", registered("Person One")).status, 201);
  ASSERT_EQ(post("/v1/cases/c-2/events", "intake", registered("Person Two")).status, 201);
  ASSERT_EQ(post("/v1/cases/c-2/events", "intake",
                 R"({"type":"IntakeCompleted","data":{"eligible":true}})")
                .status,
            201);
  ASSERT_EQ(
      post("/v1/locations/loc-1/events", "regie",
           R"({"type":"LocationOpened","data":{"name":"L","operator":"org-housing","beds":4}})")
          .status,
      201);
  const std::string data = dir_.sub("data");

  // Beside a running server the store cannot be written: no export with personal data.
  const auto refused = run_command(tool() + " export --data-dir " + data);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.output.find("stop the server first"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("Person"), std::string::npos) << refused.output;
  // The pseudonymised export still runs beside it and records nothing.
  EXPECT_EQ(run_command(tool() + " export --pseudonymise --data-dir " + data, false).exit_code, 0);

  ASSERT_EQ(server_->stop(SIGTERM), 0);
  const auto exported = run_command(tool() + " export --data-dir " + data, false);
  ASSERT_EQ(exported.exit_code, 0);
  EXPECT_NE(exported.output.find("Person Two"), std::string::npos);
  // Only the events after position 1 (c-2's and the location's): only c-2 is recorded again.
  ASSERT_EQ(run_command(tool() + " export --data-dir " + data + " --after 1", false).exit_code, 0);
  start();

  const auto log1 = get("/v1/access-log?caseId=c-1", "regie");
  ASSERT_EQ(log1.status, 200) << log1.body;
  const auto v1 = log1.json();
  const auto& e1 = v1.at("entries").as_array();
  ASSERT_EQ(e1.size(), 1U) << log1.body;
  EXPECT_EQ(e1[0].at("what").as_string(), "export");
  EXPECT_EQ(e1[0].at("role").as_string(), "ops");
  EXPECT_EQ(e1[0].at("organisation").as_string(), "operations");
  EXPECT_FALSE(e1[0].at("subject").as_string().empty());
  const auto log2 = get("/v1/access-log?caseId=c-2", "regie");
  EXPECT_EQ(entries_of(log2), (std::vector<Entry>{{"ops", "export"}, {"ops", "export"}}));
  // Locations are not cases: nothing under their id.
  EXPECT_EQ(get("/v1/access-log?caseId=loc-1", "regie").json().at("entries").as_array().size(), 0U);
}

// One entry per fault would let a request make its answer as large as itself: the list is
// cut at 20 and says how many more there were.
TEST_F(AccessLogPaging, AProblemListsAtMostTwentyErrors) {
  std::string data = R"({"person":{"name":"N"})";
  for (int i = 0; i < 1000; ++i) data += ",\"unknown" + std::to_string(i) + "\":1";
  data += "}";
  const auto r =
      post("/v1/cases/c-1/events", "intake", R"({"type":"CaseRegistered","data":)" + data + "}");
  ASSERT_EQ(r.status, 400) << r.body.substr(0, 300);
  const auto v = r.json();
  const auto& errors = v.at("errors").as_array();
  ASSERT_EQ(errors.size(), 20U);
  EXPECT_EQ(errors[0].at("field").as_string(), "data.unknown0");
  EXPECT_EQ(errors[19].at("field").as_string(), "data.unknown19");
  EXPECT_EQ(v.at("moreErrors").as_int64(), 980);
  EXPECT_LT(r.body.size(), 2000U);
  // Up to 20 faults: all listed, no moreErrors.
  const auto few = post("/v1/cases/c-1/events", "intake",
                        R"({"type":"CaseRegistered","data":{"person":{"name":"N"},"a":1,"b":2}})");
  ASSERT_EQ(few.status, 400);
  EXPECT_EQ(few.json().at("errors").as_array().size(), 2U);
  EXPECT_FALSE(few.json().as_object().contains("moreErrors"));
}

}  // namespace
}  // namespace perspectief::testing
