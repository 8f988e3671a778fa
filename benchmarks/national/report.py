"""What a run prints at the end: each backend's figures, and a summary against the targets."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
from collections import Counter

from measure import Timed, growth, levels
from shared import table

from national.commands import DRIVER_FLOOR
from national.measured import Measured
from notifications.scheduler import BATCH

QUIET_TARGET_S = 1.0
LISTING_TARGET_S = 3.0
FLOOR_FACTOR = 1.3
BUILD_TARGET_S = 600.0


def report_backend(m: Measured, args: argparse.Namespace, today: dt.date) -> None:
    b, t = m.backend, m.templates
    assert t is not None
    print(f"\n{'#' * 78}\n# {b.title}: {b.shown}\n{'#' * 78}")
    print(f"Build: {m.build_s:.0f} s in all (templates {t.seconds:.0f} s: {t.cases} cases, "
          f"{t.service_calls:,} service calls, {t.sweeps:,} daily sweeps issuing "
          f"{t.levels:,} levels; copies "
          + ", ".join(f"{s.copy_s:.0f} s" for s in m.stages)
          + (("; VACUUM ANALYZE " + ", ".join(f"{s.analyze_s:.0f} s" for s in m.stages))
             if b.name == "postgresql" else "")
          + f"), target < {BUILD_TARGET_S / 60:.0f} min: "
          + ("ok" if m.build_s < BUILD_TARGET_S else "OVER"))
    print(f"Copies: {m.copy_plan}")
    f = m.final
    print(f"Final: {f['cases']:,} cases ({f['paused']:,} paused), {f['deadlines']:,} deadline "
          f"rows ({f['open']:,} open, {f['pointers']:,} with a pointer), {f['history']:,} "
          f"history rows, {f['outbox']:,} outbox rows (the templates' and the sweeps'); "
          f"{m.stages[-1].db_mb:,.0f} MB" + ("; with indexes: " + ", ".join(
              f"{name} {mb:,.0f} MB" for name, mb in m.tables.items()) if m.tables else ""))
    kinds: Counter[str] = Counter()
    for kind, _, n in m.stages_of_cases:
        kinds[kind] += n
    for kind in sorted(kinds):
        print(f"  {kind}: {kinds[kind]:,} cases: " + ", ".join(
            f"{state} {n:,}" for k, state, n in m.stages_of_cases if k == kind))
    print(f"Overdue on {today}: {m.listing_items:,} items, {m.listing_escalated:,} escalated")

    print(f"\nSweep growth (same database grown in stages; each sweep in a new session; quiet: "
          f"median of {args.runs} after a warm-up, nothing due; due: {args.due} home-visit "
          f"reminders due; batch {BATCH}):")
    rows = []
    base = m.stages[0]
    for s in m.stages:
        due, second = s.due, s.second
        assert due is not None and second is not None
        rows.append((f"{s.size:,}", f"{s.cases:,}", f"{s.open_deadlines:,}",
                     f"{s.pointers:,}", f"{s.quiet_median:.1f}", f"{min(s.quiet_ms):.1f}",
                     f"{s.quiet_median / base.quiet_median:.2f}",
                     f"{statistics.median(s.quiet_wall_ms):.1f}",
                     f"{statistics.median(s.quiet_sql_ms):.2f}", f"{s.quiet_statements}",
                     f"{due.deadlines:,}", f"{levels(due):,}", f"{due.seconds * 1000:.0f}",
                     f"{due.seconds * 1000 / max(due.deadlines, 1):.2f}",
                     f"{second.seconds * 1000:.1f}", f"{s.db_mb:,.0f}"))
    table(("deadline rows", "cases", "open", "pointers", "quiet ms", "best ms", "x first",
           "wall ms", "SQL ms", "SQL", "due swept", "levels", "due ms", "ms/due", "2nd ms",
           "DB MB"), rows, "<>>>>>>>>>>>>>>>")
    print("  quiet ms: the sweep's own time (median); wall ms: with the new session and the "
          "service, as `casework scheduler run` makes them for each run; SQL ms: in its SQL "
          "statements (executing them; all medians)")
    print(f"  the quiet sweep's statements at {m.stages[-1].size:,} rows (its last run): "
          + "; ".join(f"{ms:.2f} ms {sql[:48]}..." for ms, sql in m.stages[-1].quiet_detail))
    first, last = m.stages[0], m.stages[-1]
    assert first.due is not None and last.due is not None
    print(f"  growth {first.size:,} -> {last.size:,} rows as k in time ~ N^k (0 flat, 1 linear):"
          f" quiet {growth(first.quiet_median, last.quiet_median, first.size, last.size)}, "
          f"due {growth(first.due.seconds, last.due.seconds, first.size, last.size)}")
    if last.plan:
        print(f"\nThe claim's plan at {last.size:,} rows ("
              + ("EXPLAIN QUERY PLAN" if b.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS), "
                 "the quiet sweep's claim, nothing due") + "):")
        for line in last.plan:
            print(f"  {line}")
    if last.due_plan:
        print(f"\nThe same claim at the due instant, {args.due} due (EXPLAIN (ANALYZE, "
              "BUFFERS), rolled back, before the due sweep):")
        for line in last.due_plan:
            print(f"  {line}")

    print("\nIn this process (median of 3 after a warm-up; the slowest SQL statement of a run"
          + ("; SQLite runs a query as its rows are fetched, so a statement's time here is "
             "its first step only" if b.name == "sqlite" else "") + "):")
    rows = []
    for name, (seconds, statements, slow, sql) in m.in_process.items():
        rows.append((name, f"{seconds * 1000:.0f}", f"{statements}", f"{slow * 1000:.1f}",
                     sql[:70] + ("..." if len(sql) > 70 else "")))
    table(("what", "ms", "SQL", "slowest ms", "slowest statement"), rows, "<>>><")
    for name, plan in m.slow_plans.items():
        print(f"\n  plan of the slowest statement of the {name}:")
        for line in plan:
            print(f"    {line}")

    floor = m.timings[0]
    print(f"\nWhole processes ({args.runs} runs after a warm-up, interleaved; .venv/bin/casework"
          f", no user config):")
    rows = []
    for timing in m.timings:
        if timing.error:
            rows.append((timing.label, "-", "-", "-", "-", "-", "", f"ERROR {timing.error[:150]}"))
            continue
        ratio = timing.median / floor.median
        if timing is floor:
            target, verdict = "(floor)", ""
        elif timing.label == DRIVER_FLOOR:
            target, verdict = "(info)", "floor + driver"
        elif timing.label.startswith("case show"):
            target = f"<= {FLOOR_FACTOR} x floor"
            verdict = "PASS" if ratio <= FLOOR_FACTOR else "FAIL"
        elif timing.label.startswith("scheduler"):
            target = f"< {QUIET_TARGET_S:.0f} s"
            verdict = "PASS" if timing.median < QUIET_TARGET_S else "FAIL"
        else:
            target = f"< {LISTING_TARGET_S:.0f} s"
            verdict = "PASS" if timing.median < LISTING_TARGET_S else "FAIL"
        rows.append((timing.label, f"{timing.median:.3f}", f"{timing.best:.3f}",
                     f"{ratio:.2f}", f"{timing.cpu_median:.3f}",
                     f"{timing.cpu_median / floor.cpu_median:.2f}", target, verdict))
    table(("command", "median s", "best s", "x floor", "cpu s", "cpu x floor", "target",
           "result"), rows, "<>>>>><<")
    print("  the targets are on the wall time (median s); cpu s: the process's own user and "
          "system time (median), steadier when the machine is busy; not the server's")
    for timing in m.timings:
        if timing.runs:
            print(f"  {timing.label}: runs " + ", ".join(f"{s:.3f}" for s in timing.runs)
                  + (f" s; sweep's own seconds: in-process {' '.join(timing.notes)}"
                     if timing.notes else " s"))
    print(f"  overdue listing: {m.listing_items:,} items as of {today}; case show "
          f"{m.show_ref} (the open case with the most deadlines): {m.show_rows} deadlines, "
          f"{m.show_history} history rows; {m.big_ref}: {m.big_rows} deadlines, "
          f"{m.big_history} history rows")
    driver = next((t for t in m.timings if t.label == DRIVER_FLOOR and t.runs), None)
    shows = [t for t in m.timings if t.label.startswith("case show") and t.runs]
    if driver and shows:
        print(f"  against the floor with the driver ({driver.median:.3f} s): "
              + ", ".join(f"{t.label.split()[2]} {t.median / driver.median:.2f} x"
                          for t in shows))


def summary(results: list[Measured]) -> None:
    print(f"\n{'#' * 78}\n# Summary\n{'#' * 78}")
    headers = ["figure", "limit", *(m.backend.title for m in results)]

    def timing(m: Measured, prefix: str) -> Timed | None:
        return next((t for t in m.timings if t.label.startswith(prefix) and t.runs), None)

    def cell(value: float | None, ok: bool | None, unit: str = "s", digits: int = 3) -> str:
        if value is None or math.isnan(value):
            return "-"
        verdict = "" if ok is None else (" PASS" if ok else " FAIL")
        return f"{value:.{digits}f} {unit}{verdict}"

    quiet = ["nothing-due sweep, in-process (median)", f"< {QUIET_TARGET_S:.0f} s"]
    process = ["nothing-due sweep, whole process", f"< {QUIET_TARGET_S:.0f} s"]
    listing = ["overdue listing, table (process)", f"< {LISTING_TARGET_S:.0f} s"]
    listing_csv = ["overdue listing, csv (process)", f"< {LISTING_TARGET_S:.0f} s"]
    show = ["case show / floor (process)", f"<= {FLOOR_FACTOR}"]
    big = ["case show, largest case / floor", f"<= {FLOOR_FACTOR}"]
    cpu = ["case show CPU / floor CPU (info)", ""]
    items = ["overdue items on T; in-process listing", ""]
    floor_line = ["floor: python -c 'import sqlmodel'", ""]
    quiet_growth = ["quiet sweep, smallest -> largest (ms)", "near-flat"]
    due_growth = ["due sweep, smallest -> largest (ms)", ""]
    build = ["build (s)", f"< {BUILD_TARGET_S:.0f}"]
    moved = ["reschedule / floor (in-process)", ""]
    size = ["database size (MB)", ""]
    for m in results:
        last = m.stages[-1] if m.stages else None
        median = last.quiet_median / 1000 if last else None
        quiet.append(cell(median, median is not None and median < QUIET_TARGET_S, digits=4))
        t = timing(m, "scheduler")
        process.append(cell(t.median if t else None, t is not None and t.median <
                            QUIET_TARGET_S))
        t = timing(m, "report overdue (table)")
        listing.append(cell(t.median if t else None, t is not None and t.median <
                            LISTING_TARGET_S))
        t = timing(m, "report overdue --format csv")
        listing_csv.append(cell(t.median if t else None, t is not None and t.median <
                                LISTING_TARGET_S))
        floor = timing(m, "python -c 'import sqlmodel'")
        for row, t in ((show, timing(m, f"case show {m.show_ref}")),
                       (big, timing(m, f"case show {m.big_ref}"))):
            ratio = t.median / floor.median if t and floor else None
            row.append(cell(ratio, ratio is not None and ratio <= FLOOR_FACTOR, unit="x",
                            digits=2) + (f" ({t.median:.3f} s)" if t else ""))
        t = timing(m, f"case show {m.show_ref}")
        cpu.append(f"{t.cpu_median / floor.cpu_median:.2f} x" if t and floor else "-")
        listed = m.in_process.get("overdue listing")
        items.append(f"{m.listing_items:,}; {listed[0]:.3f} s" if listed else "-")
        floor_line.append(cell(floor.median if floor else None, None))
        if m.stages and m.stages[0].due and m.stages[-1].due:
            first = m.stages[0]
            quiet_growth.append(f"{first.quiet_median:.1f} -> {last.quiet_median:.1f}")
            due_growth.append(f"{first.due.seconds * 1000:.0f} -> "
                              f"{m.stages[-1].due.seconds * 1000:.0f}")
        else:
            quiet_growth.append("-")
            due_growth.append("-")
        r = m.rescheduled
        moved.append(f"{r.seconds / r.floor_s:.1f} x ({r.seconds:.2f} s; {r.deadlines:,} open "
                     f"of {r.rows:,} rows)" if r else "-")
        build.append(f"{m.build_s:.0f}" + (" ok" if m.build_s < BUILD_TARGET_S else " OVER"))
        size.append(f"{last.db_mb:,.0f}" if last else "-")
    lines = [floor_line, quiet, process, listing, listing_csv, items, show, big, cpu, quiet_growth,
             due_growth, moved, build, size]
    table(headers, lines, "<<" + "<" * len(results))

