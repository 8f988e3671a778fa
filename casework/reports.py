"""The figures a board's annual report quotes, for any period (default: its year to 31 March).

What each process counts is its definition's (`Workflow.figures`); this module only loads
each process's cases into plain rows and hands them over, so a new regime adds its figures
without touching this file. Each figure counts events by the date they happened (the `--on`
date a coordinator gave), so a period's figures do not change when a late record is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from casework.clock import today
from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import Case, Deadline
from casework.overlays import covering
from casework.replay import standing
from workflows import registry
from workflows.figures import CaseRow, Counted, DeadlineRow, FigureLine, Figures

if TYPE_CHECKING:
    from casework.service import CaseService


def board_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The board's year (1 April to 31 March) that `day` falls in."""
    start_year = day.year if day >= dt.date(day.year, 4, 1) else day.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def previous_period(period_from: dt.date, period_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before: whole months give as many months before
    (2009/10 -> 2008/09, a leap year or not), any other period as many days."""
    import pendulum

    whole = period_from.day == 1 and (period_to + dt.timedelta(days=1)).day == 1
    if whole:
        months = (period_to.year - period_from.year) * 12 + period_to.month - period_from.month + 1
        start = pendulum.Date(period_from.year, period_from.month, 1).subtract(months=months)
        return dt.date(start.year, start.month, start.day), period_from - dt.timedelta(days=1)
    days = (period_to - period_from).days + 1
    return period_from - dt.timedelta(days=days), period_from - dt.timedelta(days=1)


@dataclass(frozen=True)
class Section:
    """One process's figures for the period, as its definition counted them."""

    declared: Figures
    figures: Any  # the definition's own figures (a workflows.figures.Tally)

    @property
    def name(self) -> str:
        return self.declared.name

    def as_dict(self) -> dict[str, Any]:
        return self.figures.as_dict()

    def lines(self) -> list[FigureLine]:
        return self.declared.lines(self.figures)


@dataclass(frozen=True)
class Period:
    """A period's figures as every format prints them: each process's section, and their
    lines in the registry's order."""

    period_from: dt.date
    period_to: dt.date
    sections: dict[str, Section]

    @classmethod
    def counted(cls, service: CaseService, period_from: dt.date,
                period_to: dt.date) -> Period:
        return cls(period_from, period_to, board_figures(service, period_from, period_to))

    @property
    def lines(self) -> list[FigureLine]:
        return [line for section in self.sections.values() for line in section.lines()]


def board_figures(service: CaseService, period_from: dt.date,
                  period_to: dt.date) -> dict[str, Section]:
    """Every process's figures for the period, by the name its definition gives them, in the
    order the registry lists the processes."""
    if period_to < period_from:
        raise InvalidInput("--to is before --from")
    found: dict[str, Section] = {}
    for declared, key, numbers in declarations():
        cases = load(service, key, numbers, period_to)
        counted: Counted = declared.count(period_from, period_to, cases)
        found[declared.name] = Section(declared, counted)
    return found


def declarations() -> list[tuple[Figures, str, tuple[str, ...]]]:
    """Each figures a definition declares, with its process and the versions declaring it
    (all of them, where the versions count the same things)."""
    found: dict[int, tuple[Figures, str, tuple[str, ...]]] = {}
    for key in registry.processes():
        for workflow in registry.versions(key):
            if workflow.figures is None:
                continue
            declared, _, numbers = found.get(id(workflow.figures), (workflow.figures, key, ()))
            found[id(declared)] = (declared, key, (*numbers, workflow.version))
    return list(found.values())


def load(service: CaseService, key: str, numbers: tuple[str, ...],
         period_to: dt.date) -> list[CaseRow]:
    """The cases of these versions of a process, by reference, each with its deadlines; due
    dates as they stood at the end of the period (replayed when it is past)."""
    session = service.session
    chosen = (Case.workflow_key == key, col(Case.workflow_version).in_(numbers))
    cases = session.exec(select(Case).where(*chosen).order_by(Case.reference)).all()
    deadlines: dict[int, list[Deadline]] = {}
    withdrawn = Deadline.status != "withdrawn"  # entered by mistake: never counted
    for row in session.exec(select(Deadline).join(Case).where(*chosen, withdrawn)
                            .order_by(Deadline.case_id, Deadline.id)):
        deadlines.setdefault(row.case_id, []).append(row)
    past = period_to < today(service.clock)
    replayed = standing(session, period_to, select(Case.id).where(*chosen)) \
        if past and cases else None
    overlays = service.settings.overlays

    def plain(row: Deadline) -> DeadlineRow:
        due_at_end, paused = row.due_on, row.paused_days
        if replayed is not None:  # a later extension or pause not yet made
            due_at_end = replayed.due_on(row.case_id, row.key, row.original_due_on)
            paused = replayed.paused_days(row.case_id, row.key)
        relaxed = covering(overlays, key, row.kind, row.anchor_on, row.due_on)
        return DeadlineRow(row.kind, row.key, row.number, row.status, row.anchor_on,
                           row.original_due_on, row.due_on, due_at_end, row.closed_on,
                           relaxed.name if relaxed else "", paused)

    def paused_on(case: Case) -> dt.date | None:
        return replayed.paused_on.get(case.id) if replayed is not None else case.paused_on

    return [CaseRow(case.reference, case.workflow_version, case.state, case.opened_on,
                    case.data, _events(case), tuple(map(plain, deadlines.get(case.id, []))),
                    case.pseudonym, paused_on(case))
            for case in cases]


def _events(case: Case) -> dict[str, dt.date]:
    """The case's recorded events, each on its local date."""
    return {event: local_date(dt.datetime.fromisoformat(stamp))
            for event, stamp in case.data.get("events", {}).items() if stamp}
