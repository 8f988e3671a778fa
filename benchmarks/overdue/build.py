"""The database built: the templates lived through the service and checked against their
design, then SQL copies until the rows and the late items are exact, and checked again."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pendulum
from shared import Unplannable, Wrong, add_board, bench_settings, copy_numbered, pseudonym
from sqlalchemy import Engine, text
from timeline import Timeline

from casework.clock import LOCAL_TZ, FixedClock
from casework.config import Settings
from casework.db import init_database, open_engine, session_scope
from casework.demo import BOARD
from casework.overdue import overdue_listing
from casework.service import CaseService
from notifications.notifier import Notifier
from overdue.stories import AGENCIES, Template, templates_for

ACTOR = "benchmark"


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, second, tz=LOCAL_TZ)


@dataclass
class Built:
    path: Path
    templates: list[Template]
    copies: list[Template]
    wall_s: float = 0.0  # the whole build: migrations, templates, checks, copies
    timeline_s: float = 0.0
    service_calls: int = 0
    sweeps: int = 0
    levels: int = 0
    check_s: float = 0.0
    copy_s: float = 0.0
    final_check_s: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    now_total: int = 0
    past_total: int = 0
    now_groups: list[tuple[str, int, int]] = field(default_factory=list)
    past_escalated: int = 0
    now_escalated: int = 0


def run_timeline(service: CaseService, clock: FixedClock, templates: list[Template],
                 today: dt.date, past: dt.date, built: Built) -> list[dict[str, Any]]:
    """Every template's steps in date order, a sweep at 07:30 London every day, and on P's
    evening the listing as of P from the rows as they stood: returned, as dictionaries."""
    timeline = Timeline(service, clock)
    for t in templates:
        for seq, (day, action, options) in enumerate(t.plan.events):
            timeline.step(local(day, 9).add(minutes=t.index, seconds=20 * seq), t.index, seq,
                          partial(_do, service, t, action, options))
    first = min(at for at, *_ in timeline.events).date()
    timeline.daily_sweeps(first, today, lambda day: local(day, 7, 30))
    snapshot: list[dict[str, Any]] = []

    def take_snapshot() -> None:
        snapshot.extend(item.as_dict() for item in overdue_listing(service, past).items)

    timeline.also(local(past, 23, 30), take_snapshot)
    timeline.live()
    built.service_calls, built.sweeps = timeline.service_calls, timeline.sweeps
    built.levels = timeline.levels
    return snapshot


def _do(service: CaseService, t: Template, action: str, options: dict[str, Any]) -> None:
    if action == "refer":
        case = service.refer_scr(pseudonym(t.index), actor=ACTOR, referred_by=options["by"])
        t.case_id, t.reference = case.id or 0, case.reference
    elif action == "advance":
        service.advance(t.reference, options["step"], options["options"], actor=ACTOR)
    elif action == "extend":
        service.extend(t.reference, options["key"], to=options["to"], actor=ACTOR,
                       reason="the agency asked for more time; the panel agreed")
    elif action == "pause":
        service.pause(t.reference, options["reason"], actor=ACTOR)
    elif action == "resume":
        service.resume(t.reference, actor=ACTOR)
    else:
        raise AssertionError(action)


def check_templates(service: CaseService, engine: Engine, templates: list[Template],
                    today: dt.date, past: dt.date, snapshot: list[dict[str, Any]]) -> None:
    """Each template's rows and late items as designed; the replayed listing as of P the same
    items as the one taken on P."""
    with engine.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT case_id, count(*) FROM deadline GROUP BY case_id")).all())
    now = Counter(item.reference for item in overdue_listing(service, today).items)
    replayed = [item.as_dict() for item in overdue_listing(service, past).items]
    was = Counter(item["reference"] for item in snapshot)
    wrong = []
    for t in templates:
        got = (rows.get(t.case_id, 0), now[t.reference], was[t.reference])
        wanted = (t.profile.rows, t.profile.late_now, t.profile.late_past)
        if got != wanted:
            wrong.append(f"{t.reference} ({t.profile.name}, shift {t.plan.shift}): rows, late "
                         f"on T, late on P {got}, designed {wanted}")
    if wrong:
        raise Wrong(f"{len(wrong)} templates not as designed:\n  " + "\n  ".join(wrong[:10]))
    key = _item_key
    if sorted(replayed, key=key) != sorted(snapshot, key=key):
        taken = {key(i): i for i in snapshot}
        again = {key(i): i for i in replayed}
        differ = [f"{k}: on the day {taken.get(k)}, replayed {again.get(k)}"
                  for k in sorted(taken.keys() | again.keys()) if taken.get(k) != again.get(k)]
        raise Wrong(f"the listing as of {past} replayed differs from the one taken that evening "
                    f"in {len(differ)} items:\n  " + "\n  ".join(differ[:8]))


def _item_key(item: dict[str, Any]) -> tuple[str, str]:
    return item["reference"], item["key"]


def plan_copies(templates: list[Template], deadlines: int, overdue: int) -> list[Template]:
    """The templates to copy (repeated), so the rows and the late items on T come out exact."""
    rows = sum(t.profile.rows for t in templates)
    late = sum(t.profile.late_now for t in templates)
    if late > overdue or rows > deadlines:
        raise Unplannable(f"the templates alone have {rows:,} deadline rows and {late:,} late "
                          f"items: fewer --templates for --deadlines {deadlines:,} and "
                          f"--overdue {overdue:,}")
    copies: list[Template] = []

    def fill(group: list[Template], filler: list[Template], need: int,
             size: Callable[[Template], int]) -> None:
        index = 0
        while need > 0 and size(group[index % len(group)]) in (need, *range(need - 1)):
            # (never leaving exactly one: the fillers may be two or three rows each)
            copies.append(group[index % len(group)])
            need -= size(group[index % len(group)])
            index += 1
        index = 0
        while need > 0:  # the last few: of the need's parity, so no single row is left
            fits = sorted((t for t in filler if size(t) <= need), key=size)
            if not fits:
                raise Unplannable(f"no template small enough for the last {need} rows")
            same = [t for t in fits if size(t) % 2 == need % 2 and size(t) != need - 1]
            pick = (same or fits)[index % len(same or fits)]
            copies.append(pick)
            need -= size(pick)
            index += 1

    first = [t for t in templates if t.profile.group == "overdue"]
    fill(first, [t for t in first if t.profile.own_rows == 1 and t.profile.late_now == 1],
         overdue - late, lambda t: t.profile.late_now)
    rows += sum(t.profile.rows for t in copies)
    if rows > deadlines:
        raise Unplannable(f"{overdue:,} late items take {rows:,} deadline rows, more than "
                          f"--deadlines {deadlines:,}")
    later = [t for t in templates if t.profile.group == "later"]
    fill(later, [t for t in later if t.profile.own_rows == 1], deadlines - rows,
         lambda t: t.profile.rows)
    return copies


def clone(engine: Engine, copies: list[Template], first_pseudonym: int) -> None:
    """SQL copies of `copies`' cases with their deadline and history rows, each with its own
    reference and pseudonym (`shared.copy_numbered`)."""
    with engine.begin() as connection:
        copy_numbered(connection, [t.case_id for t in copies], first_pseudonym)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def build(path: Path, args: argparse.Namespace, today: dt.date, past: dt.date) -> Built:
    started = time.perf_counter()
    url = f"sqlite:///{path}"
    init_database(url)
    engine = open_engine(url)
    settings = bench_settings(url)
    templates = templates_for(args.templates, today)
    built = Built(path, templates, plan_copies(templates, args.deadlines, args.overdue))
    built_from = started
    first = min(day for t in templates for day, _, _ in t.plan.events)
    clock = FixedClock(local(first, 8))
    try:
        started = time.perf_counter()
        with session_scope(engine) as session:
            service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
            add_board(service, AGENCIES, ACTOR, BOARD)
            snapshot = run_timeline(service, clock, templates, today, past, built)
            built.timeline_s = time.perf_counter() - started
            started = time.perf_counter()
            clock.set(local(today, 12))
            check_templates(service, engine, templates, today, past, snapshot)
            built.check_s = time.perf_counter() - started
        started = time.perf_counter()
        clone(engine, built.copies, len(templates))
        built.copy_s = time.perf_counter() - started
        started = time.perf_counter()
        check_database(engine, settings, built, args, today, past)
        built.final_check_s = time.perf_counter() - started
    finally:
        engine.dispose()
    built.wall_s = time.perf_counter() - built_from
    return built


def check_database(engine: Engine, settings: Settings, built: Built, args: argparse.Namespace,
                   today: dt.date, past: dt.date) -> None:
    """The rows and the late items on T exactly the targets; the late items on P as the
    templates and their copies add up to."""
    with engine.connect() as connection:
        for name, query in (
                ("cases", "SELECT count(*) FROM case_record"),
                ("deadline rows", "SELECT count(*) FROM deadline"),
                ("open deadlines", "SELECT count(*) FROM deadline WHERE status = 'open'"),
                ("extended", "SELECT count(*) FROM deadline WHERE extensions > 0"),
                ("paused cases", "SELECT count(*) FROM case_record WHERE paused_on IS NOT NULL"),
                ("history rows", "SELECT count(*) FROM history"),
                ("reminders and escalations in the history",
                 "SELECT count(*) FROM history WHERE step IN ('reminder', 'escalation')"),
                ("outbox emails (templates only)", "SELECT count(*) FROM outbox")):
            built.counts[name] = connection.execute(text(query)).scalar_one()
    with session_scope(engine) as session:
        service = CaseService(session, settings, FixedClock(local(today, 12)))
        now = overdue_listing(service, today)
        then = overdue_listing(service, past)
    built.now_total, built.past_total = now.total, then.total
    built.now_escalated, built.past_escalated = now.escalated, then.escalated
    built.now_groups = [(g.code or "board", g.total, g.escalated) for g in now.groups]
    expected_past = sum(t.profile.late_past for t in (*built.templates, *built.copies))
    wrong = []
    if built.counts["deadline rows"] != args.deadlines:
        wrong.append(f"{built.counts['deadline rows']:,} deadline rows, not {args.deadlines:,}")
    if now.total != args.overdue:
        wrong.append(f"{now.total:,} items late on {today}, not {args.overdue:,}")
    if then.total != expected_past:
        wrong.append(f"{then.total:,} items late on {past} (replayed), not {expected_past:,}")
    if wrong:
        raise Wrong("the database is not as planned: " + "; ".join(wrong))

