"""Cases that cannot be read are set aside, so one damaged row never stops everyone else.

A case whose workflow version this casework does not have, a stored date that does not parse
or a record whose JSON does not decode used to end the sweep, the reports and the listings with
a traceback. `quarantine(session)` reads the rows raw (no type conversion), names each damaged
case with what is wrong and how to repair it, and hides those cases (and their deadlines) from
every ORM query on that session; `casework doctor` prints the same list.

The scan reads every row in Python (seconds on a national database), so it runs only when a
read has failed with one of UNREADABLE: the sweep then sets the damaged cases aside and goes on,
and a command runs once more without them (cli.app). A sound database never pays for it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from casework.errors import UnknownWorkflow
from casework.models import MISSHAPEN_DUE, Case, Deadline
from workflows import registry

# What reading a damaged row raises: a date or JSON that does not parse (ValueError, and
# JSONDecodeError with it), a version this casework does not have, a record of the wrong shape.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, UnknownWorkflow)

_CASE_DATES = ("opened_on", "last_step_on", "closed_on", "paused_on")
_CASE_INSTANTS = ("opened_at", "updated_at")
_DEADLINE_DATES = ("anchor_on", "original_due_on", "due_on", "closed_on")
_DEADLINE_INSTANTS = ("due_at", "closed_at", "created_at", "next_level_at")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # the shape of MISSHAPEN_DUE's pattern


@dataclass(frozen=True)
class Damage:
    case_id: int
    reference: str
    problem: str
    repair: str

    def line(self) -> str:
        return f"{self.reference}: {self.problem} (repair: {self.repair})"


def scan(session: Session) -> list[Damage]:
    """Every damaged case, in id order (one entry per case: its first problem)."""
    found: dict[int, Damage] = {}
    connection = session.connection()
    columns = ", ".join(("id", "reference", "workflow_key", "workflow_version", "state",
                         *_CASE_DATES, *_CASE_INSTANTS, "data", "timescales"))
    for row in connection.execute(text(f"SELECT {columns} FROM case_record ORDER BY id")):
        problem = _case_problem(row._mapping)
        if problem:
            found[row.id] = Damage(row.id, str(row.reference), *problem)
    references = {i: d.reference for i, d in found.items()}
    columns = ", ".join(("d.id", "d.case_id", "d.key", "c.reference",
                         *(f"d.{c}" for c in (*_DEADLINE_DATES, *_DEADLINE_INSTANTS))))
    for row in connection.execute(text(f"SELECT {columns} FROM deadline d JOIN case_record c "
                                       "ON c.id = d.case_id ORDER BY d.id")):
        values = row._mapping
        if row.case_id in references:
            continue
        for name in (*_DEADLINE_DATES, *_DEADLINE_INSTANTS):
            if not _readable(values[name], date_only=name in _DEADLINE_DATES):
                found[row.case_id] = Damage(
                    row.case_id, str(row.reference),
                    f"deadline {row.key!r} has {name} {values[name]!r}, which is not a date",
                    f"set deadline.{name} of deadline id {row.id} to a date (YYYY-MM-DD"
                    f"{'' if name in _DEADLINE_DATES else ' HH:MM:SS'}) from its history")
                break
    return [found[i] for i in sorted(found)]


def _case_problem(values: Any) -> tuple[str, str] | None:
    key, version = values["workflow_key"], values["workflow_version"]
    workflow = registry.version(str(key), str(version))
    if workflow is None:
        known = ", ".join(w.version for w in registry.versions(str(key))) or "none"
        return (f"runs workflow {key} version {version!r}, which this casework does not have",
                f"upgrade casework, or set workflow_version to one it has ({known})")
    for name in (*_CASE_DATES, *_CASE_INSTANTS):
        if not _readable(values[name], date_only=name in _CASE_DATES):
            return (f"has {name} {values[name]!r}, which is not a date",
                    f"set case_record.{name} to the date its history records")
    for name in ("data", "timescales"):
        value = values[name]
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                return (f"has {name} that is not valid JSON ({exc.msg} at character "
                        f"{exc.pos})", f"restore case_record.{name} from a backup")
        if not isinstance(value, dict):
            return (f"has {name} that is not a JSON object",
                    f"restore case_record.{name} from a backup")
    return None


def _readable(value: Any, *, date_only: bool) -> bool:
    """Whether the reader takes the stored value as a date (or an instant) that SQL compares
    rightly. Not a number (SQLite keeps a hand-typed 20080407 as one, which the reader
    refuses), nor a date of another shape Python would parse ('20080407' as text compares
    after '2008-11-01', and the quick look would find it on every command)."""
    if value is None or isinstance(value, dt.date):
        return True
    if not isinstance(value, str) or (date_only and not _DATE.fullmatch(value)):
        return False
    try:
        if date_only:
            dt.date.fromisoformat(value)
        else:
            dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def looks_damaged(session: Session) -> bool:
    """A quick look for damage a read would not fail on: an open deadline's due date of the
    wrong shape, which a listing's SQL comparison would leave out silently. One probe of a
    partial index that holds only such rows (empty on a sound database), so every command
    pays the same at any size. SQLite only: PostgreSQL's typed columns cannot hold one.
    Everything else is found when reading it fails (UNREADABLE)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    # The condition written out as the index's own: SQLite uses a partial index only for a
    # query whose WHERE says what the index's does (a bound pattern would not do, and the
    # planner then reads the due date of every open deadline through ix_deadline_status_due).
    return connection.execute(text(
        f"SELECT 1 FROM deadline WHERE {MISSHAPEN_DUE} LIMIT 1")).first() is not None


def quarantine(session: Session) -> list[Damage]:
    """Scan, and hide the damaged cases from this session's queries from now on."""
    damaged = scan(session)
    session.info["quarantined"] = frozenset(d.case_id for d in damaged)
    session.info["damaged"] = damaged
    return damaged


def quarantined(session: Session) -> frozenset[int]:
    return session.info.get("quarantined", frozenset())


@event.listens_for(Session, "do_orm_execute")
def _hide_quarantined(state: ORMExecuteState) -> None:
    ids = state.session.info.get("quarantined")
    if ids and state.is_select:
        state.statement = state.statement.options(
            with_loader_criteria(Case, Case.id.not_in(ids), include_aliases=True),
            with_loader_criteria(Deadline, Deadline.case_id.not_in(ids), include_aliases=True))


def excluding(query: Any, session: Session, case_id: Any) -> Any:
    """A Core query (which the ORM hook does not see) without the quarantined cases."""
    ids = quarantined(session)
    return query.where(case_id.not_in(ids)) if ids else query
