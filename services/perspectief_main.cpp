// perspectief: the operators' and researchers' tool. Wiring only; the logic is in the libraries.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/read_model_routes.hpp"
#include "api/router.hpp"
#include "domain/json_text.hpp"
#include "eventstore/access_log.hpp"
#include "eventstore/clock.hpp"
#include "eventstore/keys_dir.hpp"
#include "eventstore/pseudonymiser.hpp"
#include "eventstore/read_only_store.hpp"
#include "eventstore/rocks_event_store.hpp"
#include "eventstore/scan.hpp"
#include "eventstore/sealer.hpp"
#include "eventstore/verify.hpp"
#include "projections/fold_scan.hpp"
#include "projections/history.hpp"
#include "projections/read_models.hpp"
#include "projections/start_up.hpp"
#include "projections/write_policy.hpp"
#include "services/backup_commands.hpp"
#include "services/demo.hpp"
#include "services/evaluation_csv.hpp"
#include "services/flags.hpp"
#include "services/storage.hpp"

namespace {

using namespace perspectief;

constexpr const char* kUsage =
    "usage: perspectief COMMAND [flags]\n"
    "  verify  --data-dir D                      check positions, indexes and the hash chain; exit "
    "1 on a fault\n"
    "  export  --data-dir D [--keys-dir K] [--pseudonymise] [--after N]\n"
    "                                            the event log as JSON Lines on stdout: as regie\n"
    "                                            sees it (with personal data: recorded in the\n"
    "                                            access log, server stopped), or as the research\n"
    "                                            feed shows it\n"
    "  replay  (--data-dir D | --events FILE)    rebuild a read model from the log and print the "
    "API's JSON\n"
    "          --read-model NAME [--as-of T] [--known-at T] [--from D --to D] [--status S]\n"
    "          [--admitted-from D --admitted-to D]\n"
    "          --known-at: only the events recorded by then (default: every event, as\n"
    "          known when the last one was recorded)\n"
    "          [--month YYYY-MM]\n"
    "          NAME: occupancy utilisation alerts outcomes caseload escalations intake-funnel\n"
    "                perspective participation monthly-report (with --month)\n"
    "                series (--from and --to: months YYYY-MM) returns data-quality\n"
    "  export-csv --data-dir D [--keys-dir K] --to DIR [--known-at T]\n"
    "                                            the evaluation export: CSV files without "
    "personal\n"
    "                                            data, cases by research pseudonym, and "
    "export.csv\n"
    "                                            (the manifest), into a new or empty DIR\n"
    "  backup  --data-dir D --to DIR             add a backup of a store to DIR (RocksDB's\n"
    "                                            BackupEngine: incremental, checksummed; also\n"
    "                                            while the server runs)\n"
    "  backup list --to DIR | backup verify --to DIR | backup purge --to DIR --keep N\n"
    "  restore --from DIR [--backup-id N] --data-dir D\n"
    "                                            a store from a backup (the newest by default),\n"
    "                                            into an empty directory\n"
    "  checkpoint --data-dir D --to DIR          hard-linked copy of a stopped store (before an\n"
    "                                            upgrade)\n"
    "  demo    --data-dir D [--keys-dir K] [--cases N] [--years Y] [--seed S] [--uuid-ids]\n"
    "                                            append a realistic, invented programme history\n"
    "  rotate-master-key --data-dir D [--keys-dir K]\n"
    "                                            rewrap every data key with a new master key\n"
    "                                            (server stopped)\n"
    "  new-research-key (--keys-dir K | --data-dir D)\n"
    "                                            a research key where there is none: every\n"
    "                                            pseudonym of the research feed changes\n"
    "--keys-dir defaults to <data-dir>/../keys, as for the server.\n"
    "Common: --places N --lvv-places N --max-stay-months N (defaults 500, 360, 18).\n";

int usage_error(const std::string& command, const std::string& message) {
  std::cerr << "perspectief " << command << ": " << message << "\n";
  return 2;
}

int verify(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  if (!dir) return usage_error("verify", "--data-dir is required");
  const VerifyReport r = verify_store(*dir);
  if (!r.ok) {
    std::cout << "FAULT";
    if (r.bad_position != 0) std::cout << " at position " << r.bad_position;
    std::cout << ": " << r.problem << "\n";
    return 1;
  }
  if (const auto damaged = damaged_data_problem(r); !damaged.empty()) {
    std::cout << "FAULT at position " << r.damaged_data.front() << ": " << damaged
              << "; the hash chain and indexes are intact\n";
    return 1;
  }
  std::cout << "ok: " << r.events << " events in " << r.streams
            << " streams, positions gapless, indexes consistent, hash chain intact, "
            << r.fold_pages << " fold pages match their events\n";
  return 0;
}

// The store for writing, without a write policy (the tool appends no events through it).
Result<std::unique_ptr<RocksEventStore>> open_for_writing(const std::string& dir,
                                                          const Clock& clock) {
  RocksStoreOptions o;
  o.path = dir;
  o.clock = &clock;
  return RocksEventStore::open(std::move(o));
}

// Who runs the tool, for the access log: the user behind sudo, else the effective user.
// The tool runs on one thread, so getenv and getpwuid are safe here.
std::string exporting_user() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe)
  if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user != nullptr && *sudo_user != 0) {
    return sudo_user;
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe)
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "uid-" + std::to_string(geteuid());
}

// Writes envelopes out with their personal data opened, each case recorded in the access log
// before its first event is written out.
class PersonalExport {
 public:
  PersonalExport(privacy::AccessLog& access_log, const privacy::Sealer& sealer, const Clock& clock)
      : access_log_(access_log), sealer_(sealer), clock_(clock) {}

  Status write(Envelope& e) {
    if (e.stream.starts_with("case-") && !recorded_.contains(e.stream)) {
      const std::string case_id = e.stream.substr(5);
      if (auto r = access_log_.record({clock_.now(), case_id, exporter_, "export"}); !r) return r;
      recorded_.insert(e.stream);
    }
    if (auto opened = sealer_.open(e); !opened) return opened.error();
    std::cout << json_text(to_json(e)) << '\n';
    return Ok{};
  }

 private:
  privacy::AccessLog& access_log_;
  const privacy::Sealer& sealer_;
  const Clock& clock_;
  const Actor exporter_{exporting_user(), "operations", Role::ops};
  std::set<std::string> recorded_;
};

int export_log(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  if (!dir) return usage_error("export", "--data-dir is required");
  auto after = flags.get_uint("after", 0);
  if (!after) return usage_error("export", after.error().message);
  const auto pseudonymise = flags.enabled("pseudonymise");
  if (!pseudonymise) return usage_error("export", pseudonymise.error().message);
  auto keys = privacy::open_keys_dir(flags.get_or("keys-dir", default_keys_dir(*dir)), false);
  if (!keys) return usage_error("export", keys.error().message);
  // Personal data leaves the store: each case is recorded in the access log before its first
  // event is written out. That needs the store open for writing (the server stopped).
  SystemClock clock;
  std::unique_ptr<RocksEventStore> writer;
  std::optional<privacy::AccessLog> access_log;
  if (!*pseudonymise) {
    auto opened = open_for_writing(*dir, clock);
    if (!opened) {
      return usage_error("export",
                         "an export with personal data is recorded in the access log and needs "
                         "the store to itself (stop the server first), or use --pseudonymise: " +
                             opened.error().internal);
    }
    writer = std::move(opened).value();
    access_log.emplace(writer->access_log_table());
  }
  // The read-only view is opened after the writer (which replays and flushes the WAL when it
  // opens), so the scan sees the store as the writer left it.
  auto store = ReadOnlyStore::open(*dir);
  if (!store) return usage_error("export", "cannot open the store: " + store.error().internal);
  privacy::KeyRing ring{(*store)->data_key_table(), *keys};
  const privacy::Sealer sealer{ring};
  const privacy::Pseudonymiser pseudonymiser{keys->research};
  std::optional<PersonalExport> personal;
  if (access_log) personal.emplace(*access_log, sealer, clock);
  std::optional<Error> failure;
  auto s = scan_store(**store, *after, upcast_envelope, [&](Envelope& e) {
    if (failure) return;
    if (*pseudonymise) {
      std::cout << json_text(pseudonymiser.envelope_json(e)) << '\n';
    } else if (auto written = personal->write(e); !written) {
      failure = written.error();
    }
  });
  if (s && failure) s = *failure;
  if (writer) writer->close();  // syncs the access log's entries
  if (!s) {
    std::cerr << "perspectief export: " << s.error().message << " (" << s.error().internal << ")\n";
    return 1;
  }
  return 0;
}

// Rotation, each step safe to be interrupted: a new master key file; every data key rewrapped
// with it in one synced write; current-master pointed at it; the old master files deleted.
int rotate_master_key(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  if (!dir) return usage_error("rotate-master-key", "--data-dir is required");
  auto keys = privacy::open_keys_dir(flags.get_or("keys-dir", default_keys_dir(*dir)), false);
  if (!keys) return usage_error("rotate-master-key", keys.error().message);
  SystemClock clock;
  auto store = open_for_writing(*dir, clock);
  if (!store) {
    return usage_error("rotate-master-key",
                       "cannot open the store (stop the server first): " + store.error().internal);
  }
  const std::string old_id = keys->current;
  auto new_id = privacy::add_master_key(*keys);
  if (!new_id) return usage_error("rotate-master-key", new_id.error().message);
  privacy::KeyRing ring{(*store)->data_key_table(), *keys};
  auto rewrapped = ring.rewrap_all(*new_id);
  if (!rewrapped) {
    return usage_error("rotate-master-key",
                       rewrapped.error().message + " (" + rewrapped.error().internal + ")");
  }
  if (auto set = privacy::set_current_master(*keys, *new_id); !set) {
    return usage_error("rotate-master-key", set.error().message);
  }
  std::vector<std::string> old_ids;
  for (const auto& [id, key] : keys->masters) {
    if (id != *new_id) old_ids.push_back(id);
  }
  for (const auto& id : old_ids) {
    if (auto removed = privacy::remove_master_key(*keys, id); !removed) {
      return usage_error("rotate-master-key", removed.error().message);
    }
  }
  (*store)->close();
  std::cout << "rotate-master-key: " << *rewrapped << " data keys rewrapped from master " << old_id
            << " to " << *new_id << "; old master keys removed: " << old_ids.size() << "\n";
  return 0;
}

// The server makes a research key only beside an empty store; any other time a new one
// changes every pseudonym, so it is made only by this command, on purpose.
int new_research_key(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  if (!dir && !flags.has("keys-dir")) {
    return usage_error("new-research-key", "--keys-dir (or --data-dir) is required");
  }
  const std::string path = flags.get_or("keys-dir", dir ? default_keys_dir(*dir) : "");
  auto keys = privacy::read_keys_dir(path);
  if (!keys) return usage_error("new-research-key", keys.error().message);
  if (keys->current.empty()) {
    return usage_error("new-research-key", "no master key in " + path + ": is --keys-dir right?");
  }
  if (auto made = privacy::create_research_key(*keys); !made) {
    return usage_error("new-research-key", made.error().message);
  }
  std::cout << "new-research-key: " << path
            << "/research.key written; every pseudonym of the research feed changes\n";
  return 0;
}

Result<ProgrammeState> programme_defaults(const Flags& flags) {
  auto places = flags.get_uint("places", 500);
  auto lvv = flags.get_uint("lvv-places", 360);
  auto months = flags.get_uint("max-stay-months", 18);
  if (!places || !lvv || !months || *lvv > *places || *months < 1) {
    return make_error(ErrorCode::invalid,
                      "--places, --lvv-places, --max-stay-months: whole numbers, lvv <= places");
  }
  return initial_programme(static_cast<std::int64_t>(*places), static_cast<std::int64_t>(*lvv),
                           static_cast<std::int64_t>(*months));
}

// The route of a read model named on the command line.
std::optional<api::RouteId> read_model_route(const std::string& name) {
  static const std::vector<std::pair<std::string, api::RouteId>> kModels{
      {"occupancy", api::RouteId::occupancy},
      {"utilisation", api::RouteId::utilisation},
      {"alerts", api::RouteId::stay_alerts},
      {"outcomes", api::RouteId::outcomes},
      {"caseload", api::RouteId::caseload},
      {"escalations", api::RouteId::escalations},
      {"intake-funnel", api::RouteId::intake_funnel},
      {"perspective", api::RouteId::perspective},
      {"participation", api::RouteId::participation},
      {"monthly-report", api::RouteId::monthly_report},
      {"series", api::RouteId::series},
      {"returns", api::RouteId::returns},
      {"data-quality", api::RouteId::data_quality}};
  const auto found =
      std::find_if(kModels.begin(), kModels.end(), [&](const auto& m) { return m.first == name; });
  if (found == kModels.end()) return std::nullopt;
  return found->second;
}

Status replay_failure(std::string message) {
  return make_error(ErrorCode::invalid, std::move(message));
}

// Folds an export (JSON Lines, one envelope per line) into `history`: the events recorded by
// `known_at`.
Status fold_events_file(const std::string& file, Micros known_at, History& history,
                        Micros& last_recorded) {
  std::ifstream in(file);
  if (!in) return replay_failure("cannot read " + file);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    boost::system::error_code ec;
    const auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object())
      return replay_failure("line " + std::to_string(n) + " is not a JSON object");
    auto e = envelope_from_json(v.as_object());
    if (!e) return replay_failure("line " + std::to_string(n) + ": " + e.error().message);
    upcast_envelope(*e);
    if (e->recorded_at <= known_at) {
      history.apply(*e);
      last_recorded = std::max(last_recorded, e->recorded_at);
    }
  }
  return Ok{};
}

// Folds the log of --data-dir, or the export of --events, into `history`: the events
// recorded by `known_at` (spec/evaluation.md, "Known-at"). `last_recorded`: the latest
// recordedAt among them.
Status fold_log(const Flags& flags, Micros known_at, History& history, Micros& last_recorded) {
  if (const auto dir = flags.get("data-dir")) {
    auto store = ReadOnlyStore::open(*dir);
    if (!store) return replay_failure(store.error().message + " (" + store.error().internal + ")");
    const auto s = scan_for_folds(
        **store, 0, [&](std::span<const Envelope> page, std::span<const ParsedEnvelope> parsed) {
          // recordedAt never decreases along the log: the events known then are a prefix
          const auto known = std::find_if(page.begin(), page.end(), [&](const Envelope& e) {
            return e.recorded_at > known_at;
          });
          const auto n = static_cast<std::size_t>(known - page.begin());
          if (n > 0) last_recorded = std::max(last_recorded, page[n - 1].recorded_at);
          history.apply_parsed(page.first(n), parsed.first(n));
        });
    if (!s) return replay_failure(s.error().message + " (" + s.error().internal + ")");
    return Ok{};
  }
  if (const auto file = flags.get("events")) {
    return fold_events_file(*file, known_at, history, last_recorded);
  }
  return replay_failure("--data-dir or --events is required");
}

// --known-at as the API reads knownAt (an RFC 3339 time, or a date: the end of that day);
// none: every event.
std::optional<Micros> known_at_flag(const Flags& flags) {
  const auto v = flags.get("known-at");
  if (!v) return kNever;
  if (const auto t = parse_rfc3339(*v)) return *t;
  if (const auto d = parse_date(*v)) return end_of_day(*d);
  return std::nullopt;
}

// The same query the API would get: the request target of the query flags.
std::string replay_target(const Flags& flags) {
  std::string target = "/?";
  for (const auto& [flag, param] :
       std::vector<std::pair<std::string, std::string>>{{"as-of", "asOf"},
                                                        {"known-at", "knownAt"},
                                                        {"month", "month"},
                                                        {"from", "from"},
                                                        {"to", "to"},
                                                        {"status", "status"},
                                                        {"admitted-from", "admittedFrom"},
                                                        {"admitted-to", "admittedTo"}}) {
    if (const auto v = flags.get(flag)) {
      target += param + "=";
      for (const char c : *v) {  // '+' in a time offset must not become a space
        if (c == '+') {
          target += "%2B";
        } else {
          target += c;
        }
      }
      target += "&";
    }
  }
  return target;
}

int replay(const Flags& flags) {
  const auto model = flags.get("read-model");
  if (!model) return usage_error("replay", "--read-model is required");
  const auto route = read_model_route(*model);
  if (!route) return usage_error("replay", "unknown read model " + *model);
  auto defaults = programme_defaults(flags);
  if (!defaults) return usage_error("replay", defaults.error().message);
  const auto known_at = known_at_flag(flags);
  if (!known_at) {
    return usage_error("replay", "--known-at must be an RFC 3339 time or a date YYYY-MM-DD");
  }
  History history{defaults->places, defaults->lvv_places, defaults->max_stay_months};
  Micros last_recorded = 0;
  if (auto folded = fold_log(flags, *known_at, history, last_recorded); !folded)
    return usage_error("replay", folded.error().message);
  // Answered by the same code as the API's. Without --known-at the answer is as known when
  // the last event was recorded, so that replaying the same log prints the same bytes.
  std::string target = replay_target(flags);
  if (!flags.get("known-at")) target += "knownAt=" + format_rfc3339(last_recorded);
  SystemClock clock;
  const auto res = api::read_model(*route, target, history, clock.now());
  if (res.result_int() != 200) {
    std::cerr << "perspectief replay: " << res.body() << "\n";
    return 2;
  }
  std::cout << res.body() << "\n";
  return 0;
}

int export_csv(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  const auto to = flags.get("to");
  if (!dir || !to) return usage_error("export-csv", "--data-dir and --to are required");
  const auto known_at = known_at_flag(flags);
  if (!known_at) {
    return usage_error("export-csv", "--known-at must be an RFC 3339 time or a date YYYY-MM-DD");
  }
  auto keys = privacy::open_keys_dir(flags.get_or("keys-dir", default_keys_dir(*dir)), false);
  if (!keys) return usage_error("export-csv", keys.error().message);
  const privacy::Pseudonymiser pseudonymiser{keys->research};
  const auto written = write_evaluation_csv(*dir, pseudonymiser, *known_at, *to);
  if (!written) {
    std::cerr << "perspectief export-csv: " << written.error().message;
    if (!written.error().internal.empty()) std::cerr << " (" << written.error().internal << ")";
    std::cerr << "\n";
    return 1;
  }
  std::cout << "export-csv: " << written->cases << " cases as known at "
            << format_rfc3339(written->known_at) << " (position " << written->position
            << "), export " << written->export_id << ", written to " << *to << "\n";
  return 0;
}

int demo(const Flags& flags) {
  const auto dir = flags.get("data-dir");
  if (!dir) return usage_error("demo", "--data-dir is required");
  auto cases = flags.get_uint("cases", 4500);
  auto years = flags.get_uint("years", 5);
  auto seed = flags.get_uint("seed", 1);
  if (!cases || !years || !seed || *cases > 1'000'000 || *years < 1 || *years > 30) {
    return usage_error("demo", "--cases 0..1000000, --years 1..30, --seed a whole number");
  }
  const auto uuid_ids = flags.enabled("uuid-ids");
  if (!uuid_ids) return usage_error("demo", uuid_ids.error().message);
  auto defaults = programme_defaults(flags);
  if (!defaults) return usage_error("demo", defaults.error().message);
  std::error_code ec;
  std::filesystem::create_directories(*dir, ec);
  // The server's write path (services/storage.hpp): the demo is admitted by the same rules.
  auto storage = Storage::open(*dir, *defaults);
  if (!storage) return usage_error("demo", "cannot open the store: " + storage.error().internal);
  RocksEventStore& store = (*storage)->store();
  if (auto loaded = (*storage)->policy().load(store); !loaded)
    return usage_error("demo", loaded.error().message);
  if (store.last_position() != 0)
    return usage_error("demo", "the store is not empty: demo data goes into an empty store");
  // Missing keys are made only now that the store is known to be empty.
  auto keys = privacy::open_keys_dir(flags.get_or("keys-dir", default_keys_dir(*dir)));
  if (!keys) return usage_error("demo", keys.error().message);
  privacy::KeyRing ring{store.data_key_table(), *keys};
  privacy::Sealer sealer{ring};
  DemoOptions d;
  d.cases = static_cast<int>(*cases);
  d.years = static_cast<int>(*years);
  d.seed = *seed;
  d.uuid_case_ids = *uuid_ids;
  d.end = (*storage)->clock().now();
  d.sealer = &sealer;
  auto report = generate_demo(store, d);
  if (!report) return usage_error("demo", report.error().message);
  if (auto compacted = store.compact(); !compacted)
    return usage_error("demo", "cannot compact the store: " + compacted.error().internal);
  std::cout << "demo: " << report->events << " events for " << report->cases << " cases over "
            << *years << " years (seed " << *seed << "), " << report->refused << " refused\n";
  return report->refused == 0 ? 0 : 1;
}

// A command: its flags (the programme's --places, --lvv-places, --max-stay-months too where
// `programme`), the ones among them that take no value, and what runs it.
struct Command {
  const char* name;
  std::vector<std::string> flags;
  std::vector<std::string> switches;
  bool programme;
  int (*run)(const Flags&);
};

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands{
      {"verify", {"data-dir"}, {}, false, verify},
      {"export",
       {"data-dir", "after", "keys-dir", "pseudonymise"},
       {"pseudonymise"},
       false,
       export_log},
      {"rotate-master-key", {"data-dir", "keys-dir"}, {}, false, rotate_master_key},
      {"replay",
       {"data-dir", "events", "read-model", "as-of", "known-at", "month", "from", "to", "status",
        "admitted-from", "admitted-to"},
       {},
       true,
       replay},
      {"export-csv", {"data-dir", "keys-dir", "to", "known-at"}, {}, false, export_csv},
      {"backup", {"data-dir", "to", "keep"}, {}, false, backup_command},
      {"restore", {"from", "data-dir", "backup-id"}, {}, false, restore_command},
      {"checkpoint", {"data-dir", "to"}, {}, false, checkpoint_command},
      {"new-research-key", {"data-dir", "keys-dir"}, {}, false, new_research_key},
      {"demo",
       {"data-dir", "keys-dir", "cases", "years", "seed", "uuid-ids"},
       {"uuid-ids"},
       true,
       demo}};
  return kCommands;
}

Result<Flags> command_flags(const Command& c, const std::vector<std::string>& args) {
  std::vector<std::string> known = c.flags;
  if (c.programme) known.insert(known.end(), {"places", "lvv-places", "max-stay-months"});
  return Flags::parse(args, known, c.switches);
}

}  // namespace

// An exception out of main is a bug or a failed allocation: std::terminate is the wanted
// outcome.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  ::umask(0077);                   // stores, keys and snapshots hold personal data: owner only
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = argv[1];
  if (command == "help" || command == "--help") {
    std::cout << kUsage;
    return 0;
  }
  const auto& all = commands();
  const auto found =
      std::find_if(all.begin(), all.end(), [&](const Command& c) { return c.name == command; });
  Result<Flags> flags = make_error(ErrorCode::invalid, "unknown command " + command);
  if (found != all.end())
    flags = command_flags(*found, std::vector<std::string>(argv + 2, argv + argc));
  if (!flags) {
    std::cerr << "perspectief: " << flags.error().message << "\n" << kUsage;
    return 2;
  }
  return found->run(*flags);
}
