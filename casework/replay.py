"""Cases and deadlines as they stood at the end of a past day, replayed from the history.

A deadline row holds only where it stands now: its due date after every extension, deferral
and pause, and the last reminder or escalation issued. The history holds how it got there, so
a report "as of 31 March 2009" printed in June reads each deadline's due date, the pause its
case was in, and the level it had reached, as they were that evening - not as extended since.

Each history row counts from when it happened (`effective_at`: the `--on` date a coordinator
gave, or when an extension was granted). Moves are absolute ("from" and "to"), so the last one
that had happened by the day wins; due dates only ever move later, so a deadline first due on
or after a day cannot have been late on it. Steps cannot be dated before the last one, so the
order the rows were written is the order things happened: a case's stage on the day is the
last stage a row moved it to. A step voided since is skipped whenever the void was recorded:
the replay shows the record as corrected (`casework.voiding`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from casework.changes import Moved, recorded
from casework.dates import end_of_day, local_date
from casework.models import History

PAUSES = ("pause", "resume")
LEVELS = ("reminder", "escalation")


@dataclass
class Standing:
    """What the history says of some cases at the end of a day."""

    stage: dict[int, str] = field(default_factory=dict)  # case id: the stage it was in
    due: dict[tuple[int, str], dt.date] = field(default_factory=dict)  # (case id, key)
    moves: dict[tuple[int, str], int] = field(default_factory=dict)  # extensions, deferrals
    paused: dict[tuple[int, str], int] = field(default_factory=dict)  # days moved by pauses
    paused_on: dict[int, dt.date | None] = field(default_factory=dict)
    # the last level issued for the due date the deadline had then: (level name, due date)
    level: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)

    def stage_of(self, case_id: int, current: str) -> str:
        """Its stage on the day; `current` for a case with no history by then."""
        return self.stage.get(case_id, current)

    def due_on(self, case_id: int, key: str, original: dt.date) -> dt.date:
        return self.due.get((case_id, key), original)

    def paused_days(self, case_id: int, key: str) -> int:
        """The days its due date had moved for the case's pauses by the day."""
        return self.paused.get((case_id, key), 0)

    def level_reached(self, case_id: int, key: str, due_on: dt.date) -> str | None:
        name, due = self.level.get((case_id, key), (None, None))
        return name if due == due_on.isoformat() else None


def standing(session: Session, as_of: dt.date, case_ids: Any) -> Standing:
    """Replay the rows that move a case's stage or deadlines, pause it and issue levels, for
    the cases in `case_ids` (a subquery or a list), up to the end of `as_of`."""
    moving_steps = _moving_steps()
    moving = col(History.step).in_(("extend", *PAUSES, *LEVELS, *moving_steps))
    query = (select(History.id, History.case_id, History.step, History.to_state,
                    History.effective_at, History.data)
             .where(col(History.case_id).in_(case_ids),
                    or_(moving, col(History.to_state).is_not(None)),
                    col(History.effective_at) <= end_of_day(as_of))
             .order_by(History.id))
    from casework.quarantine import excluding

    query = excluding(query, session, History.case_id)
    result = Standing()
    voided = _voided(session, case_ids)
    for row_id, case_id, step, to_state, effective_at, data in \
            session.connection().execute(query):
        if row_id in voided:  # as corrected: it did not happen
            continue
        if to_state:
            result.stage[case_id] = to_state
        _apply(result, case_id, step, effective_at, data or {}, moving_steps)
    return result


def _voided(session: Session, case_ids: Any) -> set[int]:
    """The history rows of steps voided since, whenever the void was recorded."""
    from casework.voiding import VOIDED

    voids = select(History.data).where(col(History.case_id).in_(case_ids),
                                       History.step == VOIDED)
    return {data["voids"] for (data,) in session.connection().execute(voids)
            if data and "voids" in data}


def _moving_steps() -> set[str]:
    """The steps that may move a deadline (a deferral), as their definitions declare."""
    from workflows import registry

    return {step.name for w in registry.ALL for step in w.steps if step.moving}


def _apply(result: Standing, case_id: int, step: str, effective_at: dt.datetime,
           data: dict[str, Any], moving_steps: set[str]) -> None:
    if step == "pause":
        result.paused_on[case_id] = local_date(effective_at)
    elif step == "resume":
        result.paused_on[case_id] = None
        for item in data.get("moved", ()):
            key, to = item["deadline"], dt.date.fromisoformat(item["to"])
            result.due[case_id, key] = to
            moved = (to - dt.date.fromisoformat(item["from"])).days
            result.paused[case_id, key] = result.paused.get((case_id, key), 0) + moved
    elif step == "extend":
        _moved(result, case_id, data["deadline"], data["to"])
    elif step in LEVELS:
        if "level" in data and "deadline" in data:
            result.level[case_id, data["deadline"]] = (data["level"], data.get("due", ""))
    elif step in moving_steps:
        for change in recorded(data):
            if isinstance(change, Moved):
                _moved(result, case_id, change.deadline, change.to.isoformat())


def _moved(result: Standing, case_id: int, key: str, to: str) -> None:
    result.due[case_id, key] = dt.date.fromisoformat(to)
    result.moves[case_id, key] = result.moves.get((case_id, key), 0) + 1


def course(session: Session, case_id: int, as_of: dt.date
           ) -> list[tuple[dt.datetime, str, str | None, dict[str, Any]]]:
    """One case's history by the end of `as_of`, as corrected (voided steps skipped), in the
    order things happened: (when, step, the stage it moved to, its data). A case's timeline."""
    query = (select(History.id, History.effective_at, History.step, History.to_state,
                    History.data)
             .where(History.case_id == case_id,
                    col(History.effective_at) <= end_of_day(as_of))
             .order_by(History.id))
    voided = _voided(session, [case_id])
    return [(effective_at, step, to_state, data or {})
            for row_id, effective_at, step, to_state, data
            in session.connection().execute(query) if row_id not in voided]
