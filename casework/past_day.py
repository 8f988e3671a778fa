"""Listings as of a past day: each case's stage, pause and due dates as they stood at the
end of that day (replayed from the history, `casework.replay`), laid over the rows the present
tables give, so `case list`, `deadlines` and `report overdue` count lateness alike."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from casework.lateness import outstanding, past_due
from casework.models import Deadline
from casework.replay import standing

if TYPE_CHECKING:
    from casework.queries import CaseSummary
    from casework.service import CaseService


def caseload_as_it_stood(service: CaseService, rows: list[tuple[int, CaseSummary]],
                         as_of: dt.date, wanted: str | None, overdue_only: bool,
                         limit: int | None) -> list[tuple[int, CaseSummary]]:
    """The caseload on a past day: each case's stage, pause and due dates from its history,
    and its lateness counted against them (as `deadlines` and `report overdue` count it)."""
    replayed = standing(service.session, as_of, [case_id for case_id, _ in rows])
    asked = select(Deadline.case_id, Deadline.key, Deadline.original_due_on).where(
        outstanding(as_of))
    due_dates: dict[int, list[dt.date]] = {}
    for case_id, key, original in service.session.exec(asked):
        due_dates.setdefault(case_id, []).append(replayed.due_on(case_id, key, original))
    kept = []
    for case_id, summary in rows:
        summary.stage = replayed.stage_of(case_id, summary.stage)
        summary.paused_on = replayed.paused_on.get(case_id)
        dates = due_dates.get(case_id, [])
        summary.next_due = min(dates, default=None)
        summary.overdue = sum(1 for due in dates if past_due(due, as_of, summary.paused_on))
        if (wanted is None or summary.stage == wanted) and (summary.overdue or
                                                            not overdue_only):
            kept.append((case_id, summary))
    return kept[:limit] if limit else kept


def due_as_it_stood(service: CaseService, as_of: dt.date, rows: list[Any], case_ids: Any, *,
                    horizon: dt.date) -> list[Any]:
    """The listed rows with the due dates, extensions and pauses of `as_of` (replayed from
    the history), those then due after `horizon` left out, soonest first."""
    replayed = standing(service.session, as_of, case_ids)
    moved = []
    for row in rows:
        due_on = replayed.due_on(row.case_id, row.key, row.original_due_on)
        if due_on <= horizon:
            moved.append(row._replace(
                due_on=due_on, extensions=replayed.moves.get((row.case_id, row.key), 0),
                paused_on=replayed.paused_on.get(row.case_id)))
    return sorted(moved, key=lambda r: (r.due_on, r.reference, r.key))
