"""How long `casework report overdue` takes over a board's whole database, in every format.

Target (from the issue): the listing over 100,000 deadlines, 5,000 of them overdue, renders in
every format (table, csv, html, json) in under 2 s.

It builds a fresh SQLite database in a temporary folder (`--keep` keeps the folder: the
database and every output) holding exactly `--deadlines` deadline rows (default 100,000), of
which exactly `--overdue` (default 5,000) are late as of the measured day T, on 8 agencies and
the board's contacts. A few hundred "template" serious case reviews are built through the real
`CaseService` (with the `Notifier` listening), all on one timeline under a `FixedClock`: their
steps in date order, and a reminder sweep (`notifications.scheduler.sweep`) at 07:30 London
every day, so the history holds the requests, reminders and escalations, and each deadline's
`level_reached` is set. The templates come in two groups:

    overdue group  IMRs commissioned from all 8 agencies, some received (on time, late, after
                   the past day), some extended (still late, or no longer late), the review's
                   completion deadline run out; a case paused with IMRs already late (they stay
                   listed) and others not yet due (they do not); a case paused and resumed, its
                   deadlines moved on; an endorsed review in implementation with six actions
                   (one met, one late, one met after the past day, one extended, ...) and its
                   six-month audit late; decisions late (one extended)
    later group    IMRs commissioned, none yet due; IMRs late on the past day and all received
                   since; reviews decided on "no review"; referrals at screening

Each template's deadline rows and late items on T and on the past day P are known by design
and checked. The rest of the database is SQL copies of the templates (`shared.copy_numbered`),
round robin in each group: the overdue group until the overdue target is reached (the last
few with one-deadline late decisions, so it is exact), then the later group until the row
target is reached (the last few with the smallest referrals, so it is exact too).

The days: T is the first Monday at least 7 days after today (`--as-of` to choose), since the
command takes the history replay (`casework.replay.standing`) for any day before the system's
today and the present rows otherwise; P, the past day, is T - 28 days, which must be before
today. While the templates are built, the listing as of P is taken on P's evening (from the
rows as they then stood) and kept; after the build, the replayed listing as of P must give the
same items (due dates, extensions, levels, pauses), which checks the replay too.

Then, with the system clock as the command line uses it, it times whole processes

    casework --db DB report overdue --as-of T|P --format table|csv|html|json --output FILE
    python -c "import sqlmodel"              (the floor: an interpreter and SQLAlchemy)

one warm-up each (outputs kept and checked: the rows in each must be the listing's items),
then `--runs` timed runs (default 5), the commands interleaved; and, in one Python process per
run and day (`python -c`), the parts: the imports, opening the service, `overdue_listing`, and
each format rendered and written. A format over the target is profiled (cProfile, in this
process); `--profile` profiles them all.

Run from the project root:

    .venv/bin/python benchmarks/overdue_listing.py [--deadlines N] [--overdue N] [--runs N]
        [--templates N] [--as-of DATE] [--profile] [--keep]

This script is the entry point: the parts are in benchmarks/overdue/ (its __init__ says
which holds what).

It is a measurement, not a test: the timings decide nothing. It exits 1 only when the data or
an output is not what it should be: the rows or late items not as planned, the replayed past
listing differing from the one taken on the day, or an output with the wrong number of rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from measure import Timed, child_env, time_processes
from overdue.build import build
from overdue.report import report_build, report_timings
from overdue.timing import FORMATS, TARGET_S, in_process, profile, rows_in
from shared import Unplannable, Wrong

PAST_DAYS = 28  # P = T - 28 days


def default_today() -> dt.date:
    """The first Monday at least 7 days after the system's today."""
    day = dt.date.today() + dt.timedelta(days=7)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--deadlines", type=int, default=100_000,
                        help="deadline rows in the database (exact)")
    parser.add_argument("--overdue", type=int, default=5_000,
                        help="of them, late as of the measured day (exact)")
    parser.add_argument("--templates", type=int, default=120,
                        help="template cases per group built through CaseService")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE",
                        help="the measured day T, not before today (default: the first Monday "
                             "at least 7 days on); the past day is T - 28 days")
    parser.add_argument("--profile", action="store_true",
                        help="profile every format (else only those over the target)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (database and outputs)")
    args = parser.parse_args(argv)
    today = args.as_of or default_today()
    past = today - dt.timedelta(days=PAST_DAYS)
    system_today = dt.date.today()
    if today < system_today or past >= system_today:
        parser.error(f"--as-of {today} must be on or after today ({system_today}), and the "
                     f"day {PAST_DAYS} days before it ({past}) before today: the command reads "
                     "the present rows for the one and replays the history for the other")
    if min(args.deadlines, args.overdue, args.templates, args.runs) < 1:
        parser.error("--deadlines, --overdue, --templates and --runs must be at least 1")

    scratch = Path(tempfile.mkdtemp(prefix="casework-overdue-"))
    try:
        return measure(scratch, args, today, past)
    except Unplannable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Wrong as exc:
        print(f"\nWRONG: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"\nKept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def measure(scratch: Path, args: argparse.Namespace, today: dt.date, past: dt.date) -> int:
    path = scratch / "casework.db"
    print(f"Building {args.deadlines:,} deadline rows, {args.overdue:,} late on {today} "
          f"(past day {past}), in {path} ...", flush=True)
    built = build(path, args, today, past)
    report_build(built, args, today, past)

    env = child_env(scratch)
    python = sys.executable
    casework = str(Path(sys.executable).parent / "casework")
    days = {"now": today, "past": past}
    expected = {"now": built.now_total, "past": built.past_total}
    out = scratch / "out"
    out.mkdir()
    cli: dict[tuple[str, str], Timed] = {}
    outputs: dict[tuple[str, str], Path] = {}
    for kind, day in days.items():
        for form in FORMATS:
            outputs[kind, form] = out / f"overdue-{kind}-{day}.{form}"
            cli[kind, form] = Timed(f"{form} {kind}", [
                casework, "--db", str(path), "report", "overdue", "--as-of", day.isoformat(),
                "--format", form, "--output", str(outputs[kind, form])])
    floor = Timed("floor", [python, "-c", "import sqlmodel"])
    print(f"\nTiming {len(cli)} commands and the floor: one warm-up and {args.runs} runs "
          "each ...", flush=True)
    time_processes([floor, *cli.values()], args.runs, env)

    wrong = []
    rows: dict[tuple[str, str], int] = {}
    for (kind, form), timing in cli.items():
        if timing.error:
            continue
        rows[kind, form] = rows_in(form, outputs[kind, form].read_text(encoding="utf-8"))
        if rows[kind, form] != expected[kind]:
            wrong.append(f"{form} as of {days[kind]} shows {rows[kind, form]:,} items, "
                         f"not {expected[kind]:,}")
    print(f"Timing in one process: one warm-up and {args.runs} runs per day ...", flush=True)
    parts: dict[str, dict[str, list[float]]] = {}
    for kind, day in days.items():
        parts[kind], error = in_process(python, path, day, out, args.runs, env)
        if error:
            wrong.append(f"the in-process run as of {day} failed: {error}")
        elif parts[kind]["items"][0] != expected[kind]:
            wrong.append(f"in process, {parts[kind]['items'][0]:,} items as of {day}, "
                         f"not {expected[kind]:,}")
    report_timings(cli, outputs, rows, floor, parts, days)

    slow = [(kind, form) for (kind, form), t in cli.items()
            if args.profile or not t.runs or t.median >= TARGET_S]
    for kind, form in slow:
        profile(path, days[kind], form)
    errors = [f"{t.label}: {t.error}" for t in (floor, *cli.values()) if t.error]
    if errors or wrong:
        raise Wrong("; ".join(errors + wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())
