#!/usr/bin/env python3
"""The evaluation export (spec/evaluation.md, "Evaluation export"), read as a researcher reads it.

A demo store is exported with `perspectief export-csv` at two knownAt (the whole log, and as
known when its 4,000th event was recorded). Each export is loaded with Python's csv module
(RFC 4180) and checked:
- export.csv lists every file with its row count and SHA-256, the same export id, knownAt and
  position; the same knownAt exported again gives the same bytes;
- outcomes, the intake funnel, utilisation and returns computed from the CSV files equal
  `perspectief replay` of the read models at the same knownAt (replay prints what the API
  answers: tests/integration/replay_test.cpp);
- no file holds personal data or free text: none of the demo's names, notes or titles, and no
  raw case id.

usage: evaluation_csv_test.py TOOL WORKDIR
"""
import csv
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta

TOOL, WORK = sys.argv[1], sys.argv[2]
FAILURES = []


def check(ok, message):
    if not ok:
        FAILURES.append(message)
        print("FAIL", message)
    return ok


def run(*args):
    r = subprocess.run([TOOL, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"perspectief {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def load(directory, name):
    with open(os.path.join(directory, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def day(text):
    return date.fromisoformat(text) if text else None


def replay(data, model, known_at, *flags):
    return json.loads(run("replay", "--data-dir", data, "--read-model", model,
                          "--known-at", known_at, *flags))


def add_months(d, months):
    """The same day `months` later, clamped to the month's last day."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def round_half_up(x):
    """To 2 decimals, halves away from zero, as the service's std::round(x * 100) / 100."""
    return math.floor(x * 100 + 0.5) / 100


def median(values):
    return statistics.median(values) if values else 0


def outcomes(cases, first, last):
    ended = [c for c in cases if c["endedOn"] and first <= day(c["endedOn"]) <= last]
    by_outcome = defaultdict(list)
    for c in ended:
        by_outcome[c["outcome"]].append(int(c["stayDays"]))
    by_track = defaultdict(Counter)
    for c in ended:
        by_track[c["trackAtEnd"]][c["outcome"]] += 1
    classes = Counter(c["outcomeClass"] for c in ended)
    return {
        "total": len(ended),
        "byOutcome": {o: {"count": len(d), "medianStayDays": median(d),
                          "meanStayDays": round_half_up(sum(d) / len(d))} for o, d in by_outcome.items()},
        "byClass": {k: classes[k] for k in ("durable", "semi_durable", "no_solution", "other")},
        "byTrack": {t: dict(c) for t, c in by_track.items()},
        "neverHoused": sum(1 for c in ended if not c["admittedOn"]),
    }


def intake_funnel(cases, decisions, first, last):
    def within(text):
        return bool(text) and first <= day(text) <= last
    decided = Counter(d["decision"] for d in decisions if within(d["on"]))
    return {
        "registered": sum(1 for c in cases if within(c["registeredOn"])),
        "intakeCompleted": sum(1 for c in cases if within(c["intakeCompletedOn"])),
        **{k: decided[k] for k in ("admitted", "rejected", "referred", "waitlisted")},
    }


def nights(start, end, first, last):
    """Nights D in [first, last] with start <= D < end (end None: open)."""
    lo = max(start, first)
    hi = last if end is None else min(last, end - timedelta(days=1))
    return max((hi - lo).days + 1, 0)


def utilisation(stays, locations, first, last):
    used = Counter()
    for s in stays:
        used[s["locationId"]] += nights(day(s["from"]), day(s["to"]), first, last)
    capacity = Counter()
    for l in locations:
        capacity[l["locationId"]] += int(l["beds"]) * nights(day(l["from"]), day(l["to"]), first, last)
    return used, capacity


def returns(cases, first, last):
    later = defaultdict(list)
    for c in cases:
        if c["previousCase"]:
            later[c["previousCase"]].append(day(c["registeredOn"]))
    out = {k: {"ended": 0, "returnedWithin6Months": 0, "returnedWithin12Months": 0,
               "returnedWithin24Months": 0} for k in ("durable", "semi_durable", "no_solution", "other")}
    for c in cases:
        if not c["endedOn"] or not first <= day(c["endedOn"]) <= last:
            continue
        end = day(c["endedOn"])
        counts = out[c["outcomeClass"]]
        counts["ended"] += 1
        for months in (6, 12, 24):
            if any(end <= r <= add_months(end, months) for r in later[c["case"]]):
                counts[f"returnedWithin{months}Months"] += 1
    return out


def check_export(data, out, known_at):
    manifest = load(out, "export.csv")
    names = ["cases.csv", "stays.csv", "decisions.csv", "legal_steps.csv", "return_steps.csv",
             "escalations.csv", "locations.csv", "activities.csv"]
    check([m["file"] for m in manifest] == names, f"{out}: manifest files {[m['file'] for m in manifest]}")
    check(len({(m["exportId"], m["knownAt"], m["position"]) for m in manifest}) == 1,
          f"{out}: one export id, knownAt and position")
    for m in manifest:
        with open(os.path.join(out, m["file"]), "rb") as f:
            raw = f.read()
        check(hashlib.sha256(raw).hexdigest() == m["sha256"], f"{m['file']}: sha256")
        check(len(load(out, m["file"])) == int(m["rows"]), f"{m['file']}: {m['rows']} rows")
        check(raw.endswith(b"\r\n"), f"{m['file']}: CRLF line ends (RFC 4180)")
    known = manifest[0]["knownAt"]
    if known_at:
        check(known == known_at, f"knownAt {known} != {known_at}")

    cases = load(out, "cases.csv")
    decisions = load(out, "decisions.csv")
    stays = load(out, "stays.csv")
    locations = load(out, "locations.csv")
    check(len(cases) > 100, f"only {len(cases)} cases")
    check(all(len(c["case"]) == 32 for c in cases), "cases are keyed by 32-hex pseudonyms")
    check(len({c["case"] for c in cases}) == len(cases), "one row per case")
    check(any(c["previousCase"] for c in cases), "some people come back")
    check(all(c["previousCase"] in {x["case"] for x in cases} for c in cases if c["previousCase"]),
          "every previousCase is a case of the export")

    # The ranges end at the last registration known then, so the mid export's are not empty.
    last_day = max(day(c["registeredOn"]) for c in cases)
    ranges = [(last_day - timedelta(days=400), last_day - timedelta(days=10)),
              (last_day - timedelta(days=90), last_day)]
    for first, last in ranges:
        span = ["--from", first.isoformat(), "--to", last.isoformat()]
        label = f"{first}..{last} knownAt {known}"
        model = replay(data, "outcomes", known, *span)
        mine = outcomes(cases, first, last)
        check(mine["total"] > 0, f"no stay ended in {label}")
        for key in mine:
            check(model[key] == mine[key], f"outcomes {key} {label}: read model {model[key]} csv {mine[key]}")
        model = replay(data, "intake-funnel", known, *span)
        for key, value in intake_funnel(cases, decisions, first, last).items():
            check(model[key] == value, f"intake funnel {key} {label}: read model {model[key]} csv {value}")
        model = replay(data, "utilisation", known, *span)
        used, capacity = utilisation(stays, locations, first, last)
        for loc in model["locations"]:
            lid = loc["locationId"]
            check(loc["bedNights"] == used[lid], f"bed nights {lid} {label}: {loc['bedNights']} csv {used[lid]}")
            check(loc["capacityNights"] == capacity[lid],
                  f"capacity nights {lid} {label}: {loc['capacityNights']} csv {capacity[lid]}")
        check(model["programme"]["bedNights"] == sum(used.values()), f"programme bed nights {label}")
        check(model["programme"]["capacityNights"] == sum(capacity.values()), f"programme capacity {label}")
        model = replay(data, "returns", known, *span)
        mine = returns(cases, first, last)
        if (first, last) == ranges[0] and known_at is None:
            check(sum(c["returnedWithin24Months"] for c in mine.values()) > 0,
                  f"no return within 24 months in {label}")
        for cls, counts in mine.items():
            check(model[cls] == counts, f"returns {cls} {label}: read model {model[cls]} csv {counts}")
    return manifest


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    data = os.path.join(WORK, "data")
    print(run("demo", "--data-dir", data, "--cases", "600", "--years", "3", "--seed", "5"), end="")
    research = run("export", "--pseudonymise", "--data-dir", data).splitlines()
    known_mid = json.loads(research[3999])["recordedAt"]

    print(run("export-csv", "--data-dir", data, "--to", os.path.join(WORK, "all")), end="")
    whole = check_export(data, os.path.join(WORK, "all"), None)
    print(run("export-csv", "--data-dir", data, "--to", os.path.join(WORK, "mid"),
              "--known-at", known_mid), end="")
    mid = check_export(data, os.path.join(WORK, "mid"), known_mid)
    check(int(mid[0]["position"]) < int(whole[0]["position"]), "the mid export holds fewer events")

    # The same knownAt again: the same bytes, the same export id.
    run("export-csv", "--data-dir", data, "--to", os.path.join(WORK, "mid2"), "--known-at", known_mid)
    for name in os.listdir(os.path.join(WORK, "mid")):
        with open(os.path.join(WORK, "mid", name), "rb") as a, open(os.path.join(WORK, "mid2", name), "rb") as b:
            check(a.read() == b.read(), f"{name}: exported twice at the same knownAt, the bytes differ")

    # A non-empty directory is refused, and nothing in it changes.
    r = subprocess.run([TOOL, "export-csv", "--data-dir", data, "--to", os.path.join(WORK, "mid")],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "not empty" in r.stderr, f"export into a non-empty directory: {r.returncode} {r.stderr}")

    # No personal data, no free text: the demo's names, notes, titles and raw case ids.
    distinctive = ["Amina", "Kwame", "Yusuf", "Fatima", "Tesfaye", "Mensah", "Diallo", "Haile",
                   "Nkemelu", "procedure pending", "Taalcafé", "Activiteit", "COA", "demo-",
                   "cm-anna", "dateOfBirth", "nationality"]
    for directory in ("all", "mid"):
        for name in os.listdir(os.path.join(WORK, directory)):
            with open(os.path.join(WORK, directory, name), encoding="utf-8") as f:
                text = f.read()
            for word in distinctive:
                check(word not in text, f"{directory}/{name} holds {word!r}")

    if FAILURES:
        sys.exit(f"{len(FAILURES)} failures")
    print("evaluation export: every check passed")


if __name__ == "__main__":
    main()
