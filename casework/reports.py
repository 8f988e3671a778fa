"""The figures a board's annual report quotes, for any period (default: its year to 31 March).

Each figure counts events by the date they happened (the `--on` date a coordinator gave), so a
period's figures do not change when a late record is made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import pendulum
from sqlmodel import select

from casework.clock import today
from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import Case, Deadline
from casework.replay import standing
from casework.service import CaseService
from workflows.cdr import CATEGORIES, MODIFIABLE_FROM
from workflows.scr import OUTCOMES


def board_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The board's year (1 April to 31 March) that `day` falls in."""
    start_year = day.year if day >= dt.date(day.year, 4, 1) else day.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


@dataclass
class _Figures:
    """A period's figures, and the references behind each, named as the figure is."""

    period_from: dt.date
    period_to: dt.date
    references: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.period_to < self.period_from:
            raise InvalidInput("--to is before --from")

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.period_from <= day <= self.period_to

    def count(self, name: str, reference: str) -> None:
        self.references.setdefault(name, []).append(reference)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["period_from"] = self.period_from.isoformat()
        data["period_to"] = self.period_to.isoformat()
        data["references"] = data.pop("references")  # after the figures they explain
        return data


@dataclass
class DeathFigures(_Figures):
    notified: int = 0
    expected: int = 0
    unexpected: int = 0
    not_yet_triaged: int = 0
    notified_late: int = 0
    transferred: int = 0
    reviewed: int = 0
    reviewed_within_12_months: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    preventable: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0})
    modifiable: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0})
    referred_for_scr: int = 0


def _on(case: Case, event: str) -> dt.date | None:
    stamp = case.data.get("events", {}).get(event)
    return local_date(dt.datetime.fromisoformat(stamp)) if stamp else None


def death_figures(service: CaseService, period_from: dt.date,
                  period_to: dt.date) -> DeathFigures:
    """Deaths notified, reviewed, by category, with modifiable factors, and how promptly."""
    figures = DeathFigures(period_from, period_to)
    within = figures.within

    def count(name: str, case: Case) -> None:
        figures.count(name, case.reference)

    for case in service.session.exec(select(Case).where(Case.kind == "cdr")
                                     .order_by(Case.reference)):
        data = case.data
        if within(case.opened_on):
            figures.notified += 1
            count("notified", case)
            # As triage classified it; until then (or while a transfer is pending) it is
            # neither expected nor unexpected.
            if case.state == "transferred":
                figures.transferred += 1
                count("transferred", case)
            elif data.get("classified") == "expected":
                figures.expected += 1
            elif data.get("classified") == "unexpected":
                figures.unexpected += 1
            else:
                figures.not_yet_triaged += 1
                count("not_yet_triaged", case)
            if data.get("notified_late"):
                figures.notified_late += 1
                count("notified_late", case)
        reviewed_on = _on(case, "review")
        if within(reviewed_on):
            figures.reviewed += 1
            count("reviewed", case)
            figures.by_category[data["category"]] += 1
            died = _on(case, "death")
            if died and reviewed_on <= pendulum.Date(died.year, died.month, died.day).add(
                    months=12):
                figures.reviewed_within_12_months += 1
                count("reviewed_within_12_months", case)
            if reviewed_on < MODIFIABLE_FROM:
                figures.preventable[data["preventable"]] += 1
            else:
                figures.modifiable[data["modifiable"]] += 1
        if within(_on(case, "scr_referral")):
            figures.referred_for_scr += 1
            count("referred_for_scr", case)
    return figures


@dataclass
class ScrFigures(_Figures):
    referred: int = 0
    decided: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    completed: int = 0  # overview report endorsed: SCRs and non-statutory reviews
    completed_within_timescale: int = 0  # by the original due date (4 months, by default)
    completed_within_extension: int = 0  # later than that, by a date agreed since
    average_slippage_days: float = 0.0  # over the reviews completed (on time counts as 0)
    longest_slippage_days: int = 0
    longest_slippage_case: str | None = None
    actions_due: int = 0
    actions_completed_on_time: int = 0
    actions_completed_late: int = 0
    actions_carried_forward: int = 0
    actions_open: int = 0  # still open at the end of the period
    plans_at_six_months: int = 0  # action plans whose six-month point falls in the period
    plans_reviewed_within_six_months: int = 0
    plan_actions: int = 0  # the actions in those plans
    plan_actions_implemented_within_six_months: int = 0
    audits_due: int = 0
    audits_done: int = 0
    audits_done_on_time: int = 0

    def closed_by_end(self, deadline: Deadline) -> bool:
        """Met, waived or carried forward by the period's last day."""
        return deadline.status != "open" and deadline.closed_on is not None \
            and deadline.closed_on <= self.period_to


def scr_figures(service: CaseService, period_from: dt.date, period_to: dt.date) -> ScrFigures:
    """Serious case reviews referred, decided, completed and how promptly; their action plans
    and six-month audits. Due dates are those in force at the end of the period (an extension
    granted since does not rewrite the year), and "still open" means open on its last day."""
    figures = ScrFigures(period_from, period_to)
    within, count = figures.within, figures.count

    session = service.session
    cases = {case.id: case for case in session.exec(
        select(Case).where(Case.kind == "scr").order_by(Case.reference))}
    deadlines: dict[int, list[Deadline]] = {}
    for row in session.exec(select(Deadline).join(Case).where(Case.kind == "scr")
                            .order_by(Deadline.case_id, Deadline.id)):
        deadlines.setdefault(row.case_id, []).append(row)
    past = period_to < today(service.clock)
    scr_ids = select(Case.id).where(Case.kind == "scr")  # a subquery: no limit on how many
    replayed = standing(session, period_to, scr_ids) if past and cases else None

    def due_then(deadline: Deadline) -> dt.date:
        if replayed is None:
            return deadline.due_on
        return replayed.due_on(deadline.case_id, deadline.key, deadline.original_due_on)

    slippages: list[tuple[int, str]] = []
    for case_id, case in cases.items():
        ref = case.reference
        if within(case.opened_on):
            figures.referred += 1
            count("referred", ref)
        decided_on = _on(case, "decision")
        outcome = case.data.get("outcome")
        if within(decided_on) and outcome in figures.decided:
            figures.decided[outcome] += 1
            count(f"decided_{outcome}", ref)
        own = deadlines.get(case_id, [])
        for deadline in own:
            if deadline.kind == "completion" and deadline.status == "met" \
                    and within(deadline.closed_on):
                figures.completed += 1
                count("completed", ref)
                slip = max((deadline.closed_on - deadline.original_due_on).days, 0)
                slippages.append((slip, ref))
                if slip == 0:
                    figures.completed_within_timescale += 1
                    count("completed_within_timescale", ref)
                elif deadline.closed_on <= deadline.due_on:
                    figures.completed_within_extension += 1
                    count("completed_within_extension", ref)
            elif deadline.kind == "action" and within(due_then(deadline)):
                figures.actions_due += 1
                label = f"{ref} A{deadline.number}"
                if not figures.closed_by_end(deadline):
                    figures.actions_open += 1
                    count("actions_open", label)
                elif deadline.status == "carried_forward":
                    figures.actions_carried_forward += 1
                    count("actions_carried_forward", label)
                elif deadline.closed_on <= due_then(deadline):  # type: ignore[operator]
                    figures.actions_completed_on_time += 1
                else:
                    figures.actions_completed_late += 1
                    count("actions_completed_late", label)
            elif deadline.kind == "audit":
                _six_months(figures, ref, deadline, own, due_then(deadline))
    if slippages:
        figures.average_slippage_days = round(sum(s for s, _ in slippages) / len(slippages), 1)
        longest = max(slippages, key=lambda pair: (pair[0], pair[1]))
        if longest[0]:
            figures.longest_slippage_days, figures.longest_slippage_case = longest
    return figures


def _six_months(figures: ScrFigures, reference: str, audit: Deadline, plan: list[Deadline],
                due: dt.date) -> None:
    """The six-month audit of one action plan, and seed 002's indicator: the plans whose six
    months from endorsement ended in the period, whether each was reviewed (its audit recorded)
    by then, and how many of its actions were implemented by then. `due`: the audit's due
    date at the end of the period."""
    count = figures.count
    if figures.within(due):
        figures.audits_due += 1
        count("audits_due", reference)
        if figures.closed_by_end(audit):
            figures.audits_done += 1
            if audit.closed_on <= due:  # type: ignore[operator]
                figures.audits_done_on_time += 1
            else:
                count("audits_done_late", reference)
        else:
            count("audits_not_done", reference)
    six_months = audit.original_due_on  # endorsement + 6 months
    if figures.within(six_months):
        figures.plans_at_six_months += 1
        count("plans_at_six_months", reference)
        if audit.status == "met" and audit.closed_on and audit.closed_on <= six_months:
            figures.plans_reviewed_within_six_months += 1
            count("plans_reviewed_within_six_months", reference)
        actions = [d for d in plan if d.kind == "action" and d.anchor_on <= six_months]
        figures.plan_actions += len(actions)
        figures.plan_actions_implemented_within_six_months += sum(
            1 for d in actions
            if d.status == "met" and d.closed_on is not None and d.closed_on <= six_months)
