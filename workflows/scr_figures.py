"""The serious case review's figures: reviews referred, decided, completed and how promptly;
their action plans and six-month audits. Shared by every SCR version (they all have the
decision, completion, action and audit deadlines). What any review counts alike is in
`review_figures`; this adds the referrals and decisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from workflows.figures import CaseRow, Figures, Row
from workflows.review_figures import ReviewTally


@dataclass
class ScrFigures(ReviewTally):
    referred: int = 0
    decided: dict[str, int] = field(default_factory=dict)  # by outcome

    def rows(self) -> Sequence[Row]:
        return [
            (0, "Referred", "referred"),
            (0, "Decided", "decided", sum(self.decided.values())),
            *((1, self.outcomes[name], f"decided.{name}", n)
              for name, n in self.decided.items()),
            *self.completion_rows("Reviews completed (overview report endorsed)",
                                  "within timescale"),
            *self.plan_rows(),
        ]


def figures(outcomes: Mapping[str, str]) -> Figures:
    """The SCR's figures over its decision's outcomes (name -> label, the definition's)."""
    return Figures("scr", "Serious case reviews", partial(count, outcomes=dict(outcomes)))


def count(period_from: dt.date, period_to: dt.date, cases: Sequence[CaseRow], *,
          outcomes: Mapping[str, str]) -> ScrFigures:
    figures = ScrFigures(period_from, period_to, decided=dict.fromkeys(outcomes, 0),
                         outcomes=outcomes)
    within, tally = figures.within, figures.count
    for case in cases:
        ref = case.reference
        if within(case.opened_on):
            figures.referred += 1
            tally("referred", ref)
        outcome = case.data.get("outcome")
        if within(case.on("decision")) and outcome in figures.decided:
            figures.decided[outcome] += 1
            tally(f"decided_{outcome}", ref)
        figures.review(case)
    figures.settle()
    return figures
