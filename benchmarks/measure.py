"""What the benchmarks measure with: the reminder sweep timed with its SQL statements, whole
processes timed in turn, `scheduler reschedule` against its floor, and how a time grows with
the size (what they build with is in shared.py)."""

from __future__ import annotations

import math
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
from sqlalchemy import Engine, event, text

from casework.clock import FixedClock
from casework.config import Settings
from casework.db import session_scope
from casework.service import CaseService
from notifications.notifier import Notifier
from notifications.scheduler import SweepReport, sweep


def child_env(scratch: Path) -> dict[str, str]:
    """The environment for the timed `casework` processes: no developer's casework settings
    (only --db and --config count), and Python's bytecode cache on, as on a coordinator's
    machine, but written under `scratch` rather than into the source tree: without it every
    run would compile casework's own modules afresh (PYTHONDONTWRITEBYTECODE is set in some
    shells and sandboxes)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CASEWORK_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CONFIG_HOME"] = str(scratch / "config")
    env["XDG_DATA_HOME"] = str(scratch / "data")
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env["CASEWORK_ACTOR"] = "benchmark"
    return env


def growth(first: float, last: float, n0: int, n1: int) -> str:
    """k in time ~ N^k between two sizes (0 flat, 1 linear), or "-" when it cannot be told."""
    if not first or not last or math.isnan(first) or math.isnan(last) or n0 == n1:
        return "-"
    return f"{math.log(last / first) / math.log(n1 / n0):+.2f}"


# -- timing the reminder sweep ------------------------------------------------------------------

STATEMENT_TABLE = re.compile(r"\b(?:FROM|INTO)\s+(\w+)", re.IGNORECASE)


@dataclass
class Statements:
    """The SQL statements an engine runs while `on`: their count, their kinds ("UPDATE
    deadline", "SELECT case_record", ...), each one's time, and the sweep's claim (the first
    UPDATE of the pointers since `claim` was last cleared), for the benchmarks' tables."""

    on: bool = False
    count: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    timed: list[tuple[float, str, Any]] = field(default_factory=list)
    claim: tuple[str, Any] | None = None

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement: str, parameters: Any, context, many) -> None:
        if self.on:
            conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, cursor, statement: str, parameters: Any, context, many) -> None:
        if not self.on:
            return
        self.count += 1
        self.timed.append((time.perf_counter() - conn.info.pop("bench_started", 0.0),
                           statement, parameters))
        words = statement.split()
        word = words[0].upper() if words else "?"
        if word == "UPDATE" and len(words) > 1:
            table = words[1]
        else:
            found = STATEMENT_TABLE.search(statement)
            table = found.group(1) if found else ""
        key = f"{word} {table}".strip()
        self.kinds[key] = self.kinds.get(key, 0) + 1
        # On PostgreSQL the claim begins WITH its batch; on SQLite with the UPDATE.
        if self.claim is None and "UPDATE deadline SET next_level_at" in statement:
            self.claim = (statement, parameters)

    def reset(self) -> None:
        """Forget the statements counted so far (not the claim)."""
        self.count, self.kinds, self.timed = 0, {}, []

    def slowest(self) -> tuple[float, str, Any]:
        return max(self.timed, key=lambda entry: entry[0])


@dataclass
class Swept:
    """One sweep: its report, its wall time with the new session, and its SQL statements."""

    report: SweepReport
    wall_s: float
    statements: int
    kinds: dict[str, int]


def one_sweep(engine: Engine, settings: Settings, as_of: pendulum.DateTime,
              counter: Statements) -> Swept:
    """A sweep in a new session, with the clock at `as_of`, as the scheduler service runs it
    (`counter` must be attached to `engine`; its `timed` then holds this sweep's statements)."""
    counter.reset()
    counter.on = True
    started = time.perf_counter()
    try:
        with session_scope(engine) as session:
            service = CaseService(session, settings, FixedClock(as_of),
                                  listeners=[Notifier(settings)])
            report = sweep(service, as_of, actor="bench")
    finally:
        counter.on = False
    return Swept(report, time.perf_counter() - started, counter.count, dict(counter.kinds))


def levels(report: SweepReport) -> int:
    """The reminders and escalations a sweep issued."""
    return report.reminders + report.escalations


# -- whole processes, timed in turn ------------------------------------------------------


@dataclass
class Timing:
    label: str
    runs_ms: list[float] = field(default_factory=list)
    error: str = ""
    output_lines: int = 0

    @property
    def best(self) -> float:
        return min(self.runs_ms) if self.runs_ms else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.runs_ms) if self.runs_ms else float("nan")


def time_commands(commands: dict[str, list[list[str]]], env: dict[str, str]) -> list[Timing]:
    """Run each command's first argv as a warm-up (its output kept), then time the rest.

    The timed runs go round the commands in turn, so a slow spell on the machine falls on all
    of them alike rather than on whichever command happened to be running.
    """
    timings = {label: Timing(label) for label in commands}
    for label, argvs in commands.items():
        warm = subprocess.run(argvs[0], env=env, capture_output=True, text=True, check=False)
        if warm.returncode != 0:
            timings[label].error = f"exit {warm.returncode}: {warm.stderr.strip()[-300:]}"
        timings[label].output_lines = len(warm.stdout.splitlines())
    runs = max(len(argvs) for argvs in commands.values()) - 1
    for run in range(1, runs + 1):
        for label, argvs in commands.items():
            timing = timings[label]
            if timing.error:
                continue
            started = time.perf_counter()
            done = subprocess.run(argvs[run], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, check=False)
            elapsed = (time.perf_counter() - started) * 1000
            if done.returncode != 0:
                timing.error = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
            else:
                timing.runs_ms.append(elapsed)
    return list(timings.values())


# -- rescheduling every open deadline ------------------------------------------------------


def pointers(engine: Engine) -> dict[int, Any]:
    """Each open deadline's pointer (`next_level_at`), as stored."""
    with engine.connect() as connection:
        return dict(connection.execute(
            text("SELECT id, next_level_at FROM deadline WHERE status = 'open'")).all())


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


@dataclass
class Rescheduled:
    """`scheduler reschedule` timed in this process, against a floor from the same run: one
    SELECT reading every deadline row's id, status and pointer (the least a reschedule must
    do is read each row once)."""

    deadlines: int  # the open deadlines it reckoned
    rows: int  # every deadline row, open or not (it reads them all, by ranges of ids)
    seconds: float
    floor_s: float
    moved: list[tuple[int, Any, Any]]  # (id, before, after) of each pointer it changed

    @property
    def changed(self) -> int:
        """Pointers it changed: none when the scheduler had left each where it belongs."""
        return len(self.moved)

    def line(self) -> str:
        return (f"reschedule: {self.deadlines:,} open deadlines of {self.rows:,} rows in "
                f"{self.seconds:.2f} s ({self.seconds * 1e6 / max(self.deadlines, 1):.0f} us "
                f"each), {self.seconds / self.floor_s:.1f}x the floor (one SELECT of every "
                f"row's id, status and pointer: {self.floor_s:.2f} s); {self.changed:,} "
                f"pointers changed; peak memory so far {peak_rss_mb():,.0f} MB")


def timed_reschedule(engine: Engine, settings: Settings, as_of: pendulum.DateTime
                     ) -> Rescheduled:
    """`notifications.scheduler.reschedule` in a new session with the clock at `as_of`, as
    `casework scheduler reschedule` runs it, and its floor, measured just before it."""
    from notifications.scheduler import reschedule

    before = pointers(engine)
    started = time.perf_counter()
    with engine.connect() as connection:
        rows = len(connection.execute(
            text("SELECT id, status, next_level_at FROM deadline")).all())
    floor_s = time.perf_counter() - started
    started = time.perf_counter()
    with session_scope(engine) as session:
        count = reschedule(CaseService(session, settings, FixedClock(as_of)))
    seconds = time.perf_counter() - started
    after = pointers(engine)
    moved = [(key, before.get(key), value) for key, value in after.items()
             if before.get(key) != value]
    return Rescheduled(count, rows, seconds, floor_s, moved)



@dataclass
class Timed:
    """A whole process timed in turn with others (`time_processes`): its wall seconds and
    its own CPU seconds (user and system) each run."""

    label: str
    argv: list[str]
    check: Callable[[str], str] | None = None  # the warm-up's output -> a problem, or ""
    output: Path | None = None  # where the command writes (else its stdout is read)
    read_note: Callable[[str], str] | None = None  # a figure from each run's stdout
    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def best(self) -> float:
        return min(self.runs) if self.runs else float("nan")


def time_processes(timings: Sequence[Timed], runs: int, env: dict[str, str]) -> None:
    """One warm-up each (its output checked), then `runs` timed runs going round the
    commands in turn, so a slow spell on the machine falls on all of them alike."""
    for timing in timings:
        done = subprocess.run(timing.argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            timing.error = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
            continue
        if timing.check:
            output = (timing.output.read_text(encoding="utf-8") if timing.output
                      else done.stdout)
            problem = timing.check(output)
            timing.error = f"WRONG: {problem}" if problem else ""
    for _ in range(runs):
        for timing in timings:
            if timing.error:
                continue
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(timing.argv, env=env, capture_output=True, text=True,
                                  check=False)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                timing.error = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
                continue
            timing.runs.append(elapsed)
            timing.cpu.append((after.ru_utime + after.ru_stime)
                              - (before.ru_utime + before.ru_stime))
            if timing.read_note:
                timing.notes.append(timing.read_note(done.stdout))
