"""The safeguarding partners' figures (REGIMES.md §4.3): serious incidents notified to the
Panel by quarter, in the DfE's dimensions (death or serious harm, looked after, known to any
agency); rapid reviews sent on time; the partners' decisions; local reviews commissioned and
published, with their slippage; and the action plans, counted as the SCR's are
(`review_figures`). Each counts by the date it happened; quarters are the financial year's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from workflows.figures import CaseRow, DeadlineRow, Figures, Row
from workflows.review_figures import ReviewTally

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
IN_QUARTER = ("notified", "death", "serious_harm", "looked_after")


@dataclass
class CsprFigures(ReviewTally):
    notified: int = 0  # serious incidents notified to the Panel in the period
    death: int = 0
    serious_harm: int = 0
    looked_after: int = 0
    known_to_agency: int = 0
    notified_on_time: int = 0  # by the original due date (5 working days after awareness)
    withdrawn: int = 0  # found not to meet the criteria, withdrawn in the period
    by_quarter: dict[str, dict[str, int]] = field(default_factory=dict)  # "2019-04" -> counts
    care_leavers_notified: int = 0  # WT2023: deaths notified to the SoS and Ofsted
    rapid_reviews_sent: int = 0
    rapid_reviews_on_time: int = 0  # by the original due date (15 working days)
    rapid_reviews_late: int = 0
    decided: dict[str, int] = field(default_factory=dict)  # by outcome
    decided_again: int = 0  # of those, retaken after the Panel disagreed
    commissioned: int = 0  # local reviews commissioned (rapid reviews converted)
    unpublished_past_due: int = 0  # local reviews open past their date at the period's end

    def rows(self) -> Sequence[Row]:
        return [
            (0, "Serious incidents notified to the Panel", "notified"),
            (1, "a death", "death"),
            (1, "serious harm", "serious_harm"),
            (1, "a child looked after", "looked_after"),
            (1, "a child known to any agency", "known_to_agency"),
            (1, "notified within the timescale (5 working days)", "notified_on_time"),
            (1, "by quarter: all (death / serious harm / looked after)", "", None),
            *((2, quarter_name(q), f"by_quarter.{q}",
               f"{n['notified']} ({n['death']} / {n['serious_harm']} / {n['looked_after']})")
              for q, n in self.by_quarter.items()),
            (0, "Notifications withdrawn (not a serious incident)", "withdrawn"),
            (0, "Care leavers' deaths notified to the SoS and Ofsted", "care_leavers_notified"),
            (0, "Rapid reviews sent to the Panel", "rapid_reviews_sent"),
            (1, "within the timescale (by default 15 working days)", "rapid_reviews_on_time"),
            (1, "later", "rapid_reviews_late"),
            (0, "Partners' decisions", "decided", sum(self.decided.values())),
            *((1, self.outcomes[name], f"decided.{name}", n)
              for name, n in self.decided.items()),
            (1, "taken again after the Panel disagreed", "decided_again"),
            (0, "Local reviews commissioned", "commissioned"),
            *self.completion_rows("Local reviews published",
                                  "within the timescale (6 months of the decision)",
                                  "published"),
            (1, "not yet published, past their date, at the end", "unpublished_past_due"),
            *self.plan_rows("publication"),
        ]


def quarters(period_from: dt.date, period_to: dt.date) -> list[str]:
    """The quarters the period touches, by their first month: "2019-04" is April to June."""
    found, year, month = [], period_from.year, (period_from.month - 1) // 3 * 3 + 1
    while dt.date(year, month, 1) <= period_to:
        found.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    return found


def quarter_name(key: str) -> str:
    year, month = int(key[:4]), int(key[5:])
    return f"{MONTHS[month - 1]}-{MONTHS[month + 1]} {year}"


def figures(outcomes: Mapping[str, str]) -> Figures:
    """The partners' figures over their decision's outcomes (name -> label)."""
    return Figures("cspr", "Child safeguarding practice reviews",
                   partial(count, outcomes=dict(outcomes)))


def count(period_from: dt.date, period_to: dt.date, cases: Sequence[CaseRow], *,
          outcomes: Mapping[str, str]) -> CsprFigures:
    figures = CsprFigures(period_from, period_to, decided=dict.fromkeys(outcomes, 0),
                          outcomes=outcomes,
                          by_quarter={q: dict.fromkeys(IN_QUARTER, 0)
                                      for q in quarters(period_from, period_to)})
    for case in cases:
        _notified(figures, case)
        if figures.within(case.on("withdrawn")):
            figures.withdrawn += 1
            figures.count("withdrawn", case.reference)
        outcome = case.data.get("decision")
        if figures.within(case.on("decision")) and outcome in figures.decided:
            figures.decided[outcome] += 1
            figures.count(f"decided_{outcome}", case.reference)
            if case.data.get("earlier_decisions"):
                figures.decided_again += 1
                figures.count("decided_again", case.reference)
        if figures.within(case.on("commissioned")):
            figures.commissioned += 1
            figures.count("commissioned", case.reference)
        for deadline in case.deadlines:
            _timed(figures, case.reference, deadline)
        figures.review(case)
    figures.settle()
    return figures


def _notified(figures: CsprFigures, case: CaseRow) -> None:
    """A notification sent in the period: a care leaver's death, or a serious incident."""
    sent, data, ref = case.on("notification_sent"), case.data, case.reference
    if not figures.within(sent):
        return
    assert sent is not None
    if data.get("care_leaver_age") is not None:
        figures.care_leavers_notified += 1
        figures.count("care_leavers_notified", ref)
        return
    quarter = figures.by_quarter[f"{sent.year}-{(sent.month - 1) // 3 * 3 + 1:02d}"]
    counted = ["notified", data["nature"]]
    counted += [name for name in ("looked_after", "known_to_agency") if data.get(name)]
    for name in counted:
        setattr(figures, name, getattr(figures, name) + 1)
        figures.count(name, ref)
        if name in quarter:
            quarter[name] += 1


def _timed(figures: CsprFigures, ref: str, deadline: DeadlineRow) -> None:
    """The notification and the rapid review, by their original due dates; a local review
    still open past its date at the end of the period."""
    met = deadline.status == "met" and deadline.closed_on is not None
    if deadline.kind == "notification" and met and figures.within(deadline.closed_on):
        if deadline.closed_on <= deadline.original_due_on:  # type: ignore[operator]
            figures.notified_on_time += 1
        else:
            figures.count("notified_late", ref)
    elif deadline.kind == "rapid_review" and met and figures.within(deadline.closed_on):
        figures.rapid_reviews_sent += 1
        figures.count("rapid_reviews_sent", ref)
        if deadline.closed_on <= deadline.original_due_on:  # type: ignore[operator]
            figures.rapid_reviews_on_time += 1
        else:
            figures.rapid_reviews_late += 1
            figures.count("rapid_reviews_late", ref)
    elif deadline.kind == "completion" and deadline.due_at_end < figures.period_to \
            and deadline.anchor_on <= figures.period_to and not figures.closed_by_end(deadline):
        figures.unpublished_past_due += 1
        figures.count("unpublished_past_due", ref)
