"""What every review with a completion deadline and an action plan counts alike (SCR, CSPR):
how promptly reviews were completed, their slippage, and the action plan with its six-month
audit. A process's figures subclass `ReviewTally` and add their own; `--json` lists those
first, then these, as the SCR always did.

Due dates are those in force at the end of the period (an extension granted since does not
rewrite the year), and "still open" means open on its last day. A review completed late while
the board had relaxed its timescale (an overlay) is counted apart from the other late ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workflows.figures import CaseRow, DeadlineRow, Row, Span, Tally
from workflows.formats import action_label


@dataclass
class ReviewTally(Tally):
    completed: int = 0
    completed_within_timescale: int = 0  # by the original due date
    completed_within_extension: int = 0  # later than that, by a date agreed since
    completed_late_under_relaxation: int = 0  # later still, while an overlay relaxed it
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
    slippages: list[tuple[int, str]] = field(default_factory=list, repr=False)
    courses: list[Span] = field(default_factory=list, repr=False)
    outcomes: Mapping[str, str] = field(default_factory=dict, repr=False)  # decision: labels

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        del data["slippages"]  # the working for the two slippage figures
        del data["courses"]  # the slippage chart's
        del data["outcomes"]  # the labels of the decision's outcomes, not a figure
        shared = {f.name for f in dataclasses.fields(ReviewTally)} - {
            f.name for f in dataclasses.fields(Tally)}
        references = data.pop("references")
        return {**{k: v for k, v in data.items() if k not in shared},
                **{k: v for k, v in data.items() if k in shared}, "references": references}

    def closed_by_end(self, deadline: DeadlineRow) -> bool:
        """Met, waived or carried forward by the period's last day."""
        return deadline.status != "open" and deadline.closed_on is not None \
            and deadline.closed_on <= self.period_to

    def review(self, case: CaseRow) -> None:
        """Count the case's completion, actions and audit (call `settle` after the last)."""
        ref = case.reference
        for deadline in case.deadlines:
            if deadline.kind == "completion":
                self._course(ref, deadline, case.paused_on)
            if deadline.kind == "completion" and deadline.status == "met" \
                    and self.within(deadline.closed_on):
                self.slippages.append((_completed(self, ref, deadline), ref))
            elif deadline.kind == "action" and self.within(deadline.due_at_end):
                _action(self, f"{ref} {action_label(deadline.number)}", deadline)
            elif deadline.kind == "audit":
                _six_months(self, ref, deadline, case.deadlines)

    def spans(self) -> Sequence[Span]:
        return self.courses

    def _course(self, ref: str, deadline: DeadlineRow, paused_on: dt.date | None) -> None:
        """A review under way at some time in the period (decided by its end, not completed
        before its start), for the slippage chart."""
        if deadline.status == "waived" or deadline.anchor_on > self.period_to:
            return
        closed = deadline.closed_on if self.closed_by_end(deadline) else None
        if closed is not None and closed < self.period_from:
            return
        moved = max((deadline.due_at_end - deadline.original_due_on).days, 0)
        self.courses.append(Span(ref, deadline.anchor_on, deadline.original_due_on,
                                 deadline.due_at_end, min(deadline.paused_days, moved),
                                 closed, paused_on if closed is None else None))

    def settle(self) -> None:
        """The slippage figures, over every review completed in the period."""
        if self.slippages:
            days = [s for s, _ in self.slippages]
            self.average_slippage_days = round(sum(days) / len(days), 1)
            longest = max(self.slippages)
            if longest[0]:
                self.longest_slippage_days, self.longest_slippage_case = longest

    def completion_rows(self, title: str, timescale: str, late: str = "completed"
                        ) -> list[Row]:
        """The completion lines: `title` heads them, `timescale` names the first part,
        `late` says what a review late under a relaxation was (completed, published)."""
        longest = (f"{self.longest_slippage_days} ({self.longest_slippage_case})"
                   if self.longest_slippage_case else "0")
        return [
            (0, title, "completed"),
            (1, timescale, "completed_within_timescale"),
            (1, "later, within an agreed extension", "completed_within_extension"),
            (1, f"{late} late under a relaxation", "completed_late_under_relaxation"),
            (1, "average slippage (days)", "average_slippage_days"),
            (1, "longest slippage (days)", "longest_slippage_days", longest),
        ]

    def plan_rows(self, start: str = "endorsement") -> Sequence[Row]:
        """The action plan's lines; `start` is what its six months run from."""
        return [
            (0, "Action-plan actions due in the period", "actions_due"),
            (1, "completed on time", "actions_completed_on_time"),
            (1, "completed late", "actions_completed_late"),
            (1, "carried forward", "actions_carried_forward"),
            (1, "still open at the end of the period", "actions_open"),
            (0, f"Action plans six months from {start}", "plans_at_six_months"),
            (1, "reviewed (audited) within 6 months", "plans_reviewed_within_six_months"),
            (1, "their actions", "plan_actions"),
            (1, "actions implemented within 6 months",
             "plan_actions_implemented_within_six_months"),
            (0, "Six-month audits due", "audits_due"),
            (1, "done", "audits_done"),
            (1, "done by the due date", "audits_done_on_time"),
        ]


def _completed(figures: ReviewTally, ref: str, deadline: DeadlineRow) -> int:
    """Count one review completed in the period; its slippage in days."""
    assert deadline.closed_on is not None
    figures.completed += 1
    figures.count("completed", ref)
    slip = max((deadline.closed_on - deadline.original_due_on).days, 0)
    if slip == 0:
        figures.completed_within_timescale += 1
        figures.count("completed_within_timescale", ref)
    elif deadline.closed_on <= deadline.due_on:
        figures.completed_within_extension += 1
        figures.count("completed_within_extension", ref)
    elif deadline.relaxed:
        figures.completed_late_under_relaxation += 1
        figures.count("completed_late_under_relaxation", ref)
    return slip


def _action(figures: ReviewTally, label: str, deadline: DeadlineRow) -> None:
    figures.actions_due += 1
    if not figures.closed_by_end(deadline):
        figures.actions_open += 1
        figures.count("actions_open", label)
    elif deadline.status == "carried_forward":
        figures.actions_carried_forward += 1
        figures.count("actions_carried_forward", label)
    elif deadline.closed_on <= deadline.due_at_end:  # type: ignore[operator]
        figures.actions_completed_on_time += 1
    else:
        figures.actions_completed_late += 1
        figures.count("actions_completed_late", label)


def _six_months(figures: ReviewTally, reference: str, audit: DeadlineRow,
                plan: Sequence[DeadlineRow]) -> None:
    """The six-month audit of one action plan, and seed 002's indicator: the plans whose six
    months from endorsement ended in the period, whether each was reviewed (its audit recorded)
    by then, and how many of its actions were implemented by then."""
    count, due = figures.count, audit.due_at_end
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
