"""The whole processes timed against the floor, and how each one's output is checked."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum
from measure import Timed, child_env, time_processes

from national.backends import settle
from national.common import london

if TYPE_CHECKING:
    from national.measured import Measured

DRIVER_FLOOR = "python -c 'import sqlmodel, psycopg, ...'"
ITEMS = re.compile(r": (\d+) items?, \d+ escalated")


def sweep_seconds(output: str) -> str:
    """The sweep's own seconds, from run-once's line."""
    found = re.search(r"\(([\d.]+) s\)", output)
    return found.group(1) if found else "?"


def check_sweep_line(output: str) -> str:
    if ": 0 deadlines, 0 reminders, 0 escalations queued" not in output:
        return f"the quiet run-once issued something: {output.strip()[:200]}"
    if "overdue listing" in output:
        return f"the weekly listing ran inside the measurement: {output.strip()[:200]}"
    return ""


def check_items(expected: int, form: str) -> Callable[[str], str]:
    def check(output: str) -> str:
        if form == "csv":
            found = len(list(csv.reader(io.StringIO(output, newline="")))) - 1
        else:
            first = output.splitlines()[0] if output else ""
            match = ITEMS.search(first)
            found = int(match.group(1)) if match else -1
        return "" if found == expected else f"{form}: {found:,} items, not {expected:,}"
    return check


def check_show(reference: str) -> Callable[[str], str]:
    def check(output: str) -> str:
        first = output.splitlines()[0] if output else ""
        return "" if first.strip() == reference else f"case show printed {first!r}"
    return check



def measure_commands(result: Measured, args: argparse.Namespace, scratch: Path,
                     today: dt.date, quiet: pendulum.DateTime) -> None:
    backend = result.backend
    settle(backend)
    python = sys.executable
    casework = str(Path(sys.executable).parent / "casework")
    config = scratch / "quiet.toml"
    config.write_text('[scheduler]\noverdue_listing = "off"\n', encoding="utf-8")
    out = scratch / f"out-{backend.name}"
    out.mkdir(exist_ok=True)
    db = ["--db", backend.url]
    table_out, csv_out = out / "overdue.txt", out / "overdue.csv"
    items = result.listing_items
    result.timings = [
        Timed("python -c 'import sqlmodel'", [python, "-c", "import sqlmodel"]),
        Timed("scheduler run-once --no-send (nothing due)",
               [casework, *db, "--config", str(config), "scheduler", "run-once", "--no-send",
                "--as-of", london(quiet)], check=check_sweep_line, read_note=sweep_seconds),
        Timed("report overdue (table)", [casework, *db, "report", "overdue", "--as-of",
                                          today.isoformat(), "--output", str(table_out)],
               check=check_items(items, "table"), output=table_out),
        Timed("report overdue --format csv", [casework, *db, "report", "overdue", "--as-of",
                                               today.isoformat(), "--format", "csv",
                                               "--output", str(csv_out)],
               check=check_items(items, "csv"), output=csv_out),
        Timed(f"case show {result.show_ref}", [casework, *db, "case", "show", result.show_ref],
               check=check_show(result.show_ref)),
        Timed(f"case show {result.big_ref} (largest)",
               [casework, *db, "case", "show", result.big_ref], check=check_show(result.big_ref)),
    ]
    if backend.name == "postgresql":  # not a target: what the driver alone adds to the floor
        result.timings.insert(1, Timed(DRIVER_FLOOR, [python, "-c", "import sqlmodel, psycopg; "
                                                       "import sqlalchemy.dialects.postgresql."
                                                       "psycopg"]))
    print(f"\nTiming whole processes: one warm-up and {args.runs} runs each, interleaved ...",
          flush=True)
    time_processes(result.timings, args.runs, child_env(scratch))
    result.wrong += [f"{t.label}: {t.error}" for t in result.timings if t.error]

