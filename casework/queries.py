"""What the coordinator looks at: the caseload, one case, and what is due or late.

Plain dataclasses out, so the command line can print them as tables or JSON without knowing
about the database. A deadline is late from the day after its due date; while a case is paused,
only the deadlines that were already late when the pause began count as late (`casework.lateness`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import namedtuple
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, Table, and_, case, cast, func, or_
from sqlalchemy import select as core_select
from sqlmodel import col, select

from casework.child_names import STORED_AS as NAME_HASHES
from casework.clock import today
from casework.dates import local_date
from casework.errors import InvalidInput
from casework.lateness import outstanding, past_due, past_due_sql
from casework.models import Case, Deadline
from casework.overlays import covering
from casework.past_day import caseload_as_it_stood, due_as_it_stood
from casework.replay import standing
from casework.timescales import Rule, strength_of
from workflows import registry
from workflows.formats import deadline_label, short

if TYPE_CHECKING:
    from casework.service import CaseService

DEADLINES: Table = Deadline.__table__  # type: ignore[assignment]
CASES: Table = Case.__table__  # type: ignore[assignment]


@dataclass(slots=True)
class DeadlineView:
    key: str
    title: str
    agency: str | None
    rule: str
    due_on: dt.date
    original_due_on: dt.date
    status: str
    days_late: int
    working_days_late: int
    extensions: int = 0
    paused_days: int = 0
    closed_on: dt.date | None = None
    progress: str | None = None
    note: str | None = None
    detail: str | None = None
    case: str = ""
    pseudonym: str = ""
    case_paused: bool = False
    number: int | None = None
    closed_late: bool = False  # met or waived after it ran out (to the hour, for hour rules)
    strength: str = ""  # how sure its timescale is (case show)
    overlay: str = ""  # the relaxation it ran under, if a board declared one (case show)

    @property
    def label(self) -> str:
        """How people name it: `A3` for the third action, else its key (`imr:POLICE`)."""
        return deadline_label(self.number, self.key)

    def as_dict(self) -> dict[str, Any]:
        return {**_plain(asdict(self)), "label": self.label}


@dataclass
class CaseSummary:
    reference: str
    kind: str
    pseudonym: str
    stage: str
    stage_title: str
    opened_on: dt.date
    next_due: dt.date | None
    overdue: int
    paused_on: dt.date | None = None
    closed_on: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass
class StepView:
    name: str
    title: str
    needs: str
    blocked: str | None


@dataclass
class CaseDetail:
    summary: CaseSummary
    workflow: str
    workflow_version: str
    pause_reason: str | None
    key_dates: dict[str, dt.date]
    record: dict[str, Any]
    deadlines: list[DeadlineView]
    steps: list[StepView]
    as_of: dt.date
    timescales: dict[str, str] = field(default_factory=dict)
    strengths: dict[str, str] = field(default_factory=dict)  # how sure each timescale is
    regime: str = ""  # the version's title: the rules the case runs under for life
    notes: list[tuple[str, str]] = field(default_factory=list)  # what its version adds
    noted: list[str] = field(default_factory=list)  # record keys the notes already say
    labels: dict[str, str] = field(default_factory=dict)  # how its facts are named
    waiting_for: str = ""  # an outside event the stage waits on, with no deadline
    waiting_since: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        data = _plain(asdict(self))
        data.update(data.pop("summary"))
        data["deadlines"] = [d.as_dict() for d in self.deadlines]
        return data


def _late(deadline: Deadline, as_of: dt.date, paused_on: dt.date | None) -> bool:
    if deadline.status == "withdrawn" or (deadline.status != "open" and (
            deadline.closed_on is None or deadline.closed_on <= as_of)):
        return False
    return past_due(deadline.due_on, as_of, paused_on)


def deadline_view(service: CaseService, deadline: Deadline, as_of: dt.date,
                  case: Case | None = None) -> DeadlineView:
    paused_on = case.paused_on if case is not None else None
    late = _late(deadline, as_of, paused_on)
    answered_since = (deadline.closed_on is not None and deadline.closed_on > as_of
                      and deadline.status != "withdrawn")  # a mistake is one on every day
    return DeadlineView(
        key=deadline.key, title=deadline.title, agency=deadline.agency_code, rule=deadline.rule,
        due_on=deadline.due_on, original_due_on=deadline.original_due_on,
        status="open" if answered_since else deadline.status,  # as it stood on as_of
        days_late=(as_of - deadline.due_on).days if late else 0,
        working_days_late=(service.calendar.working_days_between(deadline.due_on, as_of)
                           if late else 0),
        extensions=deadline.extensions, paused_days=deadline.paused_days,
        closed_on=None if answered_since else deadline.closed_on, progress=deadline.progress,
        note=deadline.note,
        detail=deadline.detail,
        case=case.reference if case is not None else "",
        pseudonym=case.pseudonym if case is not None else "",
        case_paused=bool(paused_on), number=deadline.number,
        closed_late=_closed_late(deadline),
    )


def _closed_late(deadline: Deadline) -> bool:
    """Met or waived after it ran out, to the hour for hour rules (listings of what is
    outstanding do not read the instants, and say no)."""
    closed_at = getattr(deadline, "closed_at", None)
    return deadline.status != "withdrawn" and closed_at is not None and closed_at > deadline.due_at


def _overdue_count(as_of: dt.date) -> Any:
    late = and_(outstanding(as_of),
                past_due_sql(col(Deadline.due_on), as_of, col(Case.paused_on)))
    return func.coalesce(func.sum(case((late, 1), else_=0)), 0)


def caseload(service: CaseService, as_of: dt.date, *, kind: str | None = None,
             stage: str | None = None, overdue_only: bool = False,
             include_closed: bool = True, limit: int | None = None) -> list[CaseSummary]:
    next_due = func.min(case((outstanding(as_of), Deadline.due_on), else_=None))
    overdue = _overdue_count(as_of)
    query = (
        select(Case.id, Case.reference, Case.kind, Case.pseudonym, Case.state,
               Case.opened_on, Case.paused_on, Case.closed_on, Case.workflow_key,
               Case.workflow_version,
               next_due.label("next_due"), overdue.label("overdue"))
        .select_from(Case)
        .outerjoin(Deadline, col(Deadline.case_id) == Case.id)
        .where(col(Case.opened_on) <= as_of)
        .group_by(Case.id)
        .order_by(Case.opened_on, Case.reference)
    )
    if kind:
        query = query.where(Case.kind == kind)
    wanted = _known_stage(stage, kind) if stage else None
    if not include_closed:
        query = query.where(or_(col(Case.closed_on).is_(None), col(Case.closed_on) > as_of))
    past = as_of < today(service.clock)
    if not past:  # the stage and pause now are the stage and pause on the day
        if wanted:
            query = query.where(Case.state == wanted)
        if overdue_only:
            query = query.having(overdue > 0)
        if limit:
            query = query.limit(limit)
    from workflows import registry

    rows, flows = [], {}
    for row in service.session.exec(query):
        flows[row.id] = registry.version(row.workflow_key, row.workflow_version)
        summary = CaseSummary(
            reference=row.reference, kind=row.kind, pseudonym=row.pseudonym, stage=row.state,
            stage_title="", opened_on=row.opened_on, next_due=row.next_due,
            overdue=int(row.overdue or 0), paused_on=row.paused_on,
            closed_on=row.closed_on if row.closed_on and row.closed_on <= as_of else None)
        rows.append((row.id, summary))
    if past:
        rows = caseload_as_it_stood(service, rows, as_of, wanted, overdue_only, limit)
    for case_id, summary in rows:
        row_flow = flows[case_id]
        summary.stage_title = row_flow.stage(summary.stage).title if row_flow else summary.stage
    return [summary for _, summary in rows]


def _known_stage(stage: str, kind: str | None) -> str:
    from workflows import registry

    flows = [w for w in registry.ALL if kind in (None, w.kind)]
    names = list(dict.fromkeys(s.name for w in flows for s in w.stages))
    wanted = stage.strip().lower()
    if wanted not in names:
        raise InvalidInput(f"no stage {stage!r} (stages: {', '.join(names)})")
    return wanted


def case_detail(service: CaseService, reference: str, as_of: dt.date) -> CaseDetail:
    case_row = service.case(reference)
    if as_of < case_row.opened_on:
        raise InvalidInput(f"{case_row.reference} was opened on {short(case_row.opened_on)}: "
                           "--as-of cannot be earlier")
    workflow = service.workflow_of(case_row)
    deadlines = service.deadlines_of(case_row)
    stage_name, paused_on = case_row.state, case_row.paused_on
    if as_of < today(service.clock):
        replayed = standing(service.session, as_of, [case_row.id or 0])
        stage_name = replayed.stage_of(case_row.id or 0, stage_name)
        paused_on = replayed.paused_on.get(case_row.id or 0)
    asked = [d for d in deadlines if d.anchor_on <= as_of]
    views = [deadline_view(service, d, as_of, _Paused(case_row, paused_on)) for d in asked]
    handle = service.handle(case_row, deadlines)
    steps = [StepView(s.name, s.title, s.needs, s.blocked(handle))
             for s in service.allowed_steps(case_row)]
    record = {k: v for k, v in case_row.data.items() if k not in ("events", NAME_HASHES)}
    noted = workflow.notes(case_row.data) if workflow.notes else {}
    key_dates = {event: local_date(dt.datetime.fromisoformat(stamp))
                 for event, stamp in case_row.data.get("events", {}).items()}
    open_views = [v for v in views if v.status == "open"]
    closed_on = case_row.closed_on if case_row.closed_on and case_row.closed_on <= as_of \
        else None
    summary = CaseSummary(
        reference=case_row.reference, kind=case_row.kind, pseudonym=case_row.pseudonym,
        stage=stage_name, stage_title=workflow.stage(stage_name).title,
        opened_on=case_row.opened_on,
        next_due=min((v.due_on for v in open_views), default=None),
        overdue=sum(1 for v in views if v.days_late), paused_on=paused_on,
        closed_on=closed_on)
    timescales = {key: rule.describe() for key, rule in handle.rules.items()}
    strengths = {key: strength_of(workflow, rule) for key, rule in handle.rules.items()}
    for view, row in zip(views, asked, strict=True):
        view.strength = strengths.get(row.kind, "")
        relaxed = covering(service.settings.overlays, workflow.key, row.kind, row.anchor_on,
                           row.due_on)
        view.overlay = relaxed.describe() if relaxed else ""
    stage = workflow.stage(stage_name)
    entered = _entered(service, case_row, stage_name, as_of) if stage.awaits else None
    return CaseDetail(summary=summary, workflow=workflow.key,
                      workflow_version=workflow.version, pause_reason=case_row.pause_reason,
                      key_dates=key_dates, record=record, deadlines=views, steps=steps,
                      as_of=as_of, timescales=timescales, strengths=strengths,
                      regime=workflow.title,
                      notes=list(noted.values()), noted=list(noted),
                      labels=dict(workflow.labels),
                      waiting_for=stage.awaits,
                      waiting_since=entered)


def _entered(service: CaseService, case_row: Case, stage: str, as_of: dt.date) -> dt.date:
    """The day the case reached `stage` (its stage on as_of), from its history."""
    from casework.voiding import VOIDED, voided_ids

    every = service.history(case_row.reference)
    gone = voided_ids(every)
    rows = [r for r in every if local_date(r.effective_at) <= as_of
            and r.id not in gone and r.step != VOIDED] or every[:1]
    last = next((r for r in reversed(rows) if r.to_state == stage and r.from_state != stage),
                rows[-1])
    return local_date(last.effective_at)


@dataclass
class _Paused:
    """A case as a deadline view needs it, with the pause it was in on the day asked about."""

    row: Case
    paused_on: dt.date | None

    @property
    def reference(self) -> str:
        return self.row.reference

    @property
    def pseudonym(self) -> str:
        return self.row.pseudonym


def deadlines_due(service: CaseService, as_of: dt.date, *, agency: str | None = None,
                  within_days: int = 0, overdue_only: bool = False,
                  kind: str | None = None) -> list[DeadlineView]:
    """Deadlines outstanding on `as_of`: late ones, and those due within `within_days`.

    A plain (Core) query on the tables, not the ORM: the listing can run to thousands of
    rows, a case's JSON columns are not needed here, and a Core statement neither waits for
    the ORM to configure its mappers nor goes through its slower compilation.
    """
    as_of = dt.date(as_of.year, as_of.month, as_of.day)  # stdlib date arithmetic is faster
    horizon = as_of + dt.timedelta(days=max(within_days, 0))
    d, c = DEADLINES.c, CASES.c
    # As of a past day, each due date and pause as it stood then (as `report overdue` has
    # it); due dates only move later, so what was due by then was first due by then.
    past = as_of < today(service.clock)
    due = d.original_due_on if past else d.due_on
    candidates = (outstanding(as_of), due < as_of if overdue_only else due <= horizon)
    query = (
        core_select(*(d[name] for name in _VIEW_COLUMNS), c.reference, c.pseudonym,
                    c.paused_on, c.workflow_key, c.workflow_version,
                    cast(c.timescales, String), d.case_id)
        .select_from(DEADLINES.join(CASES, d.case_id == c.id))
        .where(*candidates)
        .order_by(d.due_on, c.reference, d.key)
    )
    if agency:
        query = query.where(d.agency_code == service.agency(agency).code)
    if kind:
        query = query.where(c.kind == kind)
    from casework.quarantine import excluding

    query = excluding(query, service.session, c.id)
    rows = map(_ListedRow._make, service.session.connection().execute(query))  # Core rows
    if past:
        rows = due_as_it_stood(service, as_of, list(rows), core_select(d.case_id)
                            .select_from(DEADLINES.join(CASES, d.case_id == c.id))
                            .where(*candidates).distinct(),
                            horizon=as_of - dt.timedelta(days=1) if overdue_only else horizon)
    views = []
    for row in rows:
        view = deadline_view(service, row, as_of, row)  # type: ignore[arg-type]
        if view.days_late or not overdue_only:
            view.strength = _listed_strength(row.workflow_key, row.workflow_version, row.kind,
                                             row.timescales)
            views.append(view)
    return views


@functools.lru_cache(maxsize=512)
def _listed_strength(key: str, version: str, kind: str, timescales: str | None) -> str:
    """A listed deadline's strength, as case show gives it: the listing reads each case's
    timescales as text, and cases opened under the same rules share one answer."""
    workflow = registry.version(key, version)
    data = json.loads(timescales) if timescales else {}
    if workflow is None or kind not in data:
        return ""
    return strength_of(workflow, Rule.from_data(kind, data[kind]))


_VIEW_COLUMNS = ("key", "kind", "title", "agency_code", "rule", "due_on", "original_due_on",
                 "status", "extensions", "paused_days", "closed_on", "progress", "note",
                 "detail", "number")
# A listed deadline with its case's columns (reference, pseudonym, paused_on, its version and
# timescales): a tuple whose fields read like the Deadline and Case attributes deadline_view
# reads.
_ListedRow = namedtuple("_ListedRow", [*_VIEW_COLUMNS, "reference", "pseudonym", "paused_on",
                                       "workflow_key", "workflow_version", "timescales",
                                       "case_id"])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
