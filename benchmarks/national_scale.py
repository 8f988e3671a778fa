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
size is in tests/test_benchmarks.py.

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
import bisect
import csv
import datetime as dt
import io
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
from measure import (
    Rescheduled,
    Statements,
    Timed,
    child_env,
    growth,
    levels,
    one_sweep,
    time_processes,
    timed_reschedule,
)
from shared import (
    Planner,
    ScrPlanner,
    add_board,
    bench_settings,
    copy_numbered,
    due_by,
    numbers,
    pseudonym,
    resolve,
    table,
)
from sqlalchemy import Engine, create_engine, func, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import col, select

from casework.clock import LOCAL_TZ, FixedClock
from casework.config import Settings, Tuning
from casework.db import init_database, open_engine, session_scope
from casework.deaths import PossibleDuplicate, notify_death, schedule_meetings
from casework.demo import BOARD
from casework.models import Deadline, History, OutboxEmail
from casework.overdue import overdue_listing
from casework.queries import case_detail
from casework.service import CaseService
from notifications.notifier import Notifier
from notifications.scheduler import BATCH, SweepReport, sweep
from workflows.cdr_kit import NCMD_FROM

QUIET_TARGET_S = 1.0
LISTING_TARGET_S = 3.0
FLOOR_FACTOR = 1.3
BUILD_TARGET_S = 600.0
DRIVER_FLOOR = "python -c 'import sqlmodel, psycopg, ...'"
ACTOR = "benchmark"
PG_DATABASE = "casework_bench_national"
PG_ENV = ("CASEWORK_BENCH_POSTGRESQL_URL", "CASEWORK_TEST_POSTGRESQL_URL")
AGENCIES = (
    ("POLICE", "Police", "public-protection@police.example.org"),
    ("CSC", "Children's Social Care", "safeguarding@csc.example.org"),
    ("HEALTH", "Community Health", "named-nurse@health.example.org"),
    ("ACUTE", "Acute Hospitals Trust", "safeguarding@acute.example.org"),
    ("EDU", "Education", "child-protection@education.example.org"),
    ("PROB", "Probation", "public-protection@probation.example.org"),
    ("YOT", "Youth Offending Team", "yot@council.example.org"),
    ("CAFCASS", "Cafcass", "safeguarding@cafcass.example.org"),
    ("AMBULANCE", "Ambulance Service", "safeguarding@ambulance.example.org"),
    ("GP", "General Practice", "safeguarding-gp@icb.example.org"),
    ("CAMHS", "Child and Adolescent Mental Health", "camhs@mentalhealth.example.org"),
    ("HOUSING", "Housing", "housing-safeguarding@council.example.org"),
)
CODES = tuple(code for code, _, _ in AGENCIES)
YEARS = 10  # of history before T (`--years`)
LATEST = 3  # the templates' last step is at least this many days before T
CDR_SHARE = 0.6
PAUSED_SHARE = 0.1  # of open SCRs: paused at the end (a third of them resumed again)
OVERRUN_SHARE = 0.15  # of open cases: stuck well past their stage's timescale
SCR_TARGETS = {  # where a template stops, by weight: a decade is mostly finished reviews
    "closed": 58, "no_review": 35, "screening": 1, "decision": 1, "notification": 0.5,
    "panel_formation": 1, "terms_of_reference": 0.5, "imrs": 3, "overview": 1,
    "endorsement": 0.5, "publication": 0.5, "publication_held": 0.5, "implementation": 3,
}
CDR_TARGETS = {
    "closed": 93, "transferred": 3, "triage": 0.3, "rapid_response": 0.3, "post_mortem": 1.5,
    "final_discussion": 0.5, "agency_reports": 2, "awaiting_panel": 1, "reviewed": 0.4,
}
FINAL = ("closed", "no_review", "transferred")
CATEGORIES = ("deliberately_inflicted", "suicide", "trauma", "malignancy", "acute_medical",
              "chronic_medical", "congenital", "perinatal", "infection", "sudden_unexplained")
AGE_BANDS = ("0-27d", "28-364d", "1-4y", "5-9y", "10-14y", "15-17y")
PLACES = ("home", "hospital", "hospice", "public_place", "other")
MEETING_DAY = 12  # CDOP meetings monthly, on the 12th
DUE_FIRST = (9, 0)  # the first due group is notified at T 09:00 London ...
DUE_STEP_MIN = 20  # ... the next 20 minutes later, and so on
DUE_WAIT_MIN = 10  # each group's due instant: 10 minutes after its reminders fall due
ITEMS = re.compile(r": (\d+) items?, \d+ escalated")


class Wrong(Exception):
    """The data or a sweep is not what it should be: a correctness problem, not a timing."""


class Unplannable(Exception):
    """The sizes asked for cannot be made from these templates (a usage problem: exit 2)."""


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> pendulum.DateTime:
    """A London moment, as the UTC instant the code stores and compares (on SQLite the
    instants are compared as text: they must all be UTC)."""
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, second,
                             tz=LOCAL_TZ).in_timezone("UTC")


def london(instant: dt.datetime) -> str:
    return pendulum.instance(instant).in_timezone(LOCAL_TZ).format("YYYY-MM-DD HH:mm")


# -- the templates' stories --------------------------------------------------------------------

@dataclass
class Item:
    """One thing done to a template case: `gap` days after the item before; `rule` ready |
    defer | review for the CDOP meeting the case is listed for; `after` (index, days): at
    least that many days after an earlier item."""

    action: str  # refer | notify | advance | ncmd | linked | extend | pause | resume
    step: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    gap: int = 0
    rule: str = ""
    after: tuple[int, int] | None = None


class NationalScrPlanner(ScrPlanner[Item]):
    """National SCRs (`shared.ScrPlanner`, as benchmarks/cli_speed.py's): the referrer
    recorded, IMRs from 4-10 of twelve agencies, the long action plans of national reviews, and
    a review at "publication" perhaps held and released on the way."""

    make_item = Item
    codes = CODES
    paused_share = PAUSED_SHARE
    imr_agencies = (4, 10)
    imr_gap = 12
    action_gap = 2
    actions_per_recommendation = 4
    action_due = (90, 540)
    hold_before_publication = True

    def _referral(self) -> Item:
        return Item("refer", options={"by": self.rng.choice(CODES)})

    def _action_count(self, target: str) -> int:
        rng = self.rng
        return {"overview": rng.randint(0, 3), "endorsement": rng.randint(5, 30),
                "publication": rng.randint(10, 40), "publication_held": rng.randint(10, 40),
                "implementation": rng.randint(10, 50)}.get(target, rng.randint(15, 130))

    def _audit(self, endorse: int, outcome: str) -> None:
        """The six-month audit, five to eight months after the endorsement (it cannot be
        recorded earlier than a month before it is due)."""
        self.items.append(Item("advance", "record_audit", {"outcome": outcome},
                               gap=self.rng.randint(0, 5),
                               after=(endorse, self.rng.randint(155, 240))))

    def _implementation(self, target: str, actions: int, endorse: int) -> None:
        rng = self.rng
        if target == "closed":
            for number in range(1, actions + 1):
                lo, hi = (20, 150) if number == 1 else (0, 4)
                if rng.random() < 0.9:
                    self.add(lo, hi, "complete_action", action=number)
                else:
                    self.add(lo, hi, "carry_forward", action=number,
                             reason="needs the new protocol first",
                             decision="board meeting of the following quarter")
            self._audit(endorse, "progress satisfactory")
            self.add(10, 60, "close")
            return
        first = True
        for number in range(1, actions + 1):
            roll = rng.random()
            lo, hi = (20, 120) if first else (0, 6)
            if roll < 0.8:
                self.add(lo, hi, "complete_action", action=number)
                first = False
            elif roll < 0.9:
                self.add(lo, hi, "update_action", action=number,
                         progress=rng.choice(("on_track", "at_risk", "not_started")))
                first = False
        if rng.random() < 0.5:
            self._audit(endorse, "some actions delayed")


class CdrPlanner(Planner[Item]):
    """The review of one child's death up to a target stage."""

    make_item = Item

    def plan(self, target: str) -> tuple[list[Item], bool]:
        """The items, and whether the case refers for an SCR (it is then not copied)."""
        rng = self.rng
        unexpected = target in ("rapid_response", "post_mortem", "final_discussion") or (
            target not in ("triage", "transferred") and rng.random() < 0.6)
        self.items = [Item("notify", options={
            "death": "unexpected" if unexpected else "expected",
            "died_gap": rng.choice((0, 0, 0, 1)), "age_band": rng.choice(AGE_BANDS),
            "place": rng.choice(PLACES), "by": rng.choice(("ACUTE", "POLICE", "AMBULANCE",
                                                           "HEALTH"))})]
        if target == "triage":
            return self.items, False
        if target == "transferred":
            self.add(0, 2, "transfer", to_panel=rng.choice(("Medway CDOP", "Surrey CDOP")))
            return self.items, False
        self.add(0, 1, "triage", death="unexpected" if unexpected else "expected")
        agencies = rng.sample(CODES, rng.randint(3, 10))
        if unexpected:
            self.add(0, 0, "convene_team", paediatrician="Designated paediatrician",
                     police="Detective Sergeant, child abuse investigation",
                     social_care="Team manager")
            if target == "rapid_response":
                return self.items, False
            self.add(0, 1, "record_home_visit")
            self.add(0, 2, "record_information_sharing")
            self.add(0, 3, "await_post_mortem")
            self.add(2, 15, "request_reports", agency=agencies)
            early = (agencies[: len(agencies) - rng.choice((0, 0, 1))]
                     if target == "post_mortem" else agencies[: rng.randint(0, len(agencies) - 1)])
            self._receipts(early)
            if target == "post_mortem":
                return self.items, False
            self.add(10 if early else 20, 90, "receive_post_mortem",
                     findings=rng.choice(("natural causes", "injuries consistent with the "
                                                            "account", "not established")))
            if target == "final_discussion":
                return self.items, False
            self.add(5, 40, "hold_final_discussion")
            later = agencies[len(early):]
        else:
            self.add(1, 10, "request_reports", agency=agencies)
            later = agencies
        if target == "agency_reports":  # one or two still awaited
            self._receipts(later[: max(len(later) - rng.choice((1, 1, 2)), 0)])
            return self.items, False
        self._receipts(later)
        self.items.append(Item("advance", "ready_for_panel", gap=rng.randint(1, 10),
                               rule="ready"))
        if rng.random() < 0.1:
            self.items.append(Item("advance", "defer", {"reason": "awaiting a report to the "
                                                        "coroner"}, rule="defer"))
        if target == "awaiting_panel":
            return self.items, False
        category = rng.choice(CATEGORIES)
        review = len(self.items)
        self.items.append(Item("advance", "review", {
            "category": category, "intrinsic": str(rng.randint(0, 3)),
            "parenting": str(rng.randint(0, 3)), "environment": str(rng.randint(0, 3)),
            "services": str(rng.randint(0, 3)), "modifiable": rng.choice(("yes", "no")),
            "recommendation": ["Share the learning with the agencies"]}, rule="review"))
        linked = category == "deliberately_inflicted" and rng.random() < 0.3
        if linked:
            self.add(0, 0, "refer_for_scr", reason="abuse may have caused the death")
            self.items.append(Item("linked", "recommend", {"recommendation": "no_review"},
                                   gap=rng.randint(5, 20)))
            self.items.append(Item("linked", "decide", {
                "outcome": "no_review", "chair": "Board chair",
                "rationale": "the learning is taken forward by the CDOP"},
                gap=rng.randint(3, 20)))
        if target == "reviewed":
            return self.items, linked
        # A review completed from 1 April 2019 owes the NCMD its data before it closes (done
        # only when owed: the items' days are fitted after the plan is written).
        self.items.append(Item("ncmd", "submit_ncmd", gap=rng.randint(0, 20),
                               after=(review, 0)))
        self.add(0, 30, "close")
        return self.items, linked

    def _receipts(self, agencies: Sequence[str]) -> None:
        rng = self.rng
        for number, code in enumerate(agencies):
            lo, hi = (10, 40) if number == 0 else (0, 10)
            if rng.random() < 0.07:
                self.add(lo, hi, "waive_report", agency=code,
                         reason="no contact with the child or family")
            else:
                self.add(lo, hi, "receive_report", agency=code)


def meeting_days(first: dt.date, last: dt.date) -> list[dt.date]:
    day = pendulum.date(first.year, first.month, MEETING_DAY)
    days = []
    while day <= last:
        days.append(dt.date(day.year, day.month, day.day))
        day = day.add(months=1)
    return days


def _next_meeting(meetings: list[dt.date], day: dt.date) -> dt.date:
    return meetings[bisect.bisect_left(meetings, day)]


def place(items: list[Item], start: dt.date, meetings: list[dt.date]) -> list[dt.date]:
    days: list[dt.date] = []
    day, listed = start, start
    for item in items:
        day += dt.timedelta(days=item.gap)
        if item.after is not None:
            index, lo = item.after
            day = max(day, days[index] + dt.timedelta(days=lo))
        if item.rule == "ready":
            listed = _next_meeting(meetings, day)
        elif item.rule == "defer":
            day = max(day, listed)
            listed = _next_meeting(meetings, listed + dt.timedelta(days=1))
        elif item.rule == "review":
            day = max(day, listed)
        days.append(day)
    return days


def fit(items: list[Item], finished: bool, rng: random.Random, today: dt.date,
        meetings: list[dt.date], span_days: int) -> list[dt.date]:
    """The day of each item: a finished case any time in the years it could have run its
    course; an open one as old as its steps plus a few weeks, or stuck for months."""
    earliest = today - dt.timedelta(days=span_days)
    latest = today - dt.timedelta(days=LATEST)
    probe = place(items, earliest, meetings)
    length = (probe[-1] - probe[0]).days
    if finished:
        room = max(0, (latest - earliest).days - length - 40)
        start = earliest + dt.timedelta(days=rng.randint(0, room))
    else:
        extra = rng.randint(60, 365) if rng.random() < OVERRUN_SHARE else rng.randint(0, 45)
        start = latest - dt.timedelta(days=length + extra)
    days = place(items, start, meetings)
    while days[-1] > latest:  # a meeting took it later than planned: start earlier
        start -= days[-1] - latest
        days = place(items, start, meetings)
    return days


@dataclass
class Template:
    index: int
    kind: str  # scr | cdr
    target: str
    items: list[Item]
    days: list[dt.date]
    copyable: bool = True
    reference: str = ""
    case_id: int = 0
    linked: str = ""  # the SCR a CDR referred for
    rows: int = 0
    finished: bool = False


def plan_templates(count: int, today: dt.date, rng: random.Random,
                   meetings: list[dt.date], span_days: int) -> list[Template]:
    templates = []
    for index in range(count):
        if rng.random() < CDR_SHARE:
            target = rng.choices(list(CDR_TARGETS), weights=list(CDR_TARGETS.values()))[0]
            items, linked = CdrPlanner(rng).plan(target)
            kind = "cdr"
        else:
            target = rng.choices(list(SCR_TARGETS), weights=list(SCR_TARGETS.values()))[0]
            items, linked = NationalScrPlanner(rng).plan(target), False
            kind = "scr"
        days = fit(items, target in FINAL, rng, today, meetings, span_days)
        templates.append(Template(index, kind, target, items, days, copyable=not linked))
    return templates


# -- building: the templates through the service -----------------------------------------------

@dataclass
class TemplateBuild:
    seconds: float = 0.0
    service_calls: int = 0
    sweeps: int = 0
    levels: int = 0
    cases: int = 0
    rows: int = 0


def build_templates(engine: Engine, settings: Settings, templates: list[Template],
                    meetings: list[dt.date], today: dt.date, quiet: pendulum.DateTime
                    ) -> TemplateBuild:
    """Every template's steps in date order on one timeline, a sweep at 07:30 London every
    day, and a last sweep at the quiet instant."""
    started = time.perf_counter()
    result = TemplateBuild()
    events: list[tuple[pendulum.DateTime, int, int]] = []
    for t in templates:
        for seq, day in enumerate(t.days):
            events.append((local(day, 9).add(minutes=t.index % 300, seconds=20 * seq),
                           t.index, seq))
    first = min(day for t in templates for day in t.days)
    day = first
    while day <= today:
        events.append((local(day, 7, 30), -1, 0))
        day += dt.timedelta(days=1)
    events.append((quiet, -1, 0))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    clock = FixedClock(local(first, 6))
    with session_scope(engine) as session:
        service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
        add_board(service, AGENCIES, ACTOR, BOARD)
        for chunk in range(0, len(meetings), 40):
            schedule_meetings(service, meetings[chunk].isoformat(),
                              len(meetings[chunk:chunk + 40]), actor=ACTOR, every_months=1)
        for number, (at, index, seq) in enumerate(events):
            clock.set(at)
            if index < 0:
                report = sweep(service, at, actor="scheduler")
                result.sweeps += 1
                result.levels += report.reminders + report.escalations
            else:
                t = templates[index]
                try:
                    _do(service, t, t.items[seq], t.days[seq])
                except Exception as exc:
                    raise Wrong(f"template {index} ({t.kind} to {t.target}), item {seq} "
                                f"{t.items[seq].action} {t.items[seq].step} on {at}: "
                                f"{exc}") from exc
                result.service_calls += 1
            if number % 500 == 499:
                service.session.expunge_all()  # keep the identity map small
    with engine.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT case_id, count(*) FROM deadline GROUP BY case_id")).all())
        states = dict(connection.execute(text("SELECT id, state FROM case_record")).all())
        result.cases = len(states)
        result.rows = sum(rows.values())
    for t in templates:
        t.rows = rows.get(t.case_id, 0)
        t.finished = states[t.case_id] in FINAL
    result.seconds = time.perf_counter() - started
    return result


def _do(service: CaseService, t: Template, item: Item, day: dt.date) -> None:
    options = {k: resolve(v, day) for k, v in item.options.items()}
    if item.action == "refer":
        case = service.refer_scr(pseudonym(t.index), actor=ACTOR, referred_by=options["by"])
        t.case_id, t.reference = case.id or 0, case.reference
    elif item.action == "notify":
        died = day - dt.timedelta(days=options["died_gap"])
        details = {"pseudonym": pseudonym(t.index), "died": f"{died.isoformat()} 03:10",
                   "age_band": options["age_band"], "place": options["place"],
                   "notifier": "Consultant paediatrician", "notifier_agency": options["by"],
                   "residence": "Kent", "death": options["death"], "actor": ACTOR}
        try:
            case = notify_death(service, **details)
        except PossibleDuplicate:  # same day and age band as an open review: another child
            case = notify_death(service, **details, different_child=True)
        t.case_id, t.reference = case.id or 0, case.reference
    elif item.action == "advance":
        service.advance(t.reference, item.step, options, actor=ACTOR)
        if item.step == "refer_for_scr":
            t.linked = service.case(t.reference).data["scr_referral"]
    elif item.action == "ncmd":
        assert item.after is not None
        if t.days[item.after[0]] >= NCMD_FROM:
            service.advance(t.reference, item.step, options, actor=ACTOR)
    elif item.action == "linked":
        service.advance(t.linked, item.step, options, actor=ACTOR)
    elif item.action == "extend":
        service.extend(t.reference, item.step, reason="the agency asked for more time",
                       actor=ACTOR, by=options["by"])
    elif item.action == "pause":
        service.pause(t.reference, options["reason"], actor=ACTOR)
    elif item.action == "resume":
        service.resume(t.reference, actor=ACTOR)
    else:
        raise AssertionError(item.action)


# -- building: the due groups, through the service ---------------------------------------------

def due_instants(stage: int, today: dt.date) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """When stage `stage`'s due group is notified, and its due instant (the home visits'
    first reminder, 4 hours before the visit is due 24 hours on, plus a few minutes)."""
    notified = local(today, *DUE_FIRST).add(minutes=DUE_STEP_MIN * stage)
    return notified, notified.add(hours=20, minutes=DUE_WAIT_MIN)


def make_due_group(engine: Engine, settings: Settings, stage: int, count: int,
                   today: dt.date, first_pseudonym: int) -> tuple[set[int], float]:
    """`count` unexpected deaths notified through the service at the stage's moment; the
    ids of their home visits (the deadlines that fall due), and the seconds it took."""
    notified, _ = due_instants(stage, today)
    started = time.perf_counter()
    case_ids: list[int | None] = []
    with session_scope(engine) as session:
        service = CaseService(session, settings, FixedClock(notified),
                              listeners=[Notifier(settings)])
        for number in range(count):
            case = notify_death(
                service, pseudonym=pseudonym(first_pseudonym + number),
                died=f"{today.isoformat()} 02:{number % 60:02d}",
                age_band=AGE_BANDS[number % len(AGE_BANDS)], place="home",
                notifier="ED consultant", notifier_agency="ACUTE", residence="Kent",
                death="unexpected", actor=ACTOR, different_child=True)
            if number % 200 == 199:
                session.expunge_all()
            case_ids.append(case.id)
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        ids = set(connection.execute(select(Deadline.id).where(
            Deadline.key == "home_visit", col(Deadline.case_id).in_(case_ids))).scalars())
    if len(ids) != count:
        raise Wrong(f"the due group of stage {stage + 1} has {len(ids)} home visits, "
                    f"not {count}")
    return ids, seconds


# -- building: the SQL copies ------------------------------------------------------------------

def plan_copies(pool: list[Template], cases: int, rows: int, rng: random.Random,
                notes: list[str]) -> list[Template]:
    """`cases` copies of the templates in `pool` holding `rows` deadline rows in all: round
    robin (the templates' mix), then finished copies swapped for finished templates with
    more (or fewer) rows until the sum is exact; shuffled."""
    if cases <= 0:
        if rows or cases < 0:
            raise Unplannable(f"the templates and due groups alone are more than --cases, or "
                              f"no copies are left to hold {rows:,} more deadline rows")
        notes.append("no copies needed")
        return []
    copies = [pool[i % len(pool)] for i in range(cases)]
    diff = rows - sum(t.rows for t in copies)
    natural, swaps = rows - diff, 0
    finished = sorted((t for t in pool if t.finished), key=lambda t: t.rows)
    sizes = [t.rows for t in finished]
    if not finished:
        raise Unplannable("no finished template to adjust the copies with")
    swappable = sorted((i for i, t in enumerate(copies) if t.finished),
                       key=lambda i: copies[i].rows, reverse=diff < 0)
    heavy = finished[len(finished) * 3 // 4:]
    for index in swappable:
        if diff == 0:
            break
        have = copies[index].rows
        want = have + diff
        if diff > 0:
            if want > sizes[-1]:
                pick = rng.choice(heavy)
            else:
                pick = finished[bisect.bisect_right(sizes, want) - 1]
            if pick.rows <= have:
                continue
        else:
            pick = finished[min(bisect.bisect_left(sizes, max(want, 0)), len(finished) - 1)]
            if pick.rows >= have:
                continue
        copies[index] = pick
        diff -= pick.rows - have
        swaps += 1
    if diff:
        raise Unplannable(f"cannot make {cases:,} copies hold exactly {rows:,} deadline rows "
                          f"from these templates ({diff:+,} rows left): ask for another "
                          "--cases/--deadlines ratio")
    rng.shuffle(copies)
    notes.append(f"{cases:,} copies to hold {rows:,} deadline rows: round robin over the "
                 f"{len(pool)} copyable templates gives {natural:,} ({natural / cases:.1f} a "
                 f"case); {swaps:,} finished copies swapped for finished templates with "
                 f"{'more' if rows > natural else 'fewer'} rows to make it exact")
    return copies


def take(plan: list[Template], need: int) -> tuple[list[Template], list[Template]]:
    """Copies from the front of `plan` holding exactly `need` rows (skipping any that would
    go over), and the rest in order."""
    taken, rest, total = [], [], 0
    for t in plan:
        if total < need and total + t.rows <= need:
            taken.append(t)
            total += t.rows
        else:
            rest.append(t)
    if total != need:
        raise Unplannable(f"the copies cannot make exactly {need:,} more deadline rows")
    return taken, rest


# -- the backends --------------------------------------------------------------------------------

@dataclass
class Backend:
    name: str  # sqlite | postgresql
    url: str  # with the password: for engines and --db
    shown: str  # without it
    path: Path | None = None  # the SQLite file
    admin: str | None = None  # PostgreSQL's maintenance database

    @property
    def title(self) -> str:
        return "SQLite" if self.name == "sqlite" else "PostgreSQL"

    def drop(self) -> None:
        if self.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        assert self.admin is not None
        admin = create_engine(self.admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        name = make_url(self.url).database
        try:
            with admin.connect() as connection:
                quoted = connection.dialect.identifier_preparer.quote(name or "")
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        finally:
            admin.dispose()

    def size_mb(self, engine: Engine) -> float:
        if self.path is not None:
            with engine.begin() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(Path(f"{self.path}{s}").stat().st_size
                       for s in ("", "-wal") if Path(f"{self.path}{s}").exists()) / 1e6
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT pg_database_size(current_database())")).scalar_one() / 1e6

    def tables_mb(self, engine: Engine) -> dict[str, float]:
        """Each big table with its indexes."""
        names = ("deadline", "history", "case_record", "outbox")
        with engine.connect() as connection:
            if self.path is None:
                return {name: connection.execute(text(
                    f"SELECT pg_total_relation_size('{name}')")).scalar_one() / 1e6
                        for name in names}
            try:
                found = dict(connection.execute(text(
                    "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all())
            except Exception:  # an SQLite built without the dbstat table
                return {}
            indexes = dict(connection.execute(text(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")).all())
            sizes: Counter[str] = Counter()
            for name, size in found.items():
                sizes[indexes.get(name, name)] += size
            return {name: sizes[name] / 1e6 for name in names}


def postgresql_url() -> str | None:
    for name in PG_ENV:
        if os.environ.get(name):
            return os.environ[name]
    return None


def make_backends(args: argparse.Namespace, folder: Path) -> list[Backend]:
    backends = []
    if args.database in ("sqlite", "both"):
        path = folder / "national.db"
        backends.append(Backend("sqlite", f"sqlite:///{path}", str(path), path=path))
    if args.database in ("postgresql", "both"):
        base = postgresql_url()
        if base is None:
            print("\n" + "!" * 78 + "\n!! NO POSTGRESQL: neither $CASEWORK_BENCH_POSTGRESQL_URL "
                  "nor $CASEWORK_TEST_POSTGRESQL_URL\n!! is set. Measuring SQLite only.\n"
                  + "!" * 78 + "\n", flush=True)
        else:
            parsed = make_url(base).set(database=args.pg_database)
            url = parsed.render_as_string(hide_password=False)
            backends.append(Backend("postgresql", url,
                                    parsed.render_as_string(hide_password=True),
                                    admin=parsed.set(database="postgres").render_as_string(
                                        hide_password=False)))
    return backends


# -- sweeping ------------------------------------------------------------------------------------

def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan of a statement as it ran: EXPLAIN QUERY PLAN on SQLite; EXPLAIN (ANALYZE,
    BUFFERS) on PostgreSQL, in a transaction rolled back (an UPDATE changes nothing)."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                              tuple(parameters)).all()
            connection.rollback()
            parents = {r[0]: r[1] for r in rows}

            def depth(row: Any) -> int:
                level, parent = 0, row[1]
                while parent in parents:
                    level, parent = level + 1, parents[parent]
                return level

            return [f"{'  ' * depth(row)}{row[-1]}" for row in rows]
        rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}",
                                          parameters).all()
        connection.rollback()
    return [row[0] for row in rows]


# -- one stage -----------------------------------------------------------------------------------

@dataclass
class Stage:
    size: int
    cases: int = 0
    open_deadlines: int = 0
    pointers: int = 0
    history: int = 0
    due_group_s: float = 0.0
    copies: int = 0
    copy_s: float = 0.0
    analyze_s: float = 0.0
    db_mb: float = 0.0
    quiet_as_of: pendulum.DateTime | None = None
    due_as_of: pendulum.DateTime | None = None
    warm_ms: float = 0.0
    quiet_ms: list[float] = field(default_factory=list)  # the sweep's own seconds
    quiet_wall_ms: list[float] = field(default_factory=list)  # with the new session
    quiet_sql_ms: list[float] = field(default_factory=list)  # in its SQL statements
    quiet_detail: list[tuple[float, str]] = field(default_factory=list)  # the last run's
    quiet_statements: int = 0
    due: SweepReport | None = None
    due_statements: int = 0
    second: SweepReport | None = None
    plan: list[str] = field(default_factory=list)
    due_plan: list[str] = field(default_factory=list)  # PostgreSQL: the claim with rows due

    @property
    def quiet_median(self) -> float:
        return statistics.median(self.quiet_ms) if self.quiet_ms else math.nan


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(text(query)).scalar_one() for name, query in (
            ("cases", "SELECT count(*) FROM case_record"),
            ("deadlines", "SELECT count(*) FROM deadline"),
            ("open", "SELECT count(*) FROM deadline WHERE status = 'open'"),
            ("pointers", "SELECT count(*) FROM deadline WHERE next_level_at IS NOT NULL"),
            ("history", "SELECT count(*) FROM history"),
            ("outbox", "SELECT count(*) FROM outbox"),
            ("paused", "SELECT count(*) FROM case_record WHERE paused_on IS NOT NULL"))}


def check_due(engine: Engine, stage: Stage, due_ids: set[int], wrong: list[str]) -> None:
    """Each due deadline got exactly one reminder (an outbox row and a history row), no other
    deadline got a level, and the second sweep did nothing."""
    assert stage.due is not None and stage.second is not None
    report, second = stage.due, stage.second
    size = f"{stage.size:,} rows"
    kinds = ("reminder", "escalation")
    with engine.connect() as connection:
        emailed = Counter(connection.execute(select(OutboxEmail.deadline_id).where(
            col(OutboxEmail.kind).in_(kinds), OutboxEmail.created_at == stage.due_as_of)
        ).scalars())
        recorded = connection.execute(select(func.count()).select_from(History).where(
            col(History.step).in_(kinds), History.at == stage.due_as_of)).scalar_one()
        reached = set(connection.execute(select(Deadline.id).where(
            Deadline.level_reached == "owner-4h")).scalars())
    if report.deadlines != len(due_ids) or report.reminders != len(due_ids) \
            or report.escalations:
        wrong.append(f"{size}: the due sweep took {report.deadlines:,} deadlines and issued "
                     f"{report.reminders:,} reminders and {report.escalations:,} escalations; "
                     f"{len(due_ids):,} home-visit reminders were due")
    if set(emailed) != due_ids or any(n != 1 for n in emailed.values()) \
            or recorded != len(due_ids):
        wrong.append(f"{size}: {len(due_ids - set(emailed)):,} due deadlines got no email, "
                     f"{len(set(emailed) - due_ids):,} not due got one; {recorded:,} history "
                     f"rows for {len(due_ids):,} levels")
    if not due_ids <= reached:
        wrong.append(f"{size}: {len(due_ids - reached):,} due deadlines reached no level")
    if report.unaddressed:
        wrong.append(f"{size}: {len(report.unaddressed):,} levels had no address")
    if second.deadlines or levels(second):
        wrong.append(f"{size}: the second sweep took {second.deadlines:,} deadlines and "
                     f"issued {levels(second):,} levels")


def sweep_stage(engine: Engine, settings: Settings, stage: Stage, due_ids: set[int],
                runs: int, counter: Statements, wrong: list[str], explain_claim: bool) -> None:
    assert stage.quiet_as_of is not None and stage.due_as_of is not None
    counter.claim = None
    with engine.connect() as connection:
        early, due = (due_by(connection, stage.quiet_as_of),
                      due_by(connection, stage.due_as_of))
    if early or due != due_ids:
        raise Wrong(f"{stage.size:,} rows: data not as planned: {len(early):,} deadlines due "
                    f"by the quiet instant (0 wanted), {len(due):,} by the due one "
                    f"({len(due_ids):,} wanted, {len(due ^ due_ids):,} differ)")
    warm = one_sweep(engine, settings, stage.quiet_as_of, counter)
    stage.warm_ms = warm.wall_s * 1000
    reports = [warm.report]
    for _ in range(runs):
        swept = one_sweep(engine, settings, stage.quiet_as_of, counter)
        stage.quiet_statements = swept.statements
        stage.quiet_ms.append(swept.report.seconds * 1000)
        stage.quiet_wall_ms.append(swept.wall_s * 1000)
        stage.quiet_sql_ms.append(sum(d for d, _, _ in counter.timed) * 1000)
        stage.quiet_detail = [(d * 1000, " ".join(sql.split())) for d, sql, _ in counter.timed]
        reports.append(swept.report)
    issued = [r for r in reports if r.deadlines or levels(r)]
    if issued:
        wrong.append(f"{stage.size:,} rows: a sweep with nothing due took "
                     f"{issued[0].deadlines} deadlines and issued {levels(issued[0])} levels")
    print(f"  quiet sweep as of {london(stage.quiet_as_of)} London: warm-up "
          f"{stage.warm_ms:.1f} ms; {runs} runs "
          + ", ".join(f"{ms:.1f}" for ms in stage.quiet_ms)
          + f" ms; {stage.quiet_statements} SQL statements", flush=True)
    if explain_claim and counter.claim:
        statement, parameters = counter.claim
        stage.plan = explain(engine, statement, parameters)
        if isinstance(parameters, dict):  # PostgreSQL: the same claim at the due instant
            at_due = {k: stage.due_as_of if isinstance(v, dt.datetime) else v
                      for k, v in parameters.items()}
            stage.due_plan = explain(engine, statement, at_due)
    due = one_sweep(engine, settings, stage.due_as_of, counter)
    stage.due, stage.due_statements = due.report, due.statements
    print(f"  due sweep as of {london(stage.due_as_of)} London: {stage.due.line()}; "
          f"{stage.due_statements:,} SQL statements", flush=True)
    stage.second = one_sweep(engine, settings, stage.due_as_of, counter).report
    print(f"  second sweep: {stage.second.line()}", flush=True)
    check_due(engine, stage, due_ids, wrong)


# -- the whole processes -------------------------------------------------------------------------

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


# -- one backend ---------------------------------------------------------------------------------

@dataclass
class Measured:
    backend: Backend
    templates: TemplateBuild | None = None
    stages: list[Stage] = field(default_factory=list)
    build_s: float = 0.0
    final: dict[str, int] = field(default_factory=dict)
    stages_of_cases: list[tuple[str, str, int]] = field(default_factory=list)
    copy_plan: str = ""
    tables: dict[str, float] = field(default_factory=dict)
    show_ref: str = ""
    show_rows: int = 0
    show_history: int = 0
    big_ref: str = ""  # the case with the most deadlines of all (a closed review)
    big_rows: int = 0
    big_history: int = 0
    listing_items: int = 0
    listing_escalated: int = 0
    in_process: dict[str, tuple[float, int, float, str]] = field(default_factory=dict)
    slow_plans: dict[str, list[str]] = field(default_factory=dict)
    timings: list[Timed] = field(default_factory=list)
    rescheduled: Rescheduled | None = None
    wrong: list[str] = field(default_factory=list)


def measure_backend(backend: Backend, args: argparse.Namespace, scratch: Path,
                    today: dt.date) -> Measured:
    result = Measured(backend)
    print(f"\n{'=' * 78}\n{backend.title}: {backend.shown}\n{'=' * 78}", flush=True)
    backend.drop()
    started = time.perf_counter()
    init_database(backend.url)
    init_s = time.perf_counter() - started
    bulk = Tuning(statement_timeout=0, idle_in_transaction_timeout=0)
    build_engine = open_engine(backend.url, bulk)
    engine = open_engine(backend.url)  # as the command line opens it
    counter = Statements()
    counter.attach(engine)
    settings = bench_settings(backend.url)
    rng = random.Random(args.seed)
    quiet = local(today, 12)
    try:
        span_days = round(365.25 * args.years)
        meetings = meeting_days(today - dt.timedelta(days=span_days + 700),
                                today + dt.timedelta(days=400))
        templates = plan_templates(args.templates, today, rng, meetings, span_days)
        print(f"Templates: {len(templates)} cases through CaseService over "
              f"{min(t.days[0] for t in templates)} .. {max(t.days[-1] for t in templates)}, "
              f"a sweep every day ...", flush=True)
        built = result.templates = build_templates(build_engine, settings, templates, meetings,
                                                   today, quiet)
        print(f"  {built.cases} cases ({len(templates)} templates and the SCRs some referred "
              f"for), {built.rows:,} deadline rows, in {built.seconds:.1f} s: "
              f"{built.service_calls:,} service calls, {built.sweeps:,} daily sweeps issuing "
              f"{built.levels:,} reminders and escalations", flush=True)
        pool = [t for t in templates if t.copyable]
        due_rows = 5 * args.due  # notification, triage, home visit, information sharing,
        stages = len(args.sizes)  # final discussion
        notes: list[str] = []
        plan = plan_copies(pool, args.cases - built.cases - stages * args.due,
                           args.deadlines - built.rows - stages * due_rows, rng, notes)
        result.copy_plan = notes[0]
        print(f"  copy plan: {result.copy_plan}", flush=True)
        next_pseudonym = len(templates)
        due_as_of: pendulum.DateTime | None = None
        for index, size in enumerate(args.sizes):
            stage = Stage(size)
            last = index == len(args.sizes) - 1
            print(f"\n-- stage {index + 1}: {size:,} deadline rows", flush=True)
            due_ids, stage.due_group_s = make_due_group(build_engine, settings, index,
                                                        args.due, today, next_pseudonym)
            next_pseudonym += args.due
            now = counts(engine)
            if last:
                batch, plan = plan, []
                planned = now["deadlines"] + sum(t.rows for t in batch)
                if planned != size:
                    raise Wrong(f"the last stage would hold {planned:,} deadline rows, not "
                                f"{size:,} (a due group not of {due_rows // args.due} rows)")
            else:
                if now["deadlines"] > size:
                    raise Unplannable(f"the templates and due groups hold {now['deadlines']:,} "
                                      f"deadline rows, more than the stage of {size:,}: "
                                      "fewer --templates, or larger --growth sizes")
                batch, plan = take(plan, size - now["deadlines"])
            mark = time.perf_counter()
            for chunk in range(0, len(batch), 5000):
                with build_engine.begin() as connection:
                    copy_numbered(connection, [t.case_id for t in batch[chunk:chunk + 5000]],
                               next_pseudonym)
                next_pseudonym += len(batch[chunk:chunk + 5000])
            stage.copies, stage.copy_s = len(batch), time.perf_counter() - mark
            mark = time.perf_counter()
            if backend.name == "postgresql":
                with build_engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE")
            stage.analyze_s = time.perf_counter() - mark
            stage.db_mb = backend.size_mb(build_engine)
            now = counts(engine)
            stage.cases, stage.open_deadlines = now["cases"], now["open"]
            stage.pointers, stage.history = now["pointers"], now["history"]
            print(f"  due group: {args.due} deaths notified through the service in "
                  f"{stage.due_group_s:.1f} s; {stage.copies:,} SQL copies in "
                  f"{stage.copy_s:.1f} s" + (f"; VACUUM ANALYZE {stage.analyze_s:.1f} s"
                                             if backend.name == "postgresql" else "")
                  + f"; {now['cases']:,} cases, {now['deadlines']:,} deadline rows "
                  f"({now['open']:,} open, {now['pointers']:,} with a pointer), "
                  f"{now['history']:,} history rows; {stage.db_mb:,.0f} MB", flush=True)
            if now["deadlines"] != size:
                raise Wrong(f"stage {index + 1}: {now['deadlines']:,} deadline rows, not "
                            f"{size:,}")
            if last and now["cases"] != args.cases:
                raise Wrong(f"{now['cases']:,} cases, not {args.cases:,}")
            stage.quiet_as_of = due_as_of or quiet
            stage.due_as_of = due_instants(index, today)[1]
            due_as_of = stage.due_as_of
            sweep_stage(engine, settings, stage, due_ids, args.runs, counter, result.wrong,
                        explain_claim=last)
            result.stages.append(stage)
        result.build_s = init_s + built.seconds + sum(
            s.due_group_s + s.copy_s + s.analyze_s for s in result.stages)
        assert due_as_of is not None
        final_checks(result, engine, settings, today)
        measure_commands(result, args, scratch, today, due_as_of)
        check_reschedule(result, engine, settings, due_as_of)
    finally:
        build_engine.dispose()
        engine.dispose()
    return result


def final_checks(result: Measured, engine: Engine, settings: Settings, today: dt.date) -> None:
    """The database's make-up, and the listing and `case show` in this process."""
    backend = result.backend
    result.final = counts(engine)
    result.tables = backend.tables_mb(engine)
    with engine.connect() as connection:
        result.stages_of_cases = [(kind, state, n) for kind, state, n in connection.execute(text(
            "SELECT kind, state, count(*) FROM case_record GROUP BY kind, state "
            "ORDER BY kind, count(*) DESC"))]
        ref, rows = connection.execute(text(
            "SELECT c.reference, count(d.id) AS n FROM case_record c "
            "JOIN deadline d ON d.case_id = c.id "
            "WHERE c.closed_on IS NULL AND c.paused_on IS NULL AND c.opened_on < :today "
            "GROUP BY c.id, c.reference ORDER BY n DESC, c.id LIMIT 1"),
            {"today": dt.date.today()}).one()
        result.show_ref, result.show_rows = ref, rows
        result.big_ref, result.big_rows = connection.execute(text(
            "SELECT c.reference, count(d.id) AS n FROM case_record c "
            "JOIN deadline d ON d.case_id = c.id WHERE c.opened_on < :today "
            "GROUP BY c.id, c.reference ORDER BY n DESC, c.id LIMIT 1"),
            {"today": dt.date.today()}).one()

        def history_of(reference: str) -> int:
            return connection.execute(text(
                "SELECT count(*) FROM history h JOIN case_record c ON c.id = h.case_id "
                "WHERE c.reference = :r"), {"r": reference}).scalar_one()

        result.show_history = history_of(ref)
        result.big_history = history_of(result.big_ref)
    counter = Statements()
    counter.attach(engine)
    clock = FixedClock(local(today, 12))
    for name, run in (("overdue listing", lambda s: overdue_listing(s, today)),
                      ("case show", lambda s: case_detail(s, result.show_ref, today))):
        figures = []
        for attempt in range(4):  # a warm-up, then three
            counter.reset()
            counter.on = True
            started = time.perf_counter()
            with session_scope(engine) as session:
                value = run(CaseService(session, settings, clock,
                                        listeners=[Notifier(settings)]))
            elapsed = time.perf_counter() - started
            counter.on = False
            if attempt:
                slow = counter.slowest()
                figures.append((elapsed, counter.count, slow[0], slow[1], slow[2]))
        best = sorted(figures, key=lambda f: f[0])[len(figures) // 2]
        result.in_process[name] = (best[0], best[1], best[2], " ".join(best[3].split()))
        result.slow_plans[name] = explain(engine, best[3], best[4])
        if name == "overdue listing":
            result.listing_items, result.listing_escalated = value.total, value.escalated
    print(f"\nIn this process: the overdue listing as of {today}: {result.listing_items:,} "
          f"items ({result.listing_escalated:,} escalated) in "
          f"{result.in_process['overdue listing'][0]:.2f} s; case show {result.show_ref} "
          f"({result.show_rows} deadlines, {result.show_history} history rows) in "
          f"{result.in_process['case show'][0] * 1000:.0f} ms", flush=True)


def check_reschedule(result: Measured, engine: Engine, settings: Settings,
                     as_of: pendulum.DateTime) -> None:
    """`scheduler reschedule` over the whole database, after the timed commands. The sweeps
    left each pointer where it belongs (a deadline opened after some of its levels fell
    skipped them), so with the same policy it must move none."""
    result.rescheduled = done = timed_reschedule(engine, settings, as_of)
    print(f"\n{done.line()}", flush=True)
    if done.moved:
        result.wrong.append(f"reschedule moved {len(done.moved):,} pointers the sweeps had "
                            f"left, e.g. (id, before, after) {done.moved[:3]}")


def settle(backend: Backend, limit_s: float = 180.0) -> None:
    """Let the machine go quiet before the timed processes. The build has just written
    gigabytes that the kernel is still writing back, and PostgreSQL's autovacuum may be
    working through the new rows: a coordinator's command does not meet either, and both
    fall unevenly on the interleaved runs (the floor's own runs spread by half)."""
    started = time.perf_counter()
    os.sync()
    waited = ""
    if backend.name == "postgresql":
        engine = create_engine(backend.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                while time.perf_counter() - started < limit_s:
                    workers = connection.execute(text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE backend_type = 'autovacuum worker'")).scalar()
                    connection.rollback()  # the next look sees a new snapshot
                    if not workers:
                        break
                    waited = "; waited for autovacuum"
                    time.sleep(1)
        finally:
            engine.dispose()
    print(f"Settled in {time.perf_counter() - started:.1f} s (dirty pages written back"
          f"{waited})", flush=True)


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


# -- the report ----------------------------------------------------------------------------------

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


# -- main ----------------------------------------------------------------------------------------

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
