"""Building through the service: the templates lived on one timeline with a sweep every
day, and each stage's due group of child deaths notified on T."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import partial

import pendulum
from shared import Wrong, add_board, pseudonym, resolve
from sqlalchemy import Engine, text
from sqlmodel import col, select
from timeline import Timeline

from casework.clock import FixedClock
from casework.config import Settings
from casework.db import session_scope
from casework.deaths import PossibleDuplicate, notify_death, schedule_meetings
from casework.demo import BOARD
from casework.models import Deadline
from casework.service import CaseService
from national.common import ACTOR, local
from national.plan import Template
from national.stories import AGE_BANDS, AGENCIES, FINAL, Item
from notifications.notifier import Notifier
from workflows.cdr_kit import NCMD_FROM

DUE_FIRST = (9, 0)  # the first due group is notified at T 09:00 London ...
DUE_STEP_MIN = 20  # ... the next 20 minutes later, and so on
DUE_WAIT_MIN = 10  # each group's due instant: 10 minutes after its reminders fall due


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
    first = min(day for t in templates for day in t.days)
    clock = FixedClock(local(first, 6))
    with session_scope(engine) as session:
        service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
        add_board(service, AGENCIES, ACTOR, BOARD)
        for chunk in range(0, len(meetings), 40):
            schedule_meetings(service, meetings[chunk].isoformat(),
                              len(meetings[chunk:chunk + 40]), actor=ACTOR, every_months=1)
        timeline = Timeline(service, clock)
        for t in templates:
            for seq, day in enumerate(t.days):
                at = local(day, 9).add(minutes=t.index % 300, seconds=20 * seq)
                timeline.step(at, t.index, seq, partial(_step, service, t, seq, at))
        timeline.daily_sweeps(first, today, lambda day: local(day, 7, 30))
        timeline.sweep(quiet)
        timeline.live()
    result.service_calls, result.sweeps = timeline.service_calls, timeline.sweeps
    result.levels = timeline.levels
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


def _step(service: CaseService, t: Template, seq: int, at: pendulum.DateTime) -> None:
    """Template `t`'s item `seq`, or what went wrong with it."""
    item = t.items[seq]
    try:
        _do(service, t, item, t.days[seq])
    except Exception as exc:
        raise Wrong(f"template {t.index} ({t.kind} to {t.target}), item {seq} "
                    f"{item.action} {item.step} on {at}: {exc}") from exc


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

