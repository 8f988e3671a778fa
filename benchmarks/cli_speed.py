"""How fast the `casework` command line answers on a board-sized database.

Builds a fresh SQLite database of 10,000 serious case reviews at mixed stages (screening to
closed, IMRs commissioned and some received, action plans, some cases paused; most reviews
finished, the open ones a few weeks past their last step and one in five stuck for months, so
some hundreds of deadlines are late), then times whole `casework` processes
against it, as a coordinator would run them:

    casework --help
    casework --db DB case show REF            (an open case with the most deadlines)
    casework --db DB case advance REF recommend --recommendation scr --criteria death
                                              (a different screening case on every run)
    casework --db DB deadlines --as-of TODAY
    casework --db DB deadlines --as-of TODAY --agency POLICE     (one agency's listing)
    casework --db DB deadlines --overdue --as-of TODAY+3y
                                              (every open deadline late: no target, it shows
                                               the cost per printed row)
    python -c "import sqlmodel"               (the floor)

Every command runs once to warm the caches (the OS's and Python's bytecode cache, which the
timed processes keep under a scratch directory, never in the source tree), then `--runs` times
(default 7), the runs of the five commands interleaved. The table gives the best and the median
wall-clock time, the median as a multiple of the floor's median, and the target: `--help`
under 100 ms; show, advance and deadlines at most 1.3 times the floor; the build under 60 s.

The data is what the product writes: a few hundred "template" cases are built through the real
`CaseService` (refer_scr, advance, extend, pause, resume) under a `FixedClock` set to each
step's day, and the rest are SQL copies of their case, deadline and history rows with new
references, numbers and pseudonyms.

Run from the project root:

    .venv/bin/python benchmarks/cli_speed.py [--cases N] [--keep PATH] [--runs N]

It is a measurement, not a test: it exits 0 whatever the timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
from measure import Timing, child_env, time_commands
from shared import ScrPlanner, bench_settings, copy_numbered, pseudonym, resolve, table
from sqlalchemy import Engine, text
from sqlmodel import Session

from casework.clock import LOCAL_TZ, FixedClock
from casework.config import database_url
from casework.db import init_database, make_engine
from casework.demo import AGENCIES as DEMO_AGENCIES
from casework.service import CaseService

ACTOR_NAMES = ("j.smith", "a.khan", "m.oconnor", "s.patel", "board-unit")
AGENCIES = (*DEMO_AGENCIES,
            ("YOT", "Youth Offending Team", "yot@council.example.org"),
            ("CAFCASS", "Cafcass", "safeguarding@cafcass.example.org"))
CODES = tuple(code for code, _, _ in AGENCIES)
# Where a template case stops, and how often (relative weights): a board's database over a
# few years is mostly finished reviews, with the open ones spread over the stages.
TARGETS = {
    "screening": 3, "decision": 2, "notification": 2, "panel_formation": 3,
    "terms_of_reference": 2, "imrs": 8, "overview": 3, "endorsement": 2, "publication": 2,
    "publication_held": 2, "implementation": 8, "closed": 45, "no_review": 18,
}
FINAL = ("closed", "no_review")
SPAN_DAYS = 3 * 365  # how far back the referrals go
PAUSED_SHARE = 0.12  # of open cases: paused at the end (a third of them resumed again)
OVERRUN_SHARE = 0.2  # of open cases: stuck well past their stage's timescale
HELP_TARGET_MS = 100.0
FLOOR_FACTOR = 1.3
BUILD_TARGET_S = 60.0
# Not a target: the listing three years on, when every open deadline is late, to show how the
# command's time grows with the rows it prints.
STRESS = "deadlines, all open late"


# -- building the database -----------------------------------------------------------------

@dataclass
class Planned:
    """One thing done to a template case, `gap` days after the one before."""

    gap: int
    action: str  # refer | advance | extend | pause | resume
    step: str = ""
    options: dict[str, Any] = field(default_factory=dict)


class BoardScrPlanner(ScrPlanner[Planned]):
    """A board's SCRs (`shared.ScrPlanner`): IMRs from 2-6 agencies, action plans of up to six
    actions, and a review at "publication" not yet held."""

    make_item = Planned
    codes = CODES
    paused_share = PAUSED_SHARE
    imr_agencies = (2, 6)
    imr_gap = 20
    action_gap = 3
    actions_per_recommendation = 1
    action_due = (60, 300)
    hold_before_publication = False

    def _action_count(self, target: str) -> int:
        rng = self.rng
        return rng.randint(0, 1) if target == "overview" else rng.choice((0, 1, 2, 3, 4, 5, 6))

    def _audit(self, endorse: int, outcome: str) -> None:
        """The six-month audit, held from five to eight months after the endorsement (it
        cannot be recorded earlier than a month before it is due)."""
        elapsed = sum(item.gap for item in self.items[endorse + 1:])
        target = self.rng.randint(155, 240)
        self.items.append(Planned(max(target - elapsed, 1), "advance", "record_audit",
                                  {"outcome": outcome}))

    def _implementation(self, target: str, actions: int, endorse: int) -> None:
        rng = self.rng
        if target == "closed":
            for number in range(1, actions + 1):
                if rng.random() < 0.85:
                    self.add(20, 120, "complete_action", action=number)
                else:
                    self.add(20, 120, "carry_forward", action=number,
                             reason="needs the new protocol first",
                             decision="board meeting of the following quarter")
            self._audit(endorse, "progress satisfactory")
            self.add(10, 60, "close")
            return
        for number in range(1, actions + 1):
            roll = rng.random()
            if roll < 0.4:
                self.add(20, 150, "complete_action", action=number)
            elif roll < 0.7:
                self.add(10, 60, "update_action", action=number,
                         progress=rng.choice(("on_track", "at_risk", "not_started")))
        if rng.random() < 0.5:
            self._audit(endorse, "some actions delayed")


def _fit(items: list[Planned], today: dt.date, rng: random.Random,
         finished: bool) -> list[dt.date]:
    """The day of each planned item, the referral at most three years ago.

    A finished review was referred any time it could have run its course by today; an open
    one is as old as the steps it has taken plus a few weeks, and one in five is stuck for
    months past its stage's timescale (so its deadlines are late, as real reviews' were).
    """
    total = sum(item.gap for item in items)
    if finished:
        age = rng.randint(total + 1, max(total + 1, SPAN_DAYS))
    elif rng.random() < OVERRUN_SHARE:
        age = total + rng.randint(60, 400)
    else:
        age = total + rng.randint(1, 45)
    age = min(age, SPAN_DAYS)
    scale = min(1.0, (age - 1) / total) if total else 1.0
    day = today - dt.timedelta(days=age)
    days = []
    for item in items:
        day += dt.timedelta(days=int(item.gap * scale))
        days.append(day)
    return days


def build_templates(service: CaseService, clock: FixedClock, count: int, today: dt.date,
                    rng: random.Random) -> int:
    """Open `count` cases through the service, each taken to a stage; returns service calls."""
    for code, name, email in AGENCIES:
        service.add_agency(code, name, email, f"director@{email.split('@')[1]}",
                           actor="benchmark")
    targets = rng.choices(list(TARGETS), weights=list(TARGETS.values()), k=count)
    calls = len(AGENCIES)
    for number, target in enumerate(targets):
        items = BoardScrPlanner(rng).plan(target)
        days = _fit(items, today, rng, target in FINAL)
        actor = rng.choice(ACTOR_NAMES)
        reference = ""
        for index, (item, day) in enumerate(zip(items, days, strict=True)):
            clock.set(pendulum.datetime(day.year, day.month, day.day, 9, tz=LOCAL_TZ)
                      .add(minutes=7 * index + rng.randint(0, 6)))
            if item.action == "refer":
                reference = service.refer_scr(pseudonym(number), actor=actor,
                                              referred_by=rng.choice(CODES)).reference
            elif item.action == "advance":
                options = {k: resolve(v, day) for k, v in item.options.items()}
                service.advance(reference, item.step, options, actor=actor)
            elif item.action == "extend":
                service.extend(reference, item.step, reason="agency asked for more time",
                               actor=actor, by=item.options["by"])
            elif item.action == "pause":
                service.pause(reference, item.options["reason"], actor=actor)
            else:
                service.resume(reference, actor=actor)
            calls += 1
        if number % 200 == 199:
            service.session.expunge_all()  # keep the identity map small
    return calls


def clone_cases(engine: Engine, total: int) -> None:
    """Copy the template cases (round robin) until there are `total`, in three INSERT..SELECTs.

    Each copy keeps its template's dates, stage, data, deadlines and history, and gets the next
    free number in its year, hence its own reference, and its own pseudonym.
    """
    with engine.begin() as connection:
        templates = list(connection.execute(
            text("SELECT id FROM case_record ORDER BY id")).scalars())
        if not templates or total <= len(templates):
            return
        copy_numbered(connection, [templates[i % len(templates)]
                                   for i in range(total - len(templates))], len(templates))

@dataclass
class Built:
    path: Path
    seconds: float
    templates: int
    service_calls: int
    counts: dict[str, int]
    stages: dict[str, int]
    show_ref: str
    show_deadlines: int
    screening_refs: list[str]


def build_database(path: Path, cases: int, templates: int, seed: int,
                   today: dt.date) -> Built:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    url = database_url(str(path))
    init_database(url)
    engine = make_engine(url)
    rng = random.Random(seed)
    templates = min(templates, cases)
    clock = FixedClock(pendulum.now("UTC"))
    settings = bench_settings(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            service = CaseService(session, settings, clock)
            calls = build_templates(service, clock, templates, today, rng)
        clone_cases(engine, cases)
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds = time.perf_counter() - started
        with engine.connect() as connection:
            counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                      for table in ("case_record", "deadline", "history")}
            counts["open deadlines past due"] = connection.execute(text(
                "SELECT count(*) FROM deadline WHERE status = 'open' AND due_on < :d"),
                {"d": today.isoformat()}).scalar_one()
            counts["paused cases"] = connection.execute(text(
                "SELECT count(*) FROM case_record WHERE paused_on IS NOT NULL")).scalar_one()
            stages = dict(connection.execute(text(
                "SELECT state, count(*) FROM case_record GROUP BY state "
                "ORDER BY count(*) DESC")).all())
            show_ref, show_deadlines = connection.execute(text(
                "SELECT c.reference, count(d.id) AS n FROM case_record c "
                "JOIN deadline d ON d.case_id = c.id "
                "WHERE c.closed_on IS NULL AND c.paused_on IS NULL "
                "GROUP BY c.id ORDER BY n DESC, c.id LIMIT 1")).one()
            screening = list(connection.execute(text(
                "SELECT reference FROM case_record WHERE state = 'screening' "
                "AND paused_on IS NULL ORDER BY id DESC")).scalars())
    finally:
        engine.dispose()
    return Built(path, seconds, templates, calls, counts, stages, show_ref, show_deadlines,
                 screening)


# -- timing the command line ---------------------------------------------------------------

def measure(built: Built, runs: int, today: dt.date, env: dict[str, str]) -> list[Timing]:
    """Time the floor and the four commands; the floor comes first."""
    python = sys.executable
    casework = str(Path(sys.executable).parent / "casework")
    db = str(built.path)
    times = runs + 1
    commands = {
        "python -c 'import sqlmodel'": [[python, "-c", "import sqlmodel"]] * times,
        "casework --help": [[casework, "--help"]] * times,
        f"case show {built.show_ref}": [[casework, "--db", db, "case", "show",
                                         built.show_ref]] * times,
        "case advance REF recommend": [
            [casework, "--db", db, "case", "advance", ref, "recommend", "--recommendation",
             "scr", "--criteria", "death"] for ref in built.screening_refs[:times]],
        f"deadlines --as-of {today.isoformat()}": [
            [casework, "--db", db, "deadlines", "--as-of", today.isoformat()]] * times,
        f"deadlines --as-of {today.isoformat()} --agency POLICE": [
            [casework, "--db", db, "deadlines", "--as-of", today.isoformat(), "--agency",
             "POLICE"]] * times,
        STRESS: [[casework, "--db", db, "deadlines", "--overdue", "--as-of",
                  (today + dt.timedelta(days=3 * 365)).isoformat()]] * times,
    }
    fresh = len(commands["case advance REF recommend"])
    if fresh < times:
        del commands["case advance REF recommend"]
    timings = time_commands(commands, env)
    if fresh < times:
        timings.insert(3, Timing("case advance REF recommend",
                                 error=f"only {fresh} screening cases; {times} needed"))
    return timings


def report(built: Built, timings: list[Timing]) -> None:
    floor = timings[0].median
    rows: list[tuple[str, str, str, str, str, str]] = []
    for timing in timings:
        if timing.error:
            rows.append((timing.label, "-", "-", "-", "", f"ERROR {timing.error}"))
            continue
        ratio = timing.median / floor
        if timing is timings[0]:
            target, ok = "(floor)", None
        elif timing.label == STRESS:
            target, ok = "(no target)", None
        elif timing.label == "casework --help":
            target, ok = f"< {HELP_TARGET_MS:.0f} ms", timing.median < HELP_TARGET_MS
        else:
            target, ok = f"<= {FLOOR_FACTOR} x floor", ratio <= FLOOR_FACTOR
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        rows.append((timing.label, f"{timing.best:.0f}", f"{timing.median:.0f}",
                     f"{ratio:.2f}", target, verdict))
    build_ok = built.seconds < BUILD_TARGET_S
    rows.append((f"build {built.counts['case_record']:,} cases", f"{built.seconds * 1000:.0f}",
                 "", "", f"< {BUILD_TARGET_S:.0f} s", "PASS" if build_ok else "FAIL"))
    table(("command", "best ms", "median ms", "x floor", "target", "result"), rows, "<>>><<")
    for timing in timings:
        if timing.runs_ms:
            runs = ", ".join(f"{ms:.0f}" for ms in timing.runs_ms)
            print(f"  {timing.label}: runs {runs} ms; {timing.output_lines} lines of output")
    listing = next((t for t in timings if t.label.startswith("deadlines --as-of")), None)
    stress = next((t for t in timings if t.label == STRESS), None)
    if listing and stress and stress.output_lines > listing.output_lines and stress.runs_ms:
        per_row = ((stress.median - listing.median) * 1000
                   / (stress.output_lines - listing.output_lines))
        print(f"  deadlines: about {per_row:.0f} us per extra row printed "
              f"({listing.output_lines:,} -> {stress.output_lines:,} lines)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the database")
    parser.add_argument("--templates", type=int, default=600,
                        help="cases built through CaseService; the rest are SQL copies")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command")
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--keep", type=Path, metavar="PATH", default=None,
                        help="build the database here and keep it (else a temporary file)")
    args = parser.parse_args(argv)
    today = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as scratch:
        home = Path(scratch)
        path = args.keep.resolve() if args.keep else home / "casework.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"Building {args.cases:,} cases in {path} ...", flush=True)
        built = build_database(path, args.cases, args.templates, args.seed, today)
        print(f"Built in {built.seconds:.1f} s ({built.templates:,} cases through CaseService "
              f"in {built.service_calls:,} calls, the rest copied in SQL): "
              + ", ".join(f"{v:,} {k}" for k, v in built.counts.items()))
        print("Stages: " + ", ".join(f"{k} {v:,}" for k, v in built.stages.items()))
        print(f"case show {built.show_ref}: {built.show_deadlines} deadlines. "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
              f"{args.runs} timed runs after one warm-up.\n", flush=True)
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print("(PYTHONDONTWRITEBYTECODE is set here; the timed processes run without it, "
                  "their bytecode cached under the scratch directory.)\n", flush=True)
        timings = measure(built, args.runs, today, child_env(home))
        report(built, timings)
        if args.keep:
            print(f"\nDatabase kept at {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
