"""How long the reminder sweep takes as the number of open deadlines grows.

Targets: with 100,000 open deadlines of which none are due, a sweep takes under 1 s; with
10,000 due, the sweep that queues them takes under 30 s. And how the time grows with the
number of deadlines.

For each size N (`--sizes`, default 10,000, 30,000 and 100,000) it builds a fresh SQLite
database in a temporary folder: a few agencies, the board mailbox, and N serious case
reviews at screening, each with its one open "decision" deadline (the board's own, due a
month after the referral; its reminders go to the board mailbox). A few hundred referrals
(`--templates` per group) are made through the real `CaseService` (with the `Notifier`
listening) under a `FixedClock` set to each referral's moment; the rest are SQL copies of
their case, deadline and history rows with new references, numbers and pseudonyms, so every
copy keeps its template's due date and `next_level_at` pointer. The referrals fall in two
groups:

    due group    `--due` deadlines (default 10,000), referred 2-5 January 2024, due
                 2-5 February; their first level (owner -5 working days) falls due
                 26-29 January at 07:00 London
    later group  the other N - due, referred 9-19 January, due 9-19 February; first level
                 2-12 February

Then, on that database:

  1. `notifications.scheduler.reschedule` recomputes every open deadline's pointer (timed;
     `--no-reschedule` skips it), and the copies' pointers are checked against it.
  2. The quiet sweep, as of Monday 22 January 2024 12:00 London (every referral made,
     no level due): one warm-up, then `--runs` timed sweeps (default 5), each in a new
     session as `casework scheduler run` does; the median and the best are shown.
     Against floors measured in the same run: a bare indexed check (a new sqlite3
     connection asking the pointer index, nothing else) for the in-process sweep, and
     `python -c "import sqlmodel"` for a whole `casework scheduler run-once --no-send`
     process at the quiet instant (weekly listing off), the two interleaved.
  3. The due sweep, as of Wednesday 31 January 2024 12:00 London: the due group's first
     reminder is due, nothing of the later group. One sweep, which renders and queues an
     email per level in the outbox and writes its history; then a second sweep at the same
     instant, which should find nothing.

The SQL statements of each sweep are counted (an engine event), and the claim query's
`EXPLAIN QUERY PLAN` is shown for the largest size.

Run from the project root:

    .venv/bin/python benchmarks/sweep_speed.py [--sizes 10000,30000,100000] [--runs N]
        [--due N] [--templates N] [--no-reschedule] [--million] [--keep]

`--million` adds a size of 1,000,000 open deadlines (a few minutes, 2.5 GB of disk).

It is a measurement, not a test: the timings decide nothing. It exits 1 only when a sweep
did the wrong thing: the quiet sweep issued a level, the due sweep did not issue a level
for every due deadline (or issued one for a deadline not due), the second sweep issued
anything, or the data were not laid out as planned.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
from measure import (
    Statements,
    Swept,
    Timing,
    child_env,
    growth,
    levels,
    one_sweep,
    peak_rss_mb,
    time_commands,
    timed_reschedule,
)
from shared import REGIME_STEPS, bench_settings, copy_numbered, due_by, numbers, pseudonym, table
from sqlalchemy import Engine, text

from casework.clock import FixedClock
from casework.config import Settings
from casework.db import init_database, open_engine, session_scope
from casework.service import CaseService
from notifications.notifier import Notifier
from notifications.scheduler import BATCH

QUIET_TARGET_S = 1.0
FLOOR = "python -c 'import sqlmodel'"
QUIET_TARGET_SIZE = 100_000
DUE_TARGET_S = 30.0
AGENCIES = [
    ("POLICE", "Kent Police", "safeguarding@police.example.org"),
    ("CSC", "Children's Social Care", "csc-lead@kent.example.org"),
    ("HEALTH", "NHS Kent and Medway", "safeguarding@nhs.example.org"),
    ("EDU", "Education Safeguarding", "education@kent.example.org"),
    ("PROBATION", "Probation Service", "probation@probation.example.org"),
]
CODES = [code for code, _, _ in AGENCIES]
DUE_DAYS = [pendulum.date(2024, 1, d) for d in (2, 3, 4, 5)]
LATER_DAYS = [pendulum.date(2024, 1, d) for d in (9, 10, 11, 12, 15, 16, 17, 18, 19)]
QUIET_AS_OF = pendulum.datetime(2024, 1, 22, 12, tz="Europe/London").in_timezone("UTC")
DUE_AS_OF = pendulum.datetime(2024, 1, 31, 12, tz="Europe/London").in_timezone("UTC")
LEVEL_KINDS = ("reminder", "escalation")


class Wrong(Exception):
    """The data or a sweep is not what it should be: a correctness problem, not a timing."""


# -- building the database -----------------------------------------------------------------


def _refer(service: CaseService, clock: FixedClock, days: Sequence[pendulum.Date], count: int,
           first: int) -> list[int]:
    """`count` referrals through the service, round the `days`, 09:00 London onwards."""
    ids = []
    for i in range(count):
        day = days[i % len(days)]
        clock.set(pendulum.datetime(day.year, day.month, day.day, 9, tz="Europe/London")
                  .add(minutes=i // len(days)))
        case = service.refer_scr(pseudonym(first + i), actor="bench",
                                 referred_by=CODES[i % len(CODES)])
        if "notify_ofsted" in REGIME_STEPS:  # done the same day: only the decision is open
            service.advance(case.reference, "notify_ofsted", {}, actor="bench")
        ids.append(case.id)
        if i % 200 == 199:
            service.session.expunge_all()  # keep the identity map small
    return ids


def clone_cases(engine: Engine, groups: Sequence[tuple[list[int], int]], first: int) -> int:
    """For each (template ids, copies): that many SQL copies of the templates (round robin)
    with their deadline and history rows, each with its own reference and pseudonym
    (`shared.copy_numbered`)."""
    template_ids = [ids[index % len(ids)] for ids, copies in groups for index in range(copies)]
    with engine.begin() as connection:
        return copy_numbered(connection, template_ids, first)


@dataclass
class Built:
    size: int
    due_ids: set[int]  # the due group's deadline ids
    referrals: int
    referral_s: float
    clone_s: float
    db_mb: float = 0.0


def build(engine: Engine, settings: Settings, size: int, due: int, templates: int) -> Built:
    clock = FixedClock(pendulum.datetime(2024, 1, 2, 8, tz="Europe/London"))
    started = time.perf_counter()
    with session_scope(engine) as session:
        service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
        for code, name, email in AGENCIES:
            service.add_agency(code, name, email, f"head-of-{email}", actor="bench")
        service.set_board_contact("mailbox", "lscb@board.example.org", actor="bench")
        due_templates = min(templates, due)
        later_templates = min(templates, size - due)
        due_cases = _refer(service, clock, DUE_DAYS, due_templates, 0)
        later_cases = _refer(service, clock, LATER_DAYS, later_templates, due_templates)
    referral_s = time.perf_counter() - started
    started = time.perf_counter()
    groups = [(due_cases, due - due_templates), (later_cases, size - due - later_templates)]
    clone_cases(engine, groups, due_templates + later_templates)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    clone_s = time.perf_counter() - started
    with engine.connect() as connection:
        open_count = connection.execute(
            text("SELECT count(*) FROM deadline WHERE status = 'open'")).scalar_one()
        due_ids = set(connection.execute(text(
            "SELECT d.id FROM deadline d JOIN case_record c ON c.id = d.case_id "
            "WHERE c.opened_on <= :last AND d.status = 'open'"),
            {"last": DUE_DAYS[-1].isoformat()}).scalars())
    if open_count != size or len(due_ids) != due:
        raise Wrong(f"built {open_count:,} open deadlines ({len(due_ids):,} in the due group), "
                    f"not {size:,} ({due:,})")
    return Built(size, due_ids, due_templates + later_templates, referral_s, clone_s)


def check_layout(engine: Engine, built: Built) -> None:
    """Nothing due by the quiet instant; exactly the due group by the due one."""
    with engine.connect() as connection:
        quiet, due = due_by(connection, QUIET_AS_OF), due_by(connection, DUE_AS_OF)
        unset = connection.execute(text(
            "SELECT count(*) FROM deadline WHERE next_level_at IS NULL AND status = 'open'")
        ).scalar_one()
    if quiet or due != built.due_ids or unset:
        raise Wrong(f"data not as planned: {len(quiet):,} deadlines due by the quiet instant "
                    f"(0 wanted), {len(due):,} by the due one ({len(built.due_ids):,} wanted, "
                    f"{len(due ^ built.due_ids):,} differ), {unset:,} without a pointer")


# -- sweeping ------------------------------------------------------------------------------


@dataclass
class Result:
    size: int
    built: Built
    reschedule_s: float | None = None
    rescheduled: int = 0
    pointers_changed: int = 0
    warm_ms: float = 0.0
    quiet_ms: list[float] = field(default_factory=list)
    quiet_statements: int = 0
    bare_ms: list[float] = field(default_factory=list)  # the in-process floor
    processes: list[Timing] = field(default_factory=list)  # floor first, then run-once
    due: Swept | None = None
    second: Swept | None = None
    outbox_levels: int = 0
    history_levels: int = 0
    plan: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def quiet_median(self) -> float:
        return statistics.median(self.quiet_ms) if self.quiet_ms else math.nan

    @property
    def quiet_best(self) -> float:
        return min(self.quiet_ms) if self.quiet_ms else math.nan


def measure_size(folder: Path, size: int, args: argparse.Namespace, explain: bool) -> Result:
    path = folder / f"sweep-{size}.db"
    url = f"sqlite:///{path}"
    init_database(url)
    engine = open_engine(url)
    counter = Statements()
    counter.attach(engine)
    settings = bench_settings(url)
    try:
        print(f"\n== {size:,} open deadlines ({args.due:,} to fall due) in {path}", flush=True)
        built = build(engine, settings, size, args.due, args.templates)
        built.db_mb = path.stat().st_size / 1e6
        result = Result(size, built)
        print(f"built: {built.referrals:,} referrals through CaseService in "
              f"{built.referral_s:.1f} s, {size - built.referrals:,} SQL copies in "
              f"{built.clone_s:.1f} s; {built.db_mb:,.0f} MB", flush=True)

        if args.reschedule:
            rescheduled = timed_reschedule(engine, settings, QUIET_AS_OF)
            result.rescheduled, result.reschedule_s = (rescheduled.deadlines,
                                                       rescheduled.seconds)
            result.pointers_changed = rescheduled.changed
            print(rescheduled.line(), flush=True)
            if result.pointers_changed:
                result.wrong.append(f"{size:,}: reschedule moved {result.pointers_changed:,} "
                                    "pointers: the copies' pointers were wrong")
        check_layout(engine, built)

        # The quiet sweep: a warm-up, then the timed runs.
        warm = one_sweep(engine, settings, QUIET_AS_OF, counter)
        result.warm_ms = warm.wall_s * 1000
        quiet_reports = [warm.report]
        for _ in range(args.runs):
            swept = one_sweep(engine, settings, QUIET_AS_OF, counter)
            result.quiet_ms.append(swept.report.seconds * 1000)
            result.quiet_statements = swept.statements
            quiet_reports.append(swept.report)
        issued = [r for r in quiet_reports if r.deadlines or levels(r)]
        if issued:
            result.wrong.append(f"{size:,}: a sweep with nothing due found "
                                f"{issued[0].deadlines} deadlines, issued {levels(issued[0])}")
        print(f"quiet sweep ({QUIET_AS_OF.in_timezone('Europe/London'):%a %d %b %H:%M} London):"
              f" warm-up {result.warm_ms:.1f} ms; {args.runs} runs "
              + ", ".join(f"{ms:.1f}" for ms in result.quiet_ms)
              + f" ms; {result.quiet_statements} SQL statements", flush=True)
        result.bare_ms = [bare_check(path) for _ in range(max(args.runs, 3))]
        result.processes = run_once_processes(folder, url, args.runs)
        floor_t, run_once_t = result.processes
        for timing in result.processes:
            if timing.error:
                result.wrong.append(f"{size:,}: {timing.label} failed: {timing.error}")
        print(f"bare indexed check (sqlite3, new connection): median "
              f"{statistics.median(result.bare_ms):.2f} ms; processes: {floor_t.label} "
              f"{floor_t.median:.0f} ms, {run_once_t.label} {run_once_t.median:.0f} ms",
              flush=True)
        if explain and counter.claim:
            result.plan = explain_claim(engine, *counter.claim)

        # The due sweep, and a second at the same instant.
        result.due = one_sweep(engine, settings, DUE_AS_OF, counter)
        report = result.due.report
        print(f"due sweep ({DUE_AS_OF.in_timezone('Europe/London'):%a %d %b %H:%M} London): "
              f"{report.line()}; {result.due.statements:,} SQL statements", flush=True)
        result.second = one_sweep(engine, settings, DUE_AS_OF, counter)
        print(f"second sweep: {result.second.report.line()}", flush=True)
        check_due(engine, built, result)
    finally:
        engine.dispose()
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return result


def bare_check(path: Path) -> float:
    """The in-process floor: a new sqlite3 connection asking the pointer index whether
    anything is due, and nothing else (ms)."""
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    try:
        connection.execute("SELECT id FROM deadline WHERE next_level_at <= ? LIMIT 1",
                           (QUIET_AS_OF.naive().isoformat(" "),)).fetchall()
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000


def run_once_processes(folder: Path, url: str, runs: int) -> list[Timing]:
    """`python -c "import sqlmodel"` (the floor) and a whole `casework scheduler run-once`
    process at the quiet instant, in turn (the weekly listing off: it cannot fire)."""
    quiet = folder / "quiet.toml"
    quiet.write_text('[scheduler]\noverdue_listing = "off"\n')
    casework = str(Path(sys.executable).parent / "casework")
    as_of = QUIET_AS_OF.in_timezone("Europe/London").format("YYYY-MM-DD HH:mm")
    times = runs + 1
    return time_commands({
        FLOOR: [[sys.executable, "-c", "import sqlmodel"]] * times,
        "casework scheduler run-once --no-send": [
            [casework, "--db", url, "--config", str(quiet), "scheduler", "run-once",
             "--no-send", "--as-of", as_of]] * times,
    }, child_env(folder))


def check_due(engine: Engine, built: Built, result: Result) -> None:
    """Every due deadline got its level (an outbox row and a history row each), no other
    deadline did, and the second sweep did nothing."""
    assert result.due is not None and result.second is not None
    report, second = result.due.report, result.second.report
    due = len(built.due_ids)
    with engine.connect() as connection:
        kinds = {"k0": LEVEL_KINDS[0], "k1": LEVEL_KINDS[1]}
        rows = connection.execute(text(
            "SELECT deadline_id, count(*) FROM outbox WHERE kind IN (:k0, :k1) "
            "GROUP BY deadline_id"), kinds).all()
        result.outbox_levels = sum(n for _, n in rows)
        emailed = {deadline_id for deadline_id, _ in rows}
        result.history_levels = connection.execute(text(
            "SELECT count(*) FROM history WHERE step IN (:k0, :k1)"), kinds).scalar_one()
        reached = set(connection.execute(text(
            "SELECT id FROM deadline WHERE level_reached IS NOT NULL")).scalars())
        still_due = len(due_by(connection, DUE_AS_OF))
    size = f"{built.size:,}"
    if report.deadlines != due:
        result.wrong.append(f"{size}: the due sweep took {report.deadlines:,} deadlines, "
                            f"not {due:,}")
    if emailed != built.due_ids or reached != built.due_ids:
        result.wrong.append(
            f"{size}: {len(built.due_ids - emailed):,} due deadlines got no email, "
            f"{len(emailed - built.due_ids):,} not due got one; "
            f"{len(built.due_ids - reached):,} due deadlines reached no level")
    if result.outbox_levels != levels(report) or result.history_levels != levels(report):
        result.wrong.append(f"{size}: the due sweep reports {levels(report):,} levels, the "
                            f"outbox holds {result.outbox_levels:,}, the history "
                            f"{result.history_levels:,}")
    if report.unaddressed:
        result.wrong.append(f"{size}: {len(report.unaddressed):,} levels had no address")
    if still_due:
        result.wrong.append(f"{size}: {still_due:,} deadlines still due after the sweep")
    if second.deadlines or levels(second):
        result.wrong.append(f"{size}: the second sweep took {second.deadlines:,} deadlines "
                            f"and issued {levels(second):,} levels")


def explain_claim(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """SQLite's plan for the sweep's claim (the UPDATE .. WHERE id IN (SELECT .. LIMIT)),
    as the sweep ran it."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                          tuple(parameters)).all()
        connection.rollback()
    return [f"{'  ' * _depth(rows, row)}{row[-1]}" for row in rows]


def _depth(rows: Sequence[Any], row: Any) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


# -- the report ----------------------------------------------------------------------------


def exponent(results: Sequence[Result], value: Any) -> str:
    """The slope of log(time) against log(deadlines) between the smallest and the largest
    size: 0 is flat, 1 is linear."""
    first, last = results[0], results[-1]
    return growth(value(first), value(last), first.size, last.size)


def report(results: Sequence[Result], args: argparse.Namespace) -> None:
    print(f"\nPython {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} CPUs; sweep batch {BATCH}; each sweep in a new session.\n")
    rows = []
    base = results[0]
    for r in results:
        due, second = r.due, r.second
        assert due is not None and second is not None
        n = due.report.deadlines
        rows.append((
            f"{r.size:,}",
            f"{r.built.referral_s + r.built.clone_s:.1f}",
            f"{r.reschedule_s:.1f}" if r.reschedule_s is not None else "-",
            f"{r.quiet_median:.1f}", f"{r.quiet_best:.1f}",
            f"{r.quiet_median / base.quiet_median:.2f}",
            f"{n:,}", f"{levels(due.report):,}", f"{due.report.seconds:.2f}",
            f"{due.report.seconds * 1000 / n:.2f}" if n else "-",
            f"{due.statements / n:.1f}" if n else "-",
            f"{second.report.seconds * 1000:.1f}",
        ))
    table(("open deadlines", "build s", "reschedule s", "quiet median ms", "quiet best ms",
           "x smallest", "due swept", "levels", "due sweep s", "ms/deadline", "SQL/deadline",
           "2nd sweep ms"), rows, "<>>>>>>>>>>>")
    if len(results) > 1:
        print(f"\nGrowth from {results[0].size:,} to {results[-1].size:,} deadlines, as the "
              "exponent k in time ~ N^k (0 flat, 1 linear):")
        first, last = results[0], results[-1]
        print(f"  quiet sweep (median): {first.quiet_median:.1f} -> {last.quiet_median:.1f} ms, "
              f"k = {exponent(results, lambda r: r.quiet_median)} (at about a millisecond, "
              "noise: read it as flat unless the milliseconds grow)")
        print(f"  due sweep of {args.due:,}: {first.due.report.seconds:.2f} -> "
              f"{last.due.report.seconds:.2f} s, k = "
              f"{exponent(results, lambda r: r.due.report.seconds if r.due else math.nan)}")
        if first.reschedule_s is not None and last.reschedule_s is not None:
            print(f"  reschedule (every open deadline): {first.reschedule_s:.1f} -> "
                  f"{last.reschedule_s:.1f} s, k = "
                  f"{exponent(results, lambda r: r.reschedule_s or math.nan)}")

    print("\nThe quiet sweep against floors measured in the same run (medians): in-process, "
          "a new sqlite3\nconnection asking the pointer index; as a process, "
          f"{FLOOR}.\n")
    quiet_rows = []
    for r in results:
        bare = statistics.median(r.bare_ms) if r.bare_ms else math.nan
        floor_t, run_once_t = r.processes
        quiet_rows.append((f"{r.size:,}", f"{r.quiet_median:.2f}", f"{bare:.2f}",
                           f"{r.quiet_median / bare:.1f}x", f"{r.quiet_statements}",
                           f"{run_once_t.median:.0f}", f"{floor_t.median:.0f}",
                           f"{run_once_t.median / floor_t.median:.2f}x"))
    table(("open deadlines", "sweep ms", "bare check ms", "ratio", "SQL", "run-once ms",
           "floor ms", "ratio"), quiet_rows, "<>>>>>>>")

    print()
    largest = results[-1]
    at_target = next((r for r in results if r.size == QUIET_TARGET_SIZE), None)
    quiet = at_target or largest
    note = "" if at_target else f" (measured at {quiet.size:,}, not {QUIET_TARGET_SIZE:,})"
    due_worst = max(results, key=lambda r: r.due.report.seconds if r.due else 0)
    assert due_worst.due is not None
    targets = [
        (f"quiet sweep, {QUIET_TARGET_SIZE:,} open", f"< {QUIET_TARGET_S:.0f} s",
         f"{quiet.quiet_median / 1000:.4f} s median{note}",
         "PASS" if quiet.quiet_median / 1000 < QUIET_TARGET_S else "FAIL"),
        (f"sweep queueing {args.due:,} due", f"< {DUE_TARGET_S:.0f} s",
         f"{due_worst.due.report.seconds:.2f} s (slowest, at {due_worst.size:,} open)",
         "PASS" if due_worst.due.report.seconds < DUE_TARGET_S else "FAIL"),
    ]
    table(("target", "limit", "measured", "result"), targets, "<<<<")

    if due_worst.due.kinds:
        print(f"\nSQL statements of the due sweep at {due_worst.size:,} open deadlines "
              f"({due_worst.due.statements:,} in all):")
        for kind, count in sorted(due_worst.due.kinds.items(), key=lambda kv: -kv[1]):
            print(f"  {count:>8,}  {kind}")
    if largest.plan:
        print(f"\nEXPLAIN QUERY PLAN of the claim at {largest.size:,} open deadlines:")
        for line in largest.plan:
            print(f"  {line}")


def sizes(text_value: str) -> list[int]:
    values = numbers(text_value)
    if not values:
        raise argparse.ArgumentTypeError("give at least one size")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=sizes, default=[10_000, 30_000, 100_000],
                        help="open deadlines, comma separated (default 10000,30000,100000)")
    parser.add_argument("--due", type=int, default=10_000,
                        help="deadlines that fall due for the due sweep (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="timed quiet sweeps per size")
    parser.add_argument("--templates", type=int, default=200,
                        help="referrals per group made through CaseService; the rest are "
                             "SQL copies (default 200)")
    parser.add_argument("--reschedule", action=argparse.BooleanOptionalAction, default=True,
                        help="time `reschedule` on each database and check the copies' "
                             "pointers against it (default on)")
    parser.add_argument("--million", action="store_true",
                        help="add a size of 1,000,000 open deadlines (minutes, a few GB)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (the databases) and print its path")
    args = parser.parse_args(argv)
    if args.million and 1_000_000 not in args.sizes:
        args.sizes.append(1_000_000)
    if args.due < 1 or args.runs < 1 or args.templates < 1:
        parser.error("--due, --runs and --templates must be at least 1")
    if args.sizes[0] < args.due:
        parser.error(f"every size must be at least --due ({args.due:,})")

    folder = Path(tempfile.mkdtemp(prefix="casework-bench-sweep-"))
    results: list[Result] = []
    wrong: list[str] = []
    started = time.perf_counter()
    try:
        for size in args.sizes:
            try:
                result = measure_size(folder, size, args, explain=size == args.sizes[-1])
            except Wrong as exc:
                wrong.append(f"{size:,}: {exc}")
                continue
            results.append(result)
            wrong.extend(result.wrong)
        if results:
            report(results, args)
        print(f"\nWhole run {time.perf_counter() - started:.0f} s; peak memory "
              f"{peak_rss_mb():,.0f} MB.")
        for line in wrong:
            print(f"WRONG: {line}", file=sys.stderr)
        return 1 if wrong else 0
    finally:
        if args.keep:
            print(f"\nKept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
