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

It is a measurement, not a test: the timings decide nothing. It exits 1 only when the data or
an output is not what it should be: the rows or late items not as planned, the replayed past
listing differing from the one taken on the day, or an output with the wrong number of rows.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import io
import json
import os
import pstats
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
from measure import Timed, child_env, time_processes
from shared import REGIME_STEPS, add_board, bench_settings, copy_numbered, pseudonym, table
from sqlalchemy import Engine, text

from casework.clock import LOCAL_TZ, FixedClock, SystemClock
from casework.config import Settings, load_settings
from casework.db import init_database, open_engine, session_scope
from casework.demo import AGENCIES as DEMO_AGENCIES
from casework.demo import BOARD
from casework.overdue import overdue_listing
from casework.service import CaseService
from notifications.notifier import Notifier
from notifications.scheduler import sweep

TARGET_S = 2.0
FORMATS = ("table", "csv", "html", "json")
AGENCIES = (*DEMO_AGENCIES,
            ("YOT", "Youth Offending Team", "yot@council.example.org"),
            ("CAFCASS", "Cafcass", "safeguarding@cafcass.example.org"))
CODES = tuple(code for code, _, _ in AGENCIES)
CRITERIA = ("death", "life_threatening_injury", "permanent_impairment", "sexual_abuse")
ACTOR = "benchmark"
PAST_DAYS = 28  # P = T - 28 days
SHIFTS = 6  # templates of a profile are spread over 6 days (all dates 0-5 days earlier)
REFERENCE = re.compile(r"^[A-Z]{3}-\d{4}-\d+\b")


class Wrong(Exception):
    """The data or an output is not what it should be: a correctness problem, not a timing."""


class Unplannable(Exception):
    """The targets cannot be met with these templates (a usage problem: exit 2)."""


# -- the templates: what happens to each case, and when ----------------------------------------

@dataclass
class Plan:
    """One template case's story, as (day, action, options), days counted from T and moved
    `shift` days earlier; `codes` are the 8 agencies in this template's order."""

    today: dt.date
    shift: int
    codes: tuple[str, ...]
    index: int
    events: list[tuple[dt.date, str, dict[str, Any]]] = field(default_factory=list)

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset - self.shift)

    def iso(self, offset: int) -> str:
        return self.day(offset).isoformat()

    def at(self, offset: int, action: str, **options: Any) -> None:
        self.events.append((self.day(offset), action, options))

    def step(self, offset: int, name: str, **options: Any) -> None:
        self.at(offset, "advance", step=name, options=options)

    def refer(self, offset: int) -> None:
        self.at(offset, "refer", by=self.codes[0])
        if "notify_ofsted" in REGIME_STEPS:  # notified the same day: a row, never late
            self.step(offset, "notify_ofsted")

    def to_panel(self, refer: int, recommend: int, decide: int, notify: int, panel: int) -> None:
        """Referred, recommended, decided (an SCR), inspectorate notified, panel formed."""
        criteria = [CRITERIA[self.index % len(CRITERIA)]]
        self.refer(refer)
        self.step(recommend, "recommend", recommendation="scr", criteria=criteria)
        self.step(decide, "decide", outcome="scr", criteria=criteria, chair="Board chair",
                  rationale="serious harm; inter-agency working in question")
        self.step(notify, "notify_inspectorate")
        self.step(panel, "form_panel", chair="Independent chair", conflicts="none declared",
                  member=["Detective Inspector, POLICE", "Head of Safeguarding, CSC",
                          "Designated Nurse, HEALTH"])

    def commission(self, offset: int, dues: dict[str, int] | None = None) -> None:
        """IMRs from all 8 agencies: default 6 weeks, or the T-relative day in `dues`."""
        dues = dues or {}
        agencies = [f"{c}={self.iso(dues[c])}" if c in dues else c for c in self.codes]
        self.step(offset, "commission_imrs", terms="ToR v1 agreed by the panel",
                  agency=agencies, records_secured=True)


def imr_late(p: Plan) -> None:
    """At IMRs, 5 late on T (4 IMRs, one extended but still late, and the completion
    deadline), 6 on P (one since received, one since extended beyond T)."""
    a = p.codes
    p.to_panel(-215, -210, -200, -196, -183)  # completion due 6 months after -200: ~T-17
    p.commission(-110)  # due T-68
    p.step(-80, "receive_imr", agency=a[0])
    p.at(-70, "extend", key=f"imr:{a[3]}", to=p.iso(-40))
    p.step(-50, "receive_imr", agency=a[1], note="arrived late")
    p.step(-14, "receive_imr", agency=a[2])
    p.at(-10, "extend", key=f"imr:{a[4]}", to=p.iso(21))


def paused(p: Plan) -> None:
    """Paused for criminal proceedings after 3 IMRs ran out (they stay listed); 4 more fall
    due while it is paused (not listed)."""
    a = p.codes
    p.to_panel(-150, -145, -135, -131, -118)
    p.commission(-110, {code: -20 for code in a[4:]})  # a[:4] due T-68
    p.step(-90, "receive_imr", agency=a[0])
    p.at(-50, "pause", reason="criminal proceedings: the police asked the panel to wait")


def resumed(p: Plan) -> None:
    """Paused for 30 days soon after the decision, resumed; IMRs due T-20, 4 still out."""
    a = p.codes
    p.refer(-120)
    p.step(-116, "recommend", recommendation="scr", criteria=["death"])
    p.step(-112, "decide", outcome="scr", criteria=["death"], chair="Board chair",
           rationale="a child died; neglect is suspected")
    p.at(-110, "pause", reason="family court hearing")
    p.at(-80, "resume")
    p.step(-76, "notify_inspectorate")
    p.step(-70, "form_panel", chair="Independent chair", conflicts="none declared",
           member=["Detective Inspector, POLICE"])
    p.commission(-62)  # due T-20
    p.step(-40, "receive_imr", agency=a[0])
    p.step(-38, "receive_imr", agency=a[1])
    p.step(-35, "waive_imr", agency=a[2], reason="no contact with the family in the period")
    p.step(-30, "receive_imr", agency=a[3])


def action_plan(p: Plan) -> None:
    """Endorsed and published; 6 actions: A1 met on time, A2 late, A3 met after P, A4 late on
    T only, A5 not yet due, A6 extended to T-15; the six-month audit late on T."""
    a = p.codes
    p.to_panel(-330, -325, -320, -316, -300)
    p.step(-290, "commission_imrs", terms="ToR agreed", agency=list(a[:3]))
    for offset, code in zip((-265, -262, -260), a[:3], strict=True):
        p.step(offset, "receive_imr", agency=code)
    p.step(-255, "commission_overview", author="Independent overview author")
    actions = (("R1 Health visiting", "Audit health visitor caseloads for missed contacts",
                -100),
               ("R2 Information sharing", "Joint protocol with police & CSC on referrals <48h",
                -60),
               ("R3 Training", "Neglect training for designated teachers", -40),
               ("R4 Supervision", "Supervision audit of the duty team", -10),
               ("R5 Escalation", "Escalation policy re-issued to every agency", 30),
               ("R6 Records", "Records kept of every strategy discussion", -50))
    for number, (recommendation, action, due) in enumerate(actions):
        p.step(-240, "add_action", recommendation=recommendation, action=action,
               agency=a[3 + number % 5], due=p.iso(due))
    p.step(-200, "submit_overview")
    p.step(-190, "endorse")  # the audit due 6 months on: ~T-8
    p.step(-180, "publish")
    p.step(-110, "complete_action", action=1)
    p.at(-45, "extend", key="A6", to=p.iso(-15))
    p.step(-30, "update_action", action=2, progress="at_risk")
    p.step(-20, "complete_action", action=3, note="delivered late")


def decision_late(p: Plan) -> None:
    """Referred, recommended, the chair's month run out: late on T only (due ~T-17)."""
    p.refer(-45)
    p.step(-40, "recommend", recommendation="scr", criteria=["sexual_abuse"])


def decision_long_late(p: Plan) -> None:
    """A decision late since ~T-60, extended to T-35 and late again: on T and on P."""
    p.refer(-90)
    p.step(-85, "recommend", recommendation="non_statutory",
           criteria=["inter_agency_concerns"])
    p.at(-55, "extend", key="decision", to=p.iso(-35))


def imr_on_time(p: Plan) -> None:
    """IMRs commissioned with the panel's own dates, T+10 and T+25: nothing late."""
    a = p.codes
    p.to_panel(-80, -77, -75, -72, -60)
    p.commission(-50, {code: 10 if n < 4 else 25 for n, code in enumerate(a)})
    p.step(-20, "receive_imr", agency=a[0])
    p.step(-5, "receive_imr", agency=a[1])


def imr_caught_up(p: Plan) -> None:
    """IMRs due T-48: 4 received late before P, 4 after (late on P, none on T); the overview
    commissioned."""
    a = p.codes
    p.to_panel(-112, -109, -105, -101, -95)  # completion ~T+16
    p.commission(-90)
    for offset, code in zip((-40, -38, -35, -32, -20, -15, -10, -5), a, strict=True):
        p.step(offset, "receive_imr", agency=code)
    p.step(-3, "commission_overview", author="Independent overview author")


def no_review(p: Plan) -> None:
    p.refer(-100)
    p.step(-95, "recommend", recommendation="no_review")
    p.step(-90, "decide", outcome="no_review", chair="Board chair",
           rationale="single-agency learning; no inter-agency concerns")
    if "inform_panel" in REGIME_STEPS:  # the national panel told why, the same week
        p.step(-88, "inform_panel")


def screening(p: Plan) -> None:
    p.refer(-10)  # decision due ~T+18


@dataclass(frozen=True)
class Profile:
    name: str
    group: str  # overdue | later
    own_rows: int  # deadline rows of the story itself
    late_now: int  # items late on T
    late_past: int  # items late on P
    plan: Callable[[Plan], None]

    @property
    def rows(self) -> int:
        """Its deadline rows, with those the regime in force adds, each met on time: the
        incident's notification to Ofsted, and for "no review" the national panel told."""
        extra = int("notify_ofsted" in REGIME_STEPS)
        return extra + self.own_rows + int(self.name == "no_review"
                                           and "inform_panel" in REGIME_STEPS)


PROFILES = {p.name: p for p in (
    Profile("imr_late", "overdue", 12, 5, 6, imr_late),
    Profile("paused", "overdue", 12, 3, 3, paused),
    Profile("resumed", "overdue", 12, 4, 0, resumed),
    Profile("action_plan", "overdue", 14, 4, 2, action_plan),
    Profile("decision_late", "overdue", 1, 1, 0, decision_late),
    Profile("decision_long_late", "overdue", 1, 1, 1, decision_long_late),
    Profile("imr_on_time", "later", 12, 0, 0, imr_on_time),
    Profile("imr_caught_up", "later", 12, 0, 4, imr_caught_up),
    Profile("no_review", "later", 1, 0, 0, no_review),
    Profile("screening", "later", 1, 0, 0, screening),
)}
OVERDUE_CYCLE = ("imr_late", "paused", "resumed", "action_plan", "decision_late",
                 "decision_long_late")
LATER_CYCLE = ("imr_on_time", "screening", "imr_on_time", "no_review", "imr_on_time",
               "imr_caught_up", "imr_on_time", "screening", "imr_on_time", "imr_on_time")


@dataclass
class Template:
    index: int
    profile: Profile
    plan: Plan
    case_id: int = 0
    reference: str = ""


def templates_for(count: int, today: dt.date) -> list[Template]:
    """`count` templates in each group, the profiles in turn; each template's dates shifted
    0-5 days earlier and its agencies in a rotated order."""
    names = [OVERDUE_CYCLE[i % len(OVERDUE_CYCLE)] for i in range(count)]
    names += [LATER_CYCLE[i % len(LATER_CYCLE)] for i in range(count)]
    templates = []
    for index, name in enumerate(names):
        rotation = index % len(CODES)
        codes = CODES[rotation:] + CODES[:rotation]
        plan = Plan(today, (index // len(OVERDUE_CYCLE)) % SHIFTS, codes, index)
        profile = PROFILES[name]
        profile.plan(plan)
        days = [day for day, _, _ in plan.events]
        assert days == sorted(days), f"{name}: events out of order"
        templates.append(Template(index, profile, plan))
    return templates


# -- building the database -----------------------------------------------------------------

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
    events: list[tuple[pendulum.DateTime, int, int, str, dict[str, Any]]] = []
    for t in templates:
        for seq, (day, action, options) in enumerate(t.plan.events):
            events.append((local(day, 9).add(minutes=t.index, seconds=20 * seq), t.index, seq,
                           action, options))
    first = min(at for at, *_ in events).date()
    day = first
    while day <= today:
        events.append((local(day, 7, 30), -1, 0, "sweep", {}))
        day += dt.timedelta(days=1)
    events.append((local(past, 23, 30), -1, 0, "snapshot", {}))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    snapshot: list[dict[str, Any]] = []
    for number, (at, index, _, action, options) in enumerate(events):
        clock.set(at)
        if action == "sweep":
            report = sweep(service, at, actor="scheduler")
            built.sweeps += 1
            built.levels += report.reminders + report.escalations
        elif action == "snapshot":
            snapshot = [item.as_dict() for item in overdue_listing(service, past).items]
        else:
            _do(service, templates[index], action, options)
            built.service_calls += 1
        if number % 500 == 499:
            service.session.expunge_all()  # keep the identity map small
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


# -- timing --------------------------------------------------------------------------------

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


# -- the report ----------------------------------------------------------------------------

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


# -- main ----------------------------------------------------------------------------------

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
