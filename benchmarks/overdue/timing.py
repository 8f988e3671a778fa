"""What is timed besides the whole commands: the parts in one process, the outputs' rows
counted, and a format profiled."""

from __future__ import annotations

import cProfile
import csv
import datetime as dt
import io
import json
import pstats
import re
import subprocess
import time
from pathlib import Path

from casework.clock import SystemClock
from casework.config import load_settings
from casework.db import open_engine, session_scope
from casework.overdue import overdue_listing
from casework.service import CaseService

TARGET_S = 2.0
FORMATS = ("table", "csv", "html", "json")
REFERENCE = re.compile(r"^[A-Z]{3}-\d{4}-\d+\b")


# One process: the imports, the service, the listing, each format rendered and written.
IN_PROCESS = r"""
import time
started = time.perf_counter()
import json, sys
from pathlib import Path
from casework.config import load_settings
from casework.dates import parse_date
from casework.db import open_engine, session_scope
from casework.overdue import overdue_listing
from casework.service import CaseService
from cli.formats import render as render_as
from notifications.notifier import Notifier
times = {"import": time.perf_counter() - started}
db, day, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])


FORMATS = {form: (lambda service, listing, form=form:
                   render_as("overdue", form, listing, service))
           for form in ("table", "csv", "html", "json")}  # as `report overdue --format` does
mark = time.perf_counter()
settings = load_settings(db, None)
engine = open_engine(settings.database_url)
with session_scope(engine) as session:
    service = CaseService(session, settings, None, listeners=[Notifier(settings)])
    times["open"] = time.perf_counter() - mark
    mark = time.perf_counter()
    listing = overdue_listing(service, parse_date(day, what="--as-of"))
    times["listing"] = time.perf_counter() - mark
    for name, render in FORMATS.items():
        mark = time.perf_counter()
        (out / f"in-process-{day}.{name}").write_bytes(render(service, listing).encode("utf-8"))
        times[name] = time.perf_counter() - mark
engine.dispose()
times["items"] = listing.total
print(json.dumps(times))
"""


def rows_in(form: str, output: str) -> int:
    """The overdue items an output shows."""
    if form == "table":
        return sum(1 for line in output.splitlines() if REFERENCE.match(line))
    if form == "csv":
        return len(list(csv.reader(io.StringIO(output, newline="")))) - 1
    if form == "html":
        return output.count('<tr class="item"')
    return sum(len(group["items"]) for group in json.loads(output)["agencies"])


def in_process(python: str, db: Path, day: dt.date, out: Path, runs: int,
               env: dict[str, str]) -> tuple[dict[str, list[float]], str]:
    """`runs` processes (after a warm-up) each timing its parts; their figures by part."""
    parts: dict[str, list[float]] = {}
    argv = [python, "-c", IN_PROCESS, str(db), day.isoformat(), str(out)]
    for run in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            return parts, f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        if run == 0:
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["process"] = wall
        for name, value in figures.items():
            parts.setdefault(name, []).append(value)
    return parts, ""


def profile(db: Path, day: dt.date, form: str, limit: int = 18) -> None:
    """cProfile of the listing and one format, in this process, with the system clock."""
    from cli.formats import render

    settings = load_settings(str(db), None)
    engine = open_engine(settings.database_url)
    profiler = cProfile.Profile()
    try:
        with session_scope(engine) as session:
            service = CaseService(session, settings, SystemClock())
            profiler.enable()
            render("overdue", form, overdue_listing(service, day), service)
            profiler.disable()
    finally:
        engine.dispose()
    for sort, title in (("cumulative", "by cumulative time"), ("tottime", "by own time")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
        stats.print_stats(limit)
        body = out.getvalue()
        start = body.find("   ncalls")
        print(f"\n--- cProfile, {form} as of {day}, {title} (top {limit}) ---")
        print(body[start:].rstrip() if start >= 0 else body.rstrip())

