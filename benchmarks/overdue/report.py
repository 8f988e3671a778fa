"""What the benchmark prints: the database built, and the timings against the target."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
from collections import Counter
from pathlib import Path

from measure import Timed
from shared import table

from overdue.build import Built
from overdue.stories import PROFILES
from overdue.timing import FORMATS, TARGET_S


def seconds(value: float) -> str:
    return f"{value:.3f}"


def report_build(built: Built, args: argparse.Namespace, today: dt.date, past: dt.date) -> None:
    kinds = Counter(t.profile.name for t in built.templates)
    copied = Counter(t.profile.name for t in built.copies)
    size = built.path.stat().st_size / 1e6
    print(f"Built in {built.wall_s:.1f} s: {len(built.templates):,} templates through "
          f"CaseService in {built.timeline_s:.1f} s ({built.service_calls:,} calls, "
          f"{built.sweeps} daily sweeps issuing {built.levels:,} reminders and escalations), "
          f"checked in {built.check_s:.1f} s; {len(built.copies):,} SQL copies in "
          f"{built.copy_s:.1f} s; the whole database checked in {built.final_check_s:.1f} s; "
          f"{size:,.0f} MB")
    print("Counts: " + ", ".join(f"{v:,} {k}" for k, v in built.counts.items()))
    print("Cases by profile (templates + copies; rows / late on T / late on P each):")
    rows = [(name, f"{kinds[name]:,}", f"{copied[name]:,}",
             f"{p.rows} / {p.late_now} / {p.late_past}")
            for name, p in PROFILES.items()]
    table(("profile", "templates", "copies", "per case"), rows, "<>><")
    print(f"\nLate on T = {today} (present rows): {built.now_total:,} "
          f"(target {args.overdue:,}), {built.now_escalated:,} escalated; by owner: "
          + ", ".join(f"{code} {n:,}" for code, n, _ in built.now_groups))
    print(f"Late on P = {past} (replayed from the history): {built.past_total:,}, "
          f"{built.past_escalated:,} escalated")


def report_timings(cli: dict[tuple[str, str], Timed], outputs: dict[tuple[str, str], Path],
                   rows: dict[tuple[str, str], int], floor: Timed,
                   parts: dict[str, dict[str, list[float]]], days: dict[str, dt.date]) -> None:
    print(f"\nPython {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} CPUs; {len(floor.runs)} timed runs after one warm-up.\n")
    lines = []
    for (kind, form), timing in cli.items():
        if timing.error:
            lines.append((form, f"{kind} {days[kind]}", "-", "-", "-", "-", "-",
                          f"< {TARGET_S:.0f} s", f"ERROR {timing.error}"))
            continue
        part = parts.get(kind, {})
        work = (statistics.median(part["listing"]) + statistics.median(part[form])
                if part.get(form) else float("nan"))
        lines.append((form, f"{kind} {days[kind]}", seconds(timing.median), seconds(timing.best),
                      seconds(work), f"{outputs[kind, form].stat().st_size:,}",
                      f"{rows[kind, form]:,}", f"< {TARGET_S:.0f} s",
                      "ok" if timing.median < TARGET_S else "OVER"))
    lines.append(("python -c 'import sqlmodel'", "(floor)", seconds(floor.median),
                  seconds(floor.best), "", "", "", "", ""))
    table(("format", "as of", "median s", "best s", "in-process s", "bytes", "rows", "target",
           ""), lines, "<<>>>>><<")
    print("  in-process s: the median of overdue_listing plus the format rendered and "
          "written, in one process (below)")
    for (kind, form), timing in cli.items():
        if timing.runs:
            print(f"  {form} as of {kind}: runs " + ", ".join(seconds(s) for s in timing.runs))

    print("\nIn one process (python -c), the parts, median and best of the runs:")
    names = ("import", "open", "listing", *FORMATS, "process")
    lines = []
    for name in names:
        cells: list[str] = [name]
        for kind in days:
            values = parts.get(kind, {}).get(name, [])
            cells += [seconds(statistics.median(values)), seconds(min(values))] if values \
                else ["-", "-"]
        lines.append(tuple(cells))
    headers = ["part"]
    for kind in days:
        headers += [f"{kind} median s", f"{kind} best s"]
    table(headers, lines, "<" + ">" * (len(headers) - 1))
    print("  import: casework's modules for the listing and the table; open: settings, engine "
          "(schema check) and service; listing: overdue_listing; table..json: rendered and "
          "written (csv and html include importing notifications.reports, html jinja2 and "
          "its templates); process: the whole python -c, start-up included")

