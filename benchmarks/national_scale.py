"""A national-scale database: 40,000 cases, 1,000,000 deadline rows, SQLite and PostgreSQL.

It times the reminder sweep, the board's overdue listing, `casework case show` and
`scheduler reschedule` over it.

Its reviews are a load profile, not law (`shared.SWITCHES`). Its serious case reviews run to
today, years after SCRs ended. Its child deaths are reviewed the pre-2018 way (Working
Together 2006: triage, rapid response with a joint home visit, Form B, Form C) however recent:
the newest child death review version's start is moved past today, as only a program can. That
was the quickest honest way to make it run again once deaths from October 2018 went to the
2018 guidance (`workflows/cdr2018.py`: triage with `--jar`, JARs, CDRMs): its stories, its due
groups (a joint home visit due 24 hours on) and its checks are the older review's, and a
rewrite for 2018 would change them all. What the 2006 review itself asks of a late review is
followed: a review completed from 1 April 2019 is submitted to the NCMD before it closes.

Targets (from the issue): a sweep with nothing due under 1 s; the board's overdue listing
under 3 s; `casework case show` within 1.3 times the wall time of `python -c "import
sqlmodel"` (the floor, measured in the same run, whole processes, as on SQLite); and how the
sweep's time grows from 10,000 to 1,000,000 deadlines (it should be near-flat: indexed).

What it builds, for each backend (`--database sqlite|postgresql|both`, default both):

  * SQLite: a file in a temporary folder. PostgreSQL: its own database (`--pg-database`,
    default casework_bench_national, dropped first if it is there) on the server named by
    $CASEWORK_BENCH_POSTGRESQL_URL, else $CASEWORK_TEST_POSTGRESQL_URL (the role must be
    allowed to CREATE DATABASE); dropped at the end unless `--keep`. Without either variable
    the run says so loudly and measures SQLite only. Both are created and migrated by
    `casework.db.init_database`.
  * A few hundred template cases (`--templates`, default 300) made through the real
    `CaseService` (and `casework.deaths`), with the `Notifier` listening, under a `FixedClock`,
    on one timeline over the decade (`--years`) before the measured day T (by default the first
    Monday after today; `--as-of`): 60% child death reviews (expected and unexpected deaths, rapid
    responses, post-mortems, Form B reports from 3-10 of 12 agencies, some late, monthly CDOP
    meetings, deferrals, Form C reviews, transfers; a few referred for an SCR), 40% serious case
    reviews at every stage (a third decided "no review"; the reviews with 4-10 IMRs, some
    extended, pauses for criminal proceedings, and action plans of up to 130 actions - a
    closed review's 15-130, most met by the time it closed). About nine cases in ten are
    finished; the open ones are recent, and about one in seven of them is stuck for months past
    its stage's timescale, so some thousands of deadlines are late on T. A reminder sweep
    (`notifications.scheduler.sweep`) runs at 07:30 London every day of the timeline, so the
    history holds the requests, reminders and escalations and every deadline's pointer
    (`next_level_at`) and level reached are what the scheduler left; a last sweep at T 12:00
    (the quiet instant Q) leaves every pointer after Q. (While the templates are built, the
    sweeps share one jinja2 renderer, as every sweep in a process does: `renderer_for`.)
  * Then SQL copies of the templates (`shared.copy_numbered`: INSERT ... SELECT of their case,
    deadline and history rows, each copy with its own reference, number and pseudonym; the map
    of copies is loaded with COPY on PostgreSQL), until the database holds exactly `--cases`
    cases (default 40,000) and `--deadlines` deadline rows (default 1,000,000). The copies are
    drawn round robin from the templates (so the mix of kinds and stages is the templates'),
    then some finished copies are swapped for finished templates with more or fewer rows until
    the total is exact: the extra rows are met action-plan actions and received reports of
    closed reviews. Copies are made only of cases, deadlines and history: the outbox holds the
    templates' emails only.
    PostgreSQL gets VACUUM ANALYZE after each batch of copies (autovacuum would within
    minutes); SQLite gets no ANALYZE (casework never runs it).

The database grows in stages on the same database: 10,000 deadline rows, 100,000, then
`--deadlines` (`--growth` to choose the first sizes). At each stage, before the copies, a "due
group" of `--due` child deaths (default 200) is notified through the service on T at a moment
of its own (all unexpected: each opens a joint home visit due 24 hours later, whose first
level, the owner's reminder 4 hours before, falls before 07:00 on T+1, when nothing else in the
database is due); then, each in a new session as `casework scheduler run` does:

  1. the quiet sweep, at the stage's quiet instant (Q, then the previous stage's due instant):
     one warm-up, then `--runs` timed sweeps; nothing may be issued;
  2. the due sweep, at the stage's due instant D: exactly the due group's home visits must be
     claimed, each issuing one reminder (an outbox row and a history row), and a second sweep
     at D must find nothing.

At the last stage it also prints the claim's plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN
QUERY PLAN on SQLite, showing `ix_deadline_next_level_at`), times the overdue listing and
`case show` in this process (with their slowest SQL statement, and its plan), and times whole
processes with `.venv/bin/casework`, in an environment with no user config (XDG folders in
a scratch folder), one warm-up each then `--runs` runs, interleaved. Before them it lets the
machine settle (`settle`: the build's dirty pages written back with sync, and on PostgreSQL no
autovacuum worker running, for up to 3 minutes):

    python -c "import sqlmodel"                                        (the floor)
    casework --db URL --config QUIET scheduler run-once --no-send --as-of 'D HH:MM'
        (QUIET: `[scheduler] overdue_listing = "off"`, so the weekly listing cannot fire)
    casework --db URL report overdue --as-of T [--format csv] --output FILE
    casework --db URL case show REF          (the open case with the most deadlines)
    casework --db URL case show REF          (the case with the most deadlines of all)
    python -c "import sqlmodel, psycopg; ..."   (PostgreSQL only, for information: the
                                                  floor plus the driver and its dialect)

Run from the project root:

    .venv/bin/python benchmarks/national_scale.py [--database both] [--runs N] [--keep]
        [--cases 40000] [--deadlines 1000000] [--growth 10000,100000] [--due 200]
        [--templates 300] [--years 10] [--as-of DATE] [--seed N] [--pg-database NAME]

A quick check (about 2 minutes): `--database sqlite --templates 60 --years 5 --cases 4000
--deadlines 100000 --growth 10000 --due 50` (stages 10,000 and 100,000). The suite's tiny
size is in tests/test_benchmarks.py. This script is the entry point: the parts are in
benchmarks/national/ (its __init__ says which holds what).

After the timed processes it runs `scheduler reschedule` over the whole database
(`measure.timed_reschedule`, as `sweep_speed.py` does), against a floor from the same run: one
SELECT of every deadline row's id, status and pointer. The sweeps left every pointer where it
belongs, so it should move none; pointers it moves to before their deadline opened are a known
gap in reschedule (levels skipped when a deadline opened are pointed back at), said on a line
of its own; any other it moves is wrong.

It is a measurement, not a test: the timings decide nothing. It exits 1 only when something is
wrong: counts not as planned, the quiet sweep issuing anything, the due sweep not issuing
exactly the due group's reminders (or the second sweep issuing anything), a command failing
or showing the wrong number of items, or reschedule moving a pointer (but for the known gap).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from national.backends import PG_DATABASE, make_backends, postgresql_url
from national.measured import Measured, measure_backend
from national.plan import YEARS
from national.report import report_backend, summary
from shared import Unplannable, Wrong, numbers


def default_today() -> dt.date:
    """The first Monday after the system's today: the measured day is never in the past
    (the listing then reads the present rows, as the weekly listing does)."""
    day = dt.date.today() + dt.timedelta(days=1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both",
                        help="which backends (default both; PostgreSQL needs "
                             "$CASEWORK_BENCH_POSTGRESQL_URL or $CASEWORK_TEST_POSTGRESQL_URL)")
    parser.add_argument("--cases", type=int, default=40_000, help="cases in the end (exact)")
    parser.add_argument("--deadlines", type=int, default=1_000_000,
                        help="deadline rows in the end (exact)")
    parser.add_argument("--growth", type=numbers, default=[10_000, 100_000],
                        help="the stages before the last, in deadline rows (default "
                             "10000,100000; those not below --deadlines are dropped)")
    parser.add_argument("--due", type=int, default=200,
                        help="deadlines due for the due sweep at each stage (default 200)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of each quiet sweep and each command (default 5)")
    parser.add_argument("--templates", type=int, default=300,
                        help="cases made through CaseService (default 300)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE",
                        help="the measured day T, not before today (default: the first "
                             "Monday after today)")
    parser.add_argument("--years", type=float, default=YEARS,
                        help=f"of history before T, a sweep every day (default {YEARS}; "
                             "fewer make a quick check)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-database", default=PG_DATABASE,
                        help=f"the PostgreSQL database to create (default {PG_DATABASE})")
    parser.add_argument("--keep", action="store_true",
                        help="keep the databases (and the scratch folder) and say where")
    args = parser.parse_args(argv)
    today = args.as_of or default_today()
    if today < dt.date.today():
        parser.error(f"--as-of {today} is in the past: the listing would replay the history")
    if min(args.cases, args.deadlines, args.due, args.runs, args.templates) < 1:
        parser.error("--cases, --deadlines, --due, --runs and --templates must be at least 1")
    args.sizes = [s for s in args.growth if s < args.deadlines] + [args.deadlines]
    if len(args.sizes) > 5:  # the due groups' reminders must all fall before 07:00 on T+1
        parser.error("at most 5 stages: give at most 4 --growth sizes below --deadlines")
    if args.database == "postgresql" and postgresql_url() is None:
        print("error: --database postgresql needs $CASEWORK_BENCH_POSTGRESQL_URL or "
              "$CASEWORK_TEST_POSTGRESQL_URL", file=sys.stderr)
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="casework-national-"))
    backends = make_backends(args, scratch)
    print(f"National scale: {args.cases:,} cases, {args.deadlines:,} deadline rows, stages "
          + ", ".join(f"{s:,}" for s in args.sizes)
          + f"; T = {today} ({today:%A}), quiet instant {today} 12:00 London; {args.templates} "
          f"templates, seed {args.seed}; {args.runs} runs. Python {sys.version.split()[0]}, "
          f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs.", flush=True)
    results: list[Measured] = []
    wrong: list[str] = []
    status = 0
    started = time.perf_counter()
    try:
        for backend in backends:
            try:
                results.append(measure_backend(backend, args, scratch, today))
                wrong += [f"{backend.title}: {w}" for w in results[-1].wrong]
            except Wrong as exc:
                wrong.append(f"{backend.title}: {exc}")
            except Unplannable as exc:
                print(f"error: {exc}", file=sys.stderr)
                status = 2
            finally:
                if args.keep:
                    print(f"\nKept {backend.title} database: {backend.shown}", flush=True)
                else:
                    backend.drop()
        for m in results:
            if m.stages and m.timings:
                report_backend(m, args, today)
        if results:
            summary(results)
        if len(backends) == 1 and args.database == "both":
            print("\n(!) PostgreSQL was not measured: no server URL in the environment.")
        print(f"\nWhole run {time.perf_counter() - started:.0f} s.")
        for line in wrong:
            print(f"WRONG: {line}", file=sys.stderr)
        return 1 if wrong else status
    finally:
        if args.keep:
            print(f"Kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
