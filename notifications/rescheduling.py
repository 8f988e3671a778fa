"""Every open deadline pointed at its next reminder or escalation afresh: after an upgrade, or
a change to the board's [reminders]. Set-based, for a national database's million rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, bindparam, func, type_coerce, update
from sqlmodel import select

from casework.models import Case, Deadline
from casework.reminders import levels_after

if TYPE_CHECKING:
    from casework.service import CaseService


RESCHEDULE_BATCH = 50_000  # ids of deadlines read (as plain tuples) and written per commit


def reschedule(service: CaseService,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Point every open deadline at its next level under the policy in force (after an
    upgrade, or a change to the board's [reminders]); levels already issued stay issued, and
    levels passed over stay passed over: never a level before the row's own pointer (or, with
    none, before the row was recorded). A deadline opened or moved after some of its levels
    fell skipped them (`CaseService.schedule_levels`); reading only the level reached would
    point it back at one, and the next sweep would send that reminder late.

    Set-based: the rows are read as columns, a range of ids at a time, each distinct
    (kind, unit, due date, level reached) reckoned once, and only pointers that change are
    written, in one executemany a batch - a million open deadlines in seconds. `progress`
    hears (done, total) after each batch."""
    session = service.session
    session.commit()
    connection = session.connection()
    total = connection.execute(select(func.count()).select_from(Deadline)
                               .where(Deadline.status == "open")).scalar_one()
    policy, calendar = service.settings.reminders, service.calendar
    now = _utc(service.clock.now())
    # Each distinct combination's levels still to come: (instant, the same as stored: a naive
    # UTC instant), earliest first.
    reckoned: dict[tuple[Any, ...], list[tuple[Any, dt.datetime]]] = {}
    write = (update(Deadline).where(Deadline.id == bindparam("row_id"))
             .values(next_level_at=bindparam("pointer"))
             .execution_options(synchronize_session=False))
    raw = [type_coerce(column, String) for column in (  # no per-row parsing: a dict key
        Deadline.due_on, Deadline.due_at, Case.paused_on, Deadline.next_level_at,
        Deadline.created_at)]
    last = connection.execute(select(func.max(Deadline.id))).scalar_one() or 0
    done = 0
    # By ranges of ids (the primary key's own order: no sort), so each batch costs the same
    # however far along it is.
    for low in range(0, last, RESCHEDULE_BATCH):
        # The status is asked here, not in SQL: there the planner would take the status
        # index and scan every open deadline for each range.
        rows = [row[1:] for row in connection.execute(
            select(Deadline.status, Deadline.id, Case.workflow_key, Deadline.kind,
                   Deadline.unit, Deadline.level_reached, *raw)
            .join(Case).where(Deadline.id > low, Deadline.id <= low + RESCHEDULE_BATCH))
            if row[0] == "open"]
        changed = []
        for (row_id, workflow_key, kind, unit, reached, due_on, due_at, paused, current,
             created) in rows:
            if paused is not None:  # a paused case's reminders wait for its resumption
                if current is not None:
                    changed.append({"row_id": row_id, "pointer": None})
                continue
            key = (workflow_key, kind, unit, reached, due_on, due_at)
            if key not in reckoned:
                reckoned[key] = [(at, _utc(at)) for _, at in levels_after(
                    policy, calendar, workflow_key, kind, unit, _day(due_on),
                    _instant(due_at), reached)]
            stored = _utc(_instant(current))
            floor = _utc(_instant(created)) if stored is None else min(stored, now)
            pointer, naive = next(((at, naive) for at, naive in reckoned[key]
                                   if naive >= floor), (None, None))
            if naive != stored:
                changed.append({"row_id": row_id, "pointer": pointer})
        if changed:
            connection.execute(write, changed)
        session.commit()
        connection = session.connection()
        done += len(rows)
        if progress is not None and rows:
            progress(done, total)
    session.expire_all()  # objects loaded before hold the old pointers
    return done


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _instant(value: Any) -> dt.datetime | None:
    """A stored instant as the ORM reads it (SQLite keeps text; other drivers convert)."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Pointers compared as naive UTC (SQLite hands them back naive)."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)
