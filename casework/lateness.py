"""When a deadline counts as outstanding, and when as late, on a given day.

One home for the rule every listing applies (case list, case show, deadlines, the overdue
listing), in Python and in SQL side by side so the two cannot drift apart. A deadline is late
from the day after its due date; while a case is paused, only the deadlines already late when
the pause began count as late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, and_, or_

from casework.models import Deadline

DEADLINES: Table = Deadline.__table__  # type: ignore[assignment]


def outstanding(as_of: dt.date) -> Any:
    """Asked for by `as_of` and not yet answered on it (even if answered since); never one
    withdrawn as a mistake since (the record as corrected). Written on the table's columns,
    so that it serves plain (Core) queries as well as ORM ones."""
    d = DEADLINES.c
    return and_(or_(d.status == "open", and_(d.closed_on > as_of, d.status != "withdrawn")),
                d.anchor_on <= as_of)


def past_due(due_on: dt.date, as_of: dt.date, paused_on: dt.date | None) -> bool:
    """Late on as_of: due before it, and not caught by a pause begun on or before the due
    date (the SQL twin is `past_due_sql`)."""
    return due_on < as_of and (paused_on is None or due_on < paused_on)


def past_due_sql(due_on: Any, as_of: dt.date, paused_on: Any) -> Any:
    """`past_due` on columns: a due date and the day its case's pause began."""
    return and_(due_on < as_of, or_(paused_on.is_(None), due_on < paused_on))
