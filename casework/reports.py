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

from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import Case
from casework.service import CaseService
from workflows.cdr import CATEGORIES, MODIFIABLE_FROM


def board_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The board's year (1 April to 31 March) that `day` falls in."""
    start_year = day.year if day >= dt.date(day.year, 4, 1) else day.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


@dataclass
class DeathFigures:
    period_from: dt.date
    period_to: dt.date
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
    references: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["period_from"] = self.period_from.isoformat()
        data["period_to"] = self.period_to.isoformat()
        return data


def _on(case: Case, event: str) -> dt.date | None:
    stamp = case.data.get("events", {}).get(event)
    return local_date(dt.datetime.fromisoformat(stamp)) if stamp else None


def death_figures(service: CaseService, period_from: dt.date,
                  period_to: dt.date) -> DeathFigures:
    """Deaths notified, reviewed, by category, with modifiable factors, and how promptly."""
    if period_to < period_from:
        raise InvalidInput("--to is before --from")
    figures = DeathFigures(period_from, period_to)
    seen: dict[str, list[str]] = {}

    def within(day: dt.date | None) -> bool:
        return day is not None and period_from <= day <= period_to

    def count(name: str, case: Case) -> None:
        seen.setdefault(name, []).append(case.reference)

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
    figures.references = seen
    return figures
