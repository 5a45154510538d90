// Personal data over the real server: encrypted at rest (a distinctive name and note never
// appear in any file of the store), erasure by crypto-shredding (no read shows the person
// again, aggregates unchanged, verify passes, the wrapped key leaves the store's files), the
// researcher's pseudonymised feed, the access log, master-key rotation, and replaying a
// pseudonymised export to the live service's aggregates.
#include <openssl/hmac.h>
#include <rocksdb/db.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include "domain/time.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/sha256.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace perspectief::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kName = "Zebulon Quixotewright";
constexpr const char* kReferral = "referred by the Quillfeather parish";
constexpr const char* kNote = "sleeps badly since Xanthorrhoea crossing";

std::string read_all(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The files under `dir` whose bytes contain `needle`.
std::vector<std::string> files_containing(const fs::path& dir, std::string_view needle) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (read_all(entry.path()).find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

std::string registration() {
  return ev("CaseRegistered", std::string{R"({"person":{"name":")"} + kName +
                                  R"(","nationality":"XX"},"referralSource":")" + kReferral +
                                  R"("})");
}

std::string intake_with_note() {
  return ev("IntakeCompleted", std::string{R"({"eligible":true,"notes":")"} + kNote + R"("})");
}

// The stored (wrapped) data key of a stream, read from a read-only open of the store. Such an
// open beside a server that is flushing (it purges at every start) may see the store as it
// was a moment earlier: try again for up to 10 s.
std::string wrapped_key(const std::string& data_dir, const std::string& stream) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto store = ReadOnlyStore::open(data_dir);
    if (!store) continue;
    std::string value;
    if ((*store)->db().Get({}, (*store)->cf(kDataKeysCf), stream, &value).ok()) return value;
  }
  return {};
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return to_hex(mac, len);
}

using Privacy = ServerTest;

TEST_F(Privacy, PersonalDataIsNeverStoredInTheClear) {
  ASSERT_EQ(post("/v1/cases/p1/events", "intake", registration()).status, 201);
  ASSERT_EQ(post("/v1/cases/p1/events", "intake", intake_with_note()).status, 201);
  // Positive control: the service does show them to intake.
  const auto shown = get("/v1/cases/p1/events", "intake");
  ASSERT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find(kName), std::string::npos);
  EXPECT_NE(shown.body.find(kReferral), std::string::npos);
  EXPECT_NE(shown.body.find(kNote), std::string::npos);

  // While running (the WAL and memtables), and after a clean stop (table files, snapshot).
  for (const char* needle : {kName, "Quixotewright", kReferral, kNote, "Xanthorrhoea"}) {
    EXPECT_EQ(files_containing(dir_.sub("data"), needle), std::vector<std::string>{}) << needle;
  }
  ASSERT_EQ(server_->stop(SIGTERM), 0);
  for (const char* needle : {kName, "Quixotewright", kReferral, kNote, "Xanthorrhoea"}) {
    EXPECT_EQ(files_containing(dir_.sub("data"), needle), std::vector<std::string>{}) << needle;
    EXPECT_EQ(files_containing(dir_.sub("keys"), needle), std::vector<std::string>{}) << needle;
  }
  // The keys directory is the owner's only.
  EXPECT_EQ(fs::status(dir_.sub("keys")).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir_.sub("keys") + "/research.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // A server given other keys (a typo, a missing mount) refuses to start rather than serve
  // a store whose personal data it cannot open.
  const auto wrong = run_command(std::string{PERSPECTIEF_SERVER_BIN} +
                                 " --listen 127.0.0.1:0 --tokens " + tokens_ + " --data-dir " +
                                 dir_.sub("data") + " --keys-dir " + dir_.sub("other-keys"));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.output.find("cannot open this store's personal data"), std::string::npos)
      << wrong.output;
  // A restarted server with the right keys still opens them.
  start();
  const auto again = get("/v1/cases/p1", "intake");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("person").at("name").as_string(), kName);
}

TEST_F(Privacy, ErasureMakesThePersonUnreadableEverywhereAndKeepsTheFigures) {
  ASSERT_EQ(post("/v1/cases/e1/events", "intake", registration()).status, 201);
  ASSERT_EQ(post("/v1/cases/e1/events", "intake", intake_with_note()).status, 201);
  ASSERT_EQ(post("/v1/cases/e2/events", "intake", registered("Other Person")).status, 201);
  const std::string today =
      format_date(day_of(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()));
  const std::string funnel_query = "/v1/intake-funnel?from=" + today + "&to=" + today;
  const auto funnel_before = get(funnel_query, "regie");
  ASSERT_EQ(funnel_before.status, 200);
  EXPECT_EQ(funnel_before.json().at("registered").as_int64(), 2);
  const std::string key_before = wrapped_key(dir_.sub("data"), "case-e1");
  ASSERT_GT(key_before.size(), 40U);
  ASSERT_FALSE(files_containing(dir_.sub("data"), key_before).empty());

  EXPECT_EQ(client_->request("DELETE", "/v1/cases/e1/personal-data", "t-legal").status, 403);
  EXPECT_EQ(client_->request("DELETE", "/v1/cases/e1/personal-data", "t-housing").status, 403);
  EXPECT_EQ(client_->request("DELETE", "/v1/cases/nobody/personal-data", "t-intake").status, 404);
  const auto erased = client_->request("DELETE", "/v1/cases/e1/personal-data", "t-intake");
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(erased.json().at("version").as_int64(), 3);
  EXPECT_EQ(erased.json().at("caseId").as_string(), "e1");

  const auto file = get("/v1/cases/e1", "regie");
  ASSERT_EQ(file.status, 200);
  EXPECT_TRUE(file.json().at("person").is_null());
  const auto events = get("/v1/cases/e1/events", "intake");
  ASSERT_EQ(events.status, 200);
  const auto list = events.json().at("events").as_array();
  ASSERT_EQ(list.size(), 3U);
  EXPECT_EQ(list[0].at("data").as_object().size(), 0U);  // person and referralSource gone
  EXPECT_EQ(list[1].at("data").as_object().size(), 1U);  // only "eligible" is left
  EXPECT_EQ(list[2].at("type").as_string(), "PersonalDataErased");
  const auto feed = get("/v1/events", "regie");
  for (const char* needle : {"Quixotewright", "Quillfeather", "Xanthorrhoea"}) {
    EXPECT_EQ(events.body.find(needle), std::string::npos) << needle;
    EXPECT_EQ(feed.body.find(needle), std::string::npos) << needle;
  }
  EXPECT_NE(feed.body.find("Other Person"), std::string::npos);  // the other case is intact
  // The figures stay.
  EXPECT_EQ(figures_of(get(funnel_query, "regie").body), figures_of(funnel_before.body));

  // Erasing again changes nothing; new personal data about the person is not kept (the fields
  // are dropped), other facts are.
  const auto twice = client_->request("DELETE", "/v1/cases/e1/personal-data", "t-regie");
  ASSERT_EQ(twice.status, 200);
  EXPECT_EQ(twice.json().at("version").as_int64(), 3);
  const auto with_reason =
      post("/v1/cases/e1/events", "intake",
           ev("PlacementDecided", R"({"decision":"waitlisted","reason":"Quixotewright waits"})"));
  ASSERT_EQ(with_reason.status, 201) << with_reason.body;
  EXPECT_EQ(with_reason.json().at("events").at(0).at("data"),
            (boost::json::object{{"decision", "waitlisted"}}));
  EXPECT_EQ(get("/v1/cases/e1/events", "intake").body.find("Quixotewright"), std::string::npos);
  EXPECT_EQ(
      post("/v1/cases/e1/events", "intake", ev("PlacementDecided", R"({"decision":"waitlisted"})"))
          .status,
      201);

  // The wrapped key leaves every file of the store (flush and compaction in the background).
  std::vector<std::string> holding;
  for (int i = 0; i < 100; ++i) {
    holding = files_containing(dir_.sub("data"), key_before);
    if (holding.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(holding, std::vector<std::string>{});

  // With the purge done and the server stopped (an export with personal data writes the
  // access log): the export shows no person, and the hash chain still verifies (it covers the
  // ciphertext).
  ASSERT_EQ(server_->stop(SIGTERM), 0);
  const auto exported = run_command(tool() + " export --data-dir " + dir_.sub("data"), false);
  ASSERT_EQ(exported.exit_code, 0);
  EXPECT_EQ(exported.output.find("Quixotewright"), std::string::npos);
  EXPECT_NE(exported.output.find("Other Person"), std::string::npos);
  EXPECT_NE(exported.output.find("PersonalDataErased"), std::string::npos);
  const auto verify = run_command(tool() + " verify --data-dir " + dir_.sub("data"));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;

  // After a restart the erasure holds.
  start();
  EXPECT_TRUE(get("/v1/cases/e1", "intake").json().at("person").is_null());
  EXPECT_EQ(get("/v1/cases/e2", "intake").json().at("person").at("name").as_string(),
            "Other Person");
}

TEST_F(Privacy, TheResearchFeedIsPseudonymised) {
  ASSERT_EQ(post("/v1/cases/r1/events", "intake", registration()).status, 201);
  ASSERT_EQ(post("/v1/cases/r1/events", "intake", intake_with_note()).status, 201);
  ASSERT_EQ(post("/v1/cases/r2/events", "intake", registered("Other Person")).status, 201);
  ASSERT_EQ(
      post("/v1/locations/loc-1/events", "regie",
           ev("LocationOpened", R"({"name":"De Vlinder","operator":"org-housing","beds":40})"))
          .status,
      201);
  const auto feed = get("/v1/events", "researcher");
  ASSERT_EQ(feed.status, 200);
  const auto again = get("/v1/events", "researcher");
  EXPECT_EQ(again.body, feed.body);  // stable pseudonyms
  for (const char* needle :
       {"Quixotewright", "Quillfeather", "Xanthorrhoea", "Other Person", "intake-1", "\"r1\"",
        "case-r1", "case-r2", "person", "notes", "referralSource", "subject"}) {
    EXPECT_EQ(feed.body.find(needle), std::string::npos) << needle;
  }
  const std::string research_key = read_all(dir_.sub("keys") + "/research.key");
  ASSERT_EQ(research_key.size(), 32U);
  const std::string p1 = "case-" + hmac_hex(research_key, "r1").substr(0, 32);
  const std::string p2 = "case-" + hmac_hex(research_key, "r2").substr(0, 32);
  const auto regie = get("/v1/events", "regie").json().at("events").as_array();
  const auto events = feed.json().at("events").as_array();
  ASSERT_EQ(events.size(), 4U);
  const std::vector<std::string> streams{p1, p1, p2, "location-loc-1"};
  const std::regex uuid{"^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"};
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i].as_object();
    EXPECT_EQ(e.at("stream").as_string(), streams[i]) << i;
    EXPECT_EQ(e.at("position"), regie[i].at("position"));
    EXPECT_EQ(e.at("type"), regie[i].at("type"));
    EXPECT_EQ(e.at("occurredAt"), regie[i].at("occurredAt"));
    const std::string id{e.at("eventId").as_string()};
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_NE(id, std::string{regie[i].at("eventId").as_string()});
    EXPECT_FALSE(e.at("actor").as_object().contains("subject"));
    EXPECT_EQ(e.at("actor").at("organisation"), regie[i].at("actor").at("organisation"));
  }
  EXPECT_EQ(events[1].at("data"), (boost::json::object{{"eligible", true}}));
  EXPECT_EQ(events[3].at("data"), regie[3].at("data"));  // locations are not pseudonymised
  // The same through the tool.
  const auto exported =
      run_command(tool() + " export --pseudonymise --data-dir " + dir_.sub("data"), false);
  ASSERT_EQ(exported.exit_code, 0);
  std::string lines;
  for (const auto& e : events) lines += boost::json::serialize(e) + "\n";
  EXPECT_EQ(exported.output, lines);
}

TEST_F(Privacy, EveryReadOfPersonalDataIsInTheAccessLog) {
  ASSERT_EQ(post("/v1/cases/a1/events", "intake", registration()).status, 201);
  ASSERT_EQ(post("/v1/cases/a2/events", "intake", registered("Other Person")).status, 201);
  ASSERT_EQ(get("/v1/cases/a1", "regie").status, 200);
  ASSERT_EQ(get("/v1/cases/a1/events", "intake").status, 200);
  ASSERT_EQ(get("/v1/cases/a1", "legal").status, 200);
  ASSERT_EQ(get("/v1/cases/a1", "participation").status, 200);  // no person: not logged
  ASSERT_EQ(get("/v1/events", "researcher").status, 200);       // pseudonymised: not logged
  ASSERT_EQ(get("/v1/events?after=2", "regie").status, 200);    // an empty page: nobody read
  const auto log = get("/v1/access-log?caseId=a1", "regie");
  ASSERT_EQ(log.status, 200) << log.body;
  const auto entries = log.json().at("entries").as_array();
  ASSERT_EQ(entries.size(), 3U) << log.body;
  const std::vector<std::array<std::string, 3>> expected{{"regie-1", "regie", "case-file"},
                                                         {"intake-1", "intake", "case-events"},
                                                         {"legal-1", "legal", "case-file"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(entries[i].at("subject").as_string(), expected[i][0]);
    EXPECT_EQ(entries[i].at("role").as_string(), expected[i][1]);
    EXPECT_EQ(entries[i].at("what").as_string(), expected[i][2]);
    EXPECT_EQ(entries[i].at("organisation").as_string(), "org-" + expected[i][1]);
  }
  // As times (a time on a whole millisecond is written with 3 digits, others with 6).
  EXPECT_LE(parse_rfc3339(entries[0].at("at").as_string()).value(),
            parse_rfc3339(entries[2].at("at").as_string()).value());
  EXPECT_EQ(get("/v1/access-log?caseId=a2", "regie").json().at("entries").as_array().size(), 0U);
  ASSERT_EQ(get("/v1/events", "regie").status, 200);  // the feed with both cases
  EXPECT_EQ(get("/v1/access-log?caseId=a2", "regie").json().at("entries").as_array().size(), 1U);
  EXPECT_EQ(get("/v1/access-log?caseId=a1", "intake").status, 403);
  EXPECT_EQ(get("/v1/access-log", "regie").status, 400);
  EXPECT_EQ(get("/v1/access-log?caseId=a1&limit=0", "regie").status, 400);
  EXPECT_EQ(get("/v1/access-log?caseId=a1&limit=2", "regie").json().at("entries").as_array().size(),
            2U);
  // Kept in the store: a killed server loses none.
  server_->kill_hard();
  start();
  EXPECT_EQ(get("/v1/access-log?caseId=a1", "regie").json().at("entries").as_array().size(), 4U);
}

TEST_F(Privacy, RotatingTheMasterKeyKeepsEveryPersonReadable) {
  for (const char* id : {"k1", "k2", "k3"}) {
    ASSERT_EQ(post(std::string{"/v1/cases/"} + id + "/events", "intake",
                   registered((std::string{"Person "} + id).c_str()))
                  .status,
              201);
  }
  const std::string rotate = tool() + " rotate-master-key --data-dir " + dir_.sub("data") +
                             " --keys-dir " + dir_.sub("keys");
  const auto while_running = run_command(rotate);
  EXPECT_EQ(while_running.exit_code, 2);
  EXPECT_NE(while_running.output.find("stop the server first"), std::string::npos)
      << while_running.output;
  const std::string before = read_all(dir_.sub("keys") + "/current-master");
  ASSERT_EQ(server_->stop(SIGTERM), 0);
  const auto rotated = run_command(rotate);
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  EXPECT_NE(rotated.output.find("3 data keys rewrapped"), std::string::npos) << rotated.output;
  const std::string after = read_all(dir_.sub("keys") + "/current-master");
  EXPECT_NE(after, before);
  std::vector<std::string> masters;
  for (const auto& entry : fs::directory_iterator(dir_.sub("keys"))) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("master-")) masters.push_back(name);
  }
  ASSERT_EQ(masters.size(), 1U);
  EXPECT_EQ(masters[0], "master-" + after.substr(0, 16) + ".key");
  start();
  for (const char* id : {"k1", "k2", "k3"}) {
    const auto file = get(std::string{"/v1/cases/"} + id, "intake");
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.json().at("person").at("name").as_string(), std::string{"Person "} + id);
  }
  EXPECT_EQ(post("/v1/cases/k4/events", "intake", registered("Person k4")).status, 201);
  EXPECT_EQ(get("/v1/cases/k4", "intake").json().at("person").at("name").as_string(), "Person k4");
}

// A pseudonymised export replayed offline gives the live service's aggregate read models.
TEST(PrivacyReplay, APseudonymisedExportReplaysToTheLiveAggregates) {
  TempDir dir;
  const std::string data = dir.sub("data");
  const auto demo =
      run_command(tool() + " demo --data-dir " + data + " --cases 300 --years 2 --seed 11");
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string as_of = format_date(day_of(now) - 30);
  const std::string from = format_date(day_of(now) - 500);
  const std::string to = format_date(day_of(now) - 5);
  const std::string file = dir.sub("export.jsonl");
  const auto exported =
      run_command(tool() + " export --pseudonymise --data-dir " + data + " > " + file, false);
  ASSERT_EQ(exported.exit_code, 0);
  const std::string text = read_all(file);
  EXPECT_EQ(text.find("\"person\""), std::string::npos);
  EXPECT_EQ(text.find("\"subject\""), std::string::npos);
  EXPECT_EQ(text.find("\"notes\""), std::string::npos);

  ServerProcess server(write_tokens_file(dir.str()), data);
  HttpClient client(server.port());
  const std::vector<std::array<std::string, 3>> queries{
      {"occupancy", "/v1/occupancy?asOf=" + as_of, "--as-of " + as_of},
      {"utilisation", "/v1/utilisation?from=" + from + "&to=" + to,
       "--from " + from + " --to " + to},
      {"outcomes", "/v1/outcomes?from=" + from + "&to=" + to, "--from " + from + " --to " + to},
      {"intake-funnel", "/v1/intake-funnel?from=" + from + "&to=" + to,
       "--from " + from + " --to " + to},
      {"perspective", "/v1/perspective?asOf=" + as_of + "&admittedFrom=" + from,
       "--as-of " + as_of + " --admitted-from " + from},
      {"participation", "/v1/participation?from=" + from + "&to=" + to,
       "--from " + from + " --to " + to},
  };
  // As known after the demo (every event), so that the live answers and the replays agree
  // on knownAt too.
  const std::string known = format_rfc3339(now);
  for (const auto& [model, route, flags] : queries) {
    const auto live = client.get(route + "&knownAt=" + known, "t-researcher");
    ASSERT_EQ(live.status, 200) << route << live.body;
    const auto replayed = run_command(tool() + " replay --events " + file + " --read-model " +
                                          model + " " + flags + " --known-at " + known,
                                      false);
    ASSERT_EQ(replayed.exit_code, 0) << model;
    EXPECT_EQ(boost::json::parse(replayed.output), boost::json::parse(live.body)) << model;
  }
}

}  // namespace
}  // namespace perspectief::testing
