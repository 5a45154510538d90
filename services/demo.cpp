#include "services/demo.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "domain/stream_name.hpp"
#include "eventstore/sha256.hpp"

namespace perspectief {
namespace {

using Json = boost::json::object;

struct Org {
  const char* id;
  Role role;
};

// The demo's actors: strings built once at start-up, where a failure ends the tool anyway.
// NOLINTBEGIN(cert-err58-cpp)
const Actor kRegie{"regie-1", "regiegroep", Role::regie};
const Actor kIntake{"aco-1", "aco", Role::intake};
const std::array<Actor, 2> kLegal{
    {{"askv-1", "askv", Role::legal}, {"vwn-1", "vluchtelingenwerk", Role::legal}}};
const std::array<Actor, 2> kReturn{{{"goedwerk-1", "goedwerk", Role::return_support},
                                    {"moh-1", "vluchtelingenwerk-moh", Role::return_support}}};
const std::array<Actor, 3> kParticipation{{{"boost-1", "boost", Role::participation},
                                           {"askv-p1", "askv", Role::participation},
                                           {"lifegoals-1", "life-goals", Role::participation}}};
// NOLINTEND(cert-err58-cpp)

struct DemoLocation {
  const char* id;
  const char* name;
  const char* op;
  int beds;
};

// 500 beds in all, run by the four housing partners of the programme.
constexpr std::array<DemoLocation, 9> kLocations{{
    {"hvo-centrum", "HVO Querido Centrum", "hvo-querido", 60},
    {"hvo-oost", "HVO Querido Oost", "hvo-querido", 70},
    {"hvo-west", "HVO Querido West", "hvo-querido", 50},
    {"ldh-noord", "Leger des Heils Noord", "leger-des-heils", 80},
    {"ldh-zuid", "Leger des Heils Zuid", "leger-des-heils", 60},
    {"maya-1", "Maya Angelou Opvang", "maya-angelou", 40},
    {"maya-2", "Maya Angelou Opvang 2", "maya-angelou", 40},
    {"moo-1", "ASKV-MOO Huis 1", "askv-moo", 50},
    {"moo-2", "ASKV-MOO Huis 2", "askv-moo", 50},
}};

struct OutcomeShare {
  const char* outcome;
  double share;
  int min_months;
  int max_months;
  const char* track;
  double comes_back;  // the chance the person registers again within about two years
};

// About 18% durable, 41% semi-durable, 41% no solution (national LVV evaluation), a little other.
constexpr std::array<OutcomeShare, 11> kOutcomes{{
    {"residence_permit", 0.08, 8, 20, "legal_stay_nl", 0.0},
    {"independent_return", 0.06, 4, 14, "return", 0.02},
    {"onward_migration", 0.04, 3, 12, "onward_migration", 0.05},
    {"new_asylum_application", 0.29, 3, 14, "legal_stay_nl", 0.08},
    {"medical_postponement", 0.12, 4, 16, "legal_stay_nl", 0.10},
    {"forced_departure", 0.04, 3, 12, "return", 0.10},
    {"detention", 0.05, 2, 10, "undecided", 0.25},
    {"left_unknown", 0.23, 1, 12, "undecided", 0.30},
    {"removed_non_cooperation", 0.07, 2, 10, "undecided", 0.20},
    {"transferred_other_shelter", 0.015, 1, 8, "undecided", 0.05},
    {"deceased", 0.005, 2, 14, "undecided", 0.0},
}};

constexpr std::array<const char*, 12> kGiven{{"Amina", "Kwame", "Yusuf", "Fatima", "Samuel",
                                              "Mariam", "Tesfaye", "Grace", "Omar", "Leila",
                                              "Joseph", "Hawa"}};
constexpr std::array<const char*, 10> kFamily{
    {"Mensah", "Diallo", "Haile", "Osei", "Bakr", "Kamara", "Tesfay", "Abdi", "Nkemelu", "Sow"}};
constexpr std::array<const char*, 10> kNationality{
    {"GH", "NG", "ER", "ET", "SD", "GN", "SL", "SO", "MA", "DZ"}};
constexpr std::array<const char*, 6> kManagers{
    {"cm-anna", "cm-bas", "cm-chantal", "cm-dirk", "cm-eva", "cm-fouad"}};
constexpr std::array<const char*, 7> kCategories{
    {"language", "work_skills", "sport", "culture", "health", "information", "other"}};

enum class Phase { end, day, beds };

struct Step {
  std::string stream;
  Actor actor;
  std::string type;
  Json data;
  Micros at;
};

struct SimCase {
  std::string id;
  int stage = 0;  // 0 registered, 1 admitted waiting, 2 waitlisted, 3 housed, 4 done
  Days intake_day = 0;
  Days redecide_day = 0;
  Days admitted_decision = 0;
  bool lvv = true;
  std::string location;
  const DemoLocation* loc = nullptr;
  Days housed_on = 0;
  Days end_day = 0;
  const OutcomeShare* outcome = nullptr;
  Days track_day = 0;
  Days next_legal = 0;
  int return_step = 0;
  Days next_return = 0;
  int escalations = 0;
  std::string open_escalation;
  Days resolve_day = 0;
  bool extended = false;
  std::string manager;
};

class Generator {
 public:
  Generator(EventStore& store, const DemoOptions& o)
      : store_(store), opt_(o), rng_(o.seed), id_rng_(o.seed ^ 0x9e3779b97f4a7c15ULL) {}

  Result<DemoReport> run() {
    // Up to yesterday: today's afternoon would lie in the future.
    const Days last = day_of(opt_.end) - 1;
    const Days first = last - static_cast<Days>(opt_.years) * 365;
    day_ = first;
    add(Phase::day, "programme", kRegie, "ProgrammeCapacitySet",
        {{"places", 500}, {"lvvPlaces", 360}, {"maxStayMonths", 18}});
    for (const auto& l : kLocations) {
      add(Phase::day, stream_name(StreamKind::location, l.id), housing(l.op), "LocationOpened",
          {{"name", l.name}, {"operator", l.op}, {"beds", l.beds}});
      free_beds_[l.id] = l.beds;
    }
    if (auto s = flush(); !s) return s.take_error();
    const double per_day = static_cast<double>(opt_.cases) / static_cast<double>(last - first + 1);
    double carry = 0;
    for (day_ = first; day_ <= last; ++day_) {
      carry += per_day;
      while (carry >= 1.0) {
        carry -= 1.0;
        register_case();
      }
      // People who come back: a new case naming the earlier one (spec/evaluation.md).
      for (auto due = returns_.begin(); due != returns_.end() && due->first <= day_;
           due = returns_.erase(due)) {
        register_case(due->second);
      }
      simulate_day(last);
      if (auto s = flush(); !s) return s.take_error();
    }
    report_.cases = static_cast<int>(cases_.size());
    return report_;
  }

 private:
  // A version-4 UUID from a generator of its own, so that the history's draws are the same
  // with either kind of id.
  std::string uuid_id() {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    const std::array<std::uint64_t, 2> words{id_rng_(), id_rng_()};
    for (int i = 0; i < 32; ++i) {
      if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
      auto nibble = static_cast<unsigned>((words.at(i / 16) >> (4 * (i % 16))) & 0xF);
      if (i == 12) nibble = 4;                 // version 4
      if (i == 16) nibble = 8 | (nibble & 3);  // variant 10xx
      out += kHex[nibble];
    }
    return out;
  }

  // -- randomness (std::mt19937_64 is fully specified, so a seed gives the same history)
  double uniform() { return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0); }
  int between(int lo, int hi) {
    return lo + static_cast<int>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[rng_() % N];
  }

  Actor housing(const std::string& op) { return Actor{op + "-1", op, Role::housing}; }

  Micros at(Phase p) {
    const int base = p == Phase::end ? 9 * 60 : p == Phase::day ? 10 * 60 : 16 * 60;
    const int span = p == Phase::day ? 6 * 60 : 59;
    return day_ * kMicrosPerDay +
           static_cast<Micros>(base + between(0, span)) * 60 * kMicrosPerSecond;
  }

  void add(Phase p, const std::string& stream, const Actor& actor, const std::string& type,
           Json data) {
    Micros t = at(p);
    Micros& last = last_at_[stream];
    t = std::max(t, last + kMicrosPerSecond);
    last = t;
    pending_[static_cast<int>(p)].push_back({stream, actor, type, std::move(data), t});
  }

  // Some people whose case closed register again later.
  void may_come_back(const SimCase& c, double chance_of_return) {
    if (chance(chance_of_return)) returns_.emplace(day_ + between(20, 700), c.id);
  }

  void register_case(const std::string& previous = {}) {
    SimCase c;
    c.id = opt_.uuid_case_ids ? uuid_id() : "demo-" + std::to_string(cases_.size() + 1);
    Json person{{"name", std::string{pick(kGiven)} + " " + pick(kFamily)},
                {"dateOfBirth", format_date(day_ - Days{between(20, 60)} * 365 - between(0, 364))},
                {"nationality", pick(kNationality)},
                {"languages", boost::json::array{"en"}}};
    Json data{{"person", std::move(person)}};
    if (!previous.empty()) data["previousCaseId"] = previous;
    add(Phase::day, case_stream(c), kIntake, "CaseRegistered", std::move(data));
    c.intake_day = day_ + between(3, 14);
    cases_.push_back(std::move(c));
  }

  std::string case_stream(const SimCase& c) const {
    return stream_name(StreamKind::case_file, c.id);
  }

  void decide(SimCase& c, bool allow_waitlist) {
    const bool full = waiting_ > 40;
    if (allow_waitlist && (full || chance(0.10))) {
      add(Phase::day, case_stream(c), kIntake, "PlacementDecided", {{"decision", "waitlisted"}});
      c.stage = 2;
      c.redecide_day = day_ + between(14, 60);
      return;
    }
    // Keep the two funding streams about equally full (360 LVV : 140 municipal).
    c.lvv = lvv_taken_ * 140 <= municipal_taken_ * 360;
    (c.lvv ? lvv_taken_ : municipal_taken_) += 1;  // places reserved from admission on
    add(Phase::day, case_stream(c), kIntake, "PlacementDecided",
        {{"decision", "admitted"}, {"funding", c.lvv ? "lvv" : "municipal"}});
    c.stage = 1;
    c.admitted_decision = day_;
    ++waiting_;
    waiting_list_.push_back(static_cast<std::size_t>(&c - cases_.data()));
  }

  const OutcomeShare* draw_outcome() {
    double r = uniform();
    for (const auto& o : kOutcomes) {
      if (r < o.share) return &o;
      r -= o.share;
    }
    return &kOutcomes.back();
  }

  void simulate_day(Days last) {
    const CivilDate today = civil_from_days(day_);
    for (auto& c : cases_) {
      const std::string s = case_stream(c);
      if (c.stage == 0 && day_ == c.intake_day) {
        const bool eligible = chance(0.88);
        add(Phase::day, s, kIntake, "IntakeCompleted", {{"eligible", eligible}});
        c.manager = pick(kManagers);
        add(Phase::day, s, kIntake, "CaseManagerAssigned",
            {{"caseManager", c.manager}, {"organisation", "aco"}});
        if (!eligible) {
          add(Phase::day, s, kIntake, "PlacementDecided", {{"decision", "rejected"}});
          c.stage = 4;
          may_come_back(c, 0.10);
        } else if (chance(0.08)) {
          add(Phase::day, s, kIntake, "PlacementDecided",
              {{"decision", "referred"}, {"referredTo", "COA"}});
          c.stage = 4;
        } else {
          decide(c, true);
        }
      } else if (c.stage == 2 && day_ == c.redecide_day) {
        decide(c, waiting_ > 60);
      } else if (c.stage == 1 && day_ - c.admitted_decision > 150) {
        // Waited too long for a bed and left: a stay that ends without ever being housed.
        add(Phase::end, s, kIntake, "StayEnded", {{"outcome", "left_unknown"}});
        (c.lvv ? lvv_taken_ : municipal_taken_) -= 1;
        --waiting_;
        c.stage = 4;
      } else if (c.stage == 3) {
        simulate_stay(c, today, last);
      }
    }
    assign_beds();
    if (today.day == 1) monthly();
    if (civil_from_days(day_).year >= 0 && (day_ % 7) == 2) weekly();
  }

  void simulate_stay(SimCase& c, const CivilDate& today, Days /*last*/) {
    const std::string s = case_stream(c);
    const Actor house = housing(c.loc->op);
    if (day_ == c.end_day) {
      if (!c.open_escalation.empty()) c.open_escalation.clear();  // closed by the end of the stay
      Json data{{"outcome", c.outcome->outcome}};
      if (std::string{c.outcome->outcome} == "independent_return")
        data["destinationCountry"] = pick(kNationality);
      add(Phase::end, s, kIntake, "StayEnded", std::move(data));
      if (chance(0.9))
        add(Phase::end, s, kIntake, "ExitInterviewHeld", {{"declined", chance(0.1)}});
      may_come_back(c, c.outcome->comes_back);
      ++free_beds_[c.location];
      (c.lvv ? lvv_taken_ : municipal_taken_) -= 1;
      (c.lvv ? lvv_housed_ : municipal_housed_) -= 1;
      c.stage = 4;
      return;
    }
    if (today.day == 1) {
      std::array<char, 8> period{};
      std::snprintf(period.data(), period.size(), "%04d-%02u", today.year, today.month);
      add(Phase::day, s, house, "LivingAllowancePaid",
          {{"amountCents", 24000}, {"period", period.data()}});
    }
    if (day_ == c.track_day) {
      if (chance(0.3))
        add(Phase::day, s, pick(kLegal), "PerspectiveChosen", {{"track", "undecided"}});
      const std::string track = c.outcome->track;
      if (track != "undecided") {
        add(Phase::day, s, track == "return" ? pick(kReturn) : pick(kLegal), "PerspectiveChosen",
            {{"track", track}});
      } else {
        add(Phase::day, s, pick(kLegal), "PerspectiveChosen", {{"track", "undecided"}});
      }
    }
    if (day_ == c.next_legal) {
      static constexpr std::array<const char*, 5> kSteps{{"asylum_application",
                                                          "regular_application", "ind_decision",
                                                          "appeal", "no_fault_procedure"}};
      add(Phase::day, s, pick(kLegal), "LegalStepRecorded",
          {{"step", pick(kSteps)}, {"result", chance(0.5) ? "pending" : "rejected"}});
      c.next_legal = day_ + between(45, 120);
    }
    if (std::string{c.outcome->track} == "return" && day_ == c.next_return && c.return_step < 5) {
      static constexpr std::array<const char*, 5> kReturnSteps{
          {"orientation", "travel_documents_requested", "travel_documents_obtained",
           "return_support_approved", "departure_scheduled"}};
      add(Phase::day, s, pick(kReturn), "ReturnStepRecorded",
          {{"step", kReturnSteps[static_cast<std::size_t>(c.return_step)]}, {"country", "GH"}});
      ++c.return_step;
      c.next_return = day_ + between(20, 50);
    }
    if (c.open_escalation.empty() && chance(0.0015) && c.end_day - day_ > 30) {
      c.open_escalation = "esc-" + std::to_string(++c.escalations);
      static constexpr std::array<const char*, 4> kReasons{
          {"non_cooperation", "house_rules", "behaviour", "other"}};
      add(Phase::day, s, house, "EscalationRaised",
          {{"escalationId", c.open_escalation}, {"reason", pick(kReasons)}, {"level", "warning"}});
      c.resolve_day = day_ + between(7, 40);
    } else if (!c.open_escalation.empty() && day_ == c.resolve_day && chance(0.8)) {
      add(Phase::day, s, kIntake, "EscalationResolved",
          {{"escalationId", c.open_escalation}, {"resolution", "resolved"}});
      c.open_escalation.clear();
    }
    if (std::string{c.outcome->outcome} == "removed_non_cooperation" && day_ == c.end_day - 10) {
      const std::string id = "esc-" + std::to_string(++c.escalations);
      add(Phase::day, s, kIntake, "EscalationRaised",
          {{"escalationId", id}, {"reason", "non_cooperation"}, {"level", "termination_proposed"}});
    }
    const Days limit = add_months(c.housed_on, 18);
    if (!c.extended && c.end_day > limit && day_ == limit - 20) {
      add(Phase::day, s, kRegie, "StayExtended",
          {{"until", format_date(c.end_day + 14)}, {"reason", "procedure pending"}});
      c.extended = true;
    }
    if ((day_ - c.housed_on) % 7 == 3 && chance(0.2)) {
      const auto& p = pick(kParticipation);
      add(Phase::day, s, p, "ParticipationRecorded",
          {{"activity", "Taalcafé"}, {"organisation", p.organisation}, {"hours", 2}});
    }
  }

  void assign_beds() {
    std::deque<std::size_t> still;
    for (const auto index : waiting_list_) {
      SimCase& c = cases_[index];
      if (c.stage != 1) continue;
      const DemoLocation* chosen = nullptr;
      for (const auto& l : kLocations) {
        if (free_beds_[l.id] > 0 &&
            (chosen == nullptr || free_beds_[l.id] > free_beds_[chosen->id]))
          chosen = &l;
      }
      const bool funding_full = c.lvv ? lvv_housed_ >= 360 : municipal_housed_ >= 140;
      if (chosen == nullptr || funding_full) {
        still.push_back(index);
        continue;
      }
      (c.lvv ? lvv_housed_ : municipal_housed_) += 1;
      --free_beds_[chosen->id];
      --waiting_;
      c.stage = 3;
      c.loc = chosen;
      c.location = chosen->id;
      c.housed_on = day_;
      c.outcome = draw_outcome();
      c.end_day = day_ + between(c.outcome->min_months * 30, c.outcome->max_months * 30);
      c.track_day = day_ + between(20, 150);
      c.next_legal = day_ + between(10, 60);
      c.next_return = c.track_day + 10;
      add(Phase::beds, case_stream(c), housing(chosen->op), "BedAssigned",
          {{"locationId", chosen->id}});
    }
    waiting_list_ = std::move(still);
  }

  void monthly() {
    for (const auto& l : kLocations) {
      const double r = uniform();
      const char* kind = r < 0.55   ? "compliment"
                         : r < 0.75 ? "meeting"
                         : r < 0.9  ? "volunteer_help"
                                    : "complaint";
      add(Phase::day, stream_name(StreamKind::location, l.id), housing(l.op),
          "NeighbourhoodContactRecorded", {{"kind", kind}});
    }
  }

  void weekly() {
    for (const auto& p : kParticipation) {
      const std::string id = "act-" + std::to_string(++activities_);
      const std::string s = stream_name(StreamKind::activity, id);
      add(Phase::end, s, p, "ActivityScheduled",
          {{"title", "Activiteit " + std::to_string(activities_)},
           {"organisation", p.organisation},
           {"category", pick(kCategories)},
           {"startsAt",
            format_rfc3339(day_ * kMicrosPerDay + Micros{14} * 3600 * kMicrosPerSecond)},
           {"coDesigned", chance(0.3)}});
      if (chance(0.92)) {
        add(Phase::day, s, p, "ActivityHeld",
            {{"residents", between(4, 25)},
             {"volunteers", between(1, 6)},
             {"neighbours", between(0, 8)},
             {"volunteerHours", between(2, 20)}});
      } else {
        add(Phase::day, s, p, "ActivityCancelled", {});
      }
    }
  }

  // Appends the day's steps: phases in order (ends, the day, beds); within a phase, the
  // steps of one stream in order, different streams concurrently (one group commit).
  Status flush() {
    for (auto& steps : pending_) {
      while (!steps.empty()) {
        std::vector<AppendRequest> wave;
        std::vector<Step> rest;
        std::set<std::string> in_wave;
        std::set<std::string> blocked;
        for (auto& st : steps) {
          const bool can_join = !blocked.contains(st.stream);
          if (can_join && in_wave.contains(st.stream) && wave.back().stream == st.stream &&
              wave.back().actor.subject == st.actor.subject) {
            if (auto s = add_sealed(st, wave.back()); !s) return s;
            continue;
          }
          if (can_join && !in_wave.contains(st.stream)) {
            in_wave.insert(st.stream);
            wave.push_back({st.stream, ExpectedVersion::any(), {}, st.actor});
            if (auto s = add_sealed(st, wave.back()); !s) return s;
            continue;
          }
          blocked.insert(st.stream);
          rest.push_back(std::move(st));
        }
        if (auto s = submit(std::move(wave)); !s) return s;
        steps = std::move(rest);
      }
    }
    return Ok{};
  }

  // Appends the step's event to `r`, sealed like the API seals it; a new data key goes with
  // the request, and its pending use is counted for release after the append.
  Status add_sealed(Step& st, AppendRequest& r) {
    NewEvent e = make_new_event(random_uuid(), st.type, st.at, std::move(st.data));
    if (opt_.sealer != nullptr) {
      auto sealed = opt_.sealer->seal(st.stream, e);
      if (!sealed) return sealed.take_error();
      if (!sealed->empty()) {
        r.new_data_key = std::move(*sealed);
        ++pending_uses_[st.stream];
      }
    }
    r.events.push_back(std::move(e));
    return Ok{};
  }

  Status submit(std::vector<AppendRequest> wave) {
    std::mutex mu;
    std::condition_variable cv;
    std::size_t left = wave.size();
    std::optional<Error> failure;
    for (auto& r : wave) {
      const std::size_t n = r.events.size();
      const std::string stream = r.stream;
      const int uses = pending_uses_[stream];
      pending_uses_.erase(stream);
      store_.append(std::move(r), [&, n, stream, uses](Result<AppendResult> res) {
        for (int i = 0; i < uses; ++i) {
          opt_.sealer->ring().release(stream, res.ok() && !res->duplicate);
        }
        std::lock_guard lock(mu);
        if (res.ok()) {
          report_.events += n;
        } else if (res.error().code == ErrorCode::unavailable) {
          failure = res.error();
        } else {
          ++report_.refused;
        }
        if (--left == 0) cv.notify_all();
      });
    }
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return left == 0; });
    if (failure) return *failure;
    return Ok{};
  }

  EventStore& store_;
  DemoOptions opt_;
  std::mt19937_64 rng_;
  std::mt19937_64 id_rng_;  // the case ids (uuid_case_ids)
  Days day_ = 0;
  std::vector<SimCase> cases_;
  std::deque<std::size_t> waiting_list_;
  std::multimap<Days, std::string> returns_;  // registrations to come: day, earlier case
  std::map<std::string, int> free_beds_;
  std::map<std::string, Micros> last_at_;
  std::array<std::vector<Step>, 3> pending_;
  int lvv_taken_ = 0;  // admitted (waiting or housed), per funding stream
  int lvv_housed_ = 0;
  int municipal_housed_ = 0;
  int municipal_taken_ = 0;
  int waiting_ = 0;
  int activities_ = 0;
  DemoReport report_;
  std::map<std::string, int> pending_uses_;  // new data keys handed out, per stream
};

}  // namespace

Result<DemoReport> generate_demo(EventStore& store, const DemoOptions& options) {
  Generator g(store, options);
  return g.run();
}

}  // namespace perspectief
