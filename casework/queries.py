"""What the coordinator looks at: the caseload, one case, and what is due or late.

Plain dataclasses out, so the command line can print them as tables or JSON without knowing
about the database. A deadline is late from the day after its due date; while a case is paused,
only the deadlines that were already late when the pause began count as late.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select

from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import Case, Deadline
from casework.service import CaseService


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

    @property
    def label(self) -> str:
        """How people name it: `A3` for the third action, else its key (`imr:POLICE`)."""
        return f"A{self.number}" if self.number is not None else self.key

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
    waiting_for: str = ""  # an outside event the stage waits on, with no deadline
    waiting_since: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        data = _plain(asdict(self))
        data.update(data.pop("summary"))
        data["deadlines"] = [d.as_dict() for d in self.deadlines]
        return data


def _late(deadline: Deadline, as_of: dt.date, paused_on: dt.date | None) -> bool:
    if deadline.status != "open" and (deadline.closed_on is None or deadline.closed_on <= as_of):
        return False
    return deadline.due_on < as_of and (paused_on is None or deadline.due_on < paused_on)


def deadline_view(service: CaseService, deadline: Deadline, as_of: dt.date,
                  case: Case | None = None) -> DeadlineView:
    paused_on = case.paused_on if case is not None else None
    late = _late(deadline, as_of, paused_on)
    return DeadlineView(
        key=deadline.key, title=deadline.title, agency=deadline.agency_code, rule=deadline.rule,
        due_on=deadline.due_on, original_due_on=deadline.original_due_on,
        status=deadline.status,
        days_late=(as_of - deadline.due_on).days if late else 0,
        working_days_late=(service.calendar.working_days_between(deadline.due_on, as_of)
                           if late else 0),
        extensions=deadline.extensions, paused_days=deadline.paused_days,
        closed_on=deadline.closed_on, progress=deadline.progress, note=deadline.note,
        detail=deadline.detail,
        case=case.reference if case is not None else "",
        pseudonym=case.pseudonym if case is not None else "",
        case_paused=bool(paused_on), number=deadline.number,
        closed_late=deadline.closed_at is not None and deadline.closed_at > deadline.due_at,
    )


def _outstanding(as_of: dt.date) -> Any:
    """Asked for by `as_of` and not yet answered on it (even if answered since)."""
    return and_(or_(Deadline.status == "open", col(Deadline.closed_on) > as_of),
                col(Deadline.anchor_on) <= as_of)


def _overdue_count(as_of: dt.date) -> Any:
    late = and_(_outstanding(as_of), col(Deadline.due_on) < as_of,
                or_(col(Case.paused_on).is_(None), col(Deadline.due_on) < col(Case.paused_on)))
    return func.coalesce(func.sum(case((late, 1), else_=0)), 0)


def caseload(service: CaseService, as_of: dt.date, *, kind: str | None = None,
             stage: str | None = None, overdue_only: bool = False,
             include_closed: bool = True, limit: int | None = None) -> list[CaseSummary]:
    next_due = func.min(case((Deadline.status == "open", Deadline.due_on), else_=None))
    overdue = _overdue_count(as_of)
    query = (
        select(Case.reference, Case.kind, Case.pseudonym, Case.state, Case.workflow_key,
               Case.workflow_version, Case.opened_on, Case.paused_on, Case.closed_on,
               next_due.label("next_due"), overdue.label("overdue"))
        .select_from(Case)
        .outerjoin(Deadline, col(Deadline.case_id) == Case.id)
        .where(col(Case.opened_on) <= as_of)
        .group_by(Case.id)
        .order_by(Case.opened_on, Case.reference)
    )
    if kind:
        query = query.where(Case.kind == kind)
    if stage:
        query = query.where(Case.state == _known_stage(stage, kind))
    if not include_closed:
        query = query.where(col(Case.closed_on).is_(None))
    if overdue_only:
        query = query.having(overdue > 0)
    if limit:
        query = query.limit(limit)
    from workflows import registry

    rows = []
    for row in service.session.exec(query):
        workflow = registry.version(row.workflow_key, row.workflow_version)
        title = workflow.stage(row.state).title if workflow else row.state
        rows.append(CaseSummary(
            reference=row.reference, kind=row.kind, pseudonym=row.pseudonym, stage=row.state,
            stage_title=title, opened_on=row.opened_on, next_due=row.next_due,
            overdue=int(row.overdue or 0), paused_on=row.paused_on, closed_on=row.closed_on))
    return rows


def _known_stage(stage: str, kind: str | None) -> str:
    from workflows import registry

    flows = [w for w in registry.WORKFLOWS.values() if kind in (None, w.kind)]
    names = list(dict.fromkeys(s.name for w in flows for s in w.stages))
    wanted = stage.strip().lower()
    if wanted not in names:
        raise InvalidInput(f"no stage {stage!r} (stages: {', '.join(names)})")
    return wanted


def case_detail(service: CaseService, reference: str, as_of: dt.date) -> CaseDetail:
    case_row = service.case(reference)
    workflow = service.workflow_of(case_row)
    deadlines = service.deadlines_of(case_row)
    views = [deadline_view(service, d, as_of, case_row) for d in deadlines]
    handle = service.handle(case_row, deadlines)
    steps = [StepView(s.name, s.title, s.needs, s.blocked(handle))
             for s in service.allowed_steps(case_row)]
    record = {k: v for k, v in case_row.data.items() if k != "events"}
    key_dates = {event: local_date(dt.datetime.fromisoformat(stamp))
                 for event, stamp in case_row.data.get("events", {}).items()}
    open_views = [v for v in views if v.status == "open"]
    summary = CaseSummary(
        reference=case_row.reference, kind=case_row.kind, pseudonym=case_row.pseudonym,
        stage=case_row.state, stage_title=workflow.stage(case_row.state).title,
        opened_on=case_row.opened_on,
        next_due=min((v.due_on for v in open_views), default=None),
        overdue=sum(1 for v in views if v.days_late), paused_on=case_row.paused_on,
        closed_on=case_row.closed_on)
    timescales = {key: rule.describe() for key, rule in handle.rules.items()}
    stage = workflow.stage(case_row.state)
    entered = _entered(service, case_row) if stage.awaits else None
    return CaseDetail(summary=summary, workflow=workflow.key,
                      workflow_version=workflow.version, pause_reason=case_row.pause_reason,
                      key_dates=key_dates, record=record, deadlines=views, steps=steps,
                      as_of=as_of, timescales=timescales, waiting_for=stage.awaits,
                      waiting_since=entered)


def _entered(service: CaseService, case_row: Case) -> dt.date:
    """The day the case reached its current stage, from its history."""
    rows = service.history(case_row.reference)
    last = next((r for r in reversed(rows) if r.to_state == case_row.state
                 and r.from_state != case_row.state), rows[-1])
    return local_date(last.effective_at)


def deadlines_due(service: CaseService, as_of: dt.date, *, agency: str | None = None,
                  within_days: int = 0, overdue_only: bool = False,
                  kind: str | None = None) -> list[DeadlineView]:
    """Deadlines outstanding on `as_of`: late ones, and those due within `within_days`.

    Reads plain columns, not ORM objects: the listing can run to thousands of rows and a
    case's JSON columns are not needed here.
    """
    as_of = dt.date(as_of.year, as_of.month, as_of.day)  # stdlib date arithmetic is faster
    horizon = as_of + dt.timedelta(days=max(within_days, 0))
    due = col(Deadline.due_on)
    query = (
        select(*(getattr(Deadline, name) for name in _VIEW_COLUMNS),
               col(Case.reference), col(Case.pseudonym), col(Case.paused_on))
        .join(Case, col(Deadline.case_id) == Case.id)
        .where(_outstanding(as_of), due < as_of if overdue_only else due <= horizon)
        .order_by(due, Case.reference, Deadline.key)
    )
    if agency:
        query = query.where(Deadline.agency_code == service.agency(agency).code)
    if kind:
        query = query.where(Case.kind == kind)
    rows = map(_ListedRow._make, service.session.connection().execute(query))  # Core rows
    views = [deadline_view(service, row, as_of, row) for row in rows]  # type: ignore[arg-type]
    if overdue_only:
        views = [v for v in views if v.days_late]
    return views


_VIEW_COLUMNS = ("key", "title", "agency_code", "rule", "due_on", "original_due_on", "status",
                 "extensions", "paused_days", "closed_on", "progress", "note", "detail",
                 "number", "due_at", "closed_at")
# A listed deadline with its case's three columns (reference, pseudonym, paused_on): a tuple
# whose fields read like the Deadline and Case attributes deadline_view reads.
_ListedRow = namedtuple("_ListedRow", [*_VIEW_COLUMNS, "reference", "pseudonym", "paused_on"])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
