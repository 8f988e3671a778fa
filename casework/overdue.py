"""The board's overdue listing: everything late on a day, whose it is, and by how long.

Every outstanding deadline across all cases - IMRs, Form B reports, action-plan actions,
decisions, six-month audits - that was due before the day, grouped by the agency that owes it
(the board's own, such as a decision or an audit, under the board). A deadline is late from the
day after its due date; in a paused case only what was already late when the pause began stays
listed. As of a past day the listing is what was late that day (`casework.replay`), even if it
has been completed, extended or escalated since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from casework.clock import today
from casework.lateness import outstanding, past_due
from casework.models import Agency, Case, Deadline
from casework.reminders import Level
from casework.replay import Standing, standing
from workflows.formats import deadline_label

if TYPE_CHECKING:
    from casework.service import CaseService

_REACHED = (("owner", "reminded"), ("escalation", "escalated"), ("board", "chair"))
BOARD = "The board"  # the group of the board's own deadlines (no agency owes them)


@dataclass(slots=True)
class OverdueItem:
    reference: str
    pseudonym: str
    case_kind: str  # scr | cdr
    agency: str | None  # the agency's code; None for the board's own
    key: str  # imr:POLICE, action:3, decision
    label: str  # how people name it: A3, imr:POLICE
    owed: str  # what is owed, as the request named it
    original_due_on: dt.date
    due_on: dt.date  # after extensions, deferrals and pauses (as they stood on the day)
    extensions: int
    days_late: int
    working_days_late: int
    level: str | None  # the last reminder or escalation issued for this due date
    level_text: str
    case_paused: bool

    @property
    def escalated(self) -> bool:
        return bool(self.level) and not self.level.startswith("owner")

    @property
    def reached(self) -> str:
        """In a word, for a narrow table: reminded, escalated, chair."""
        if not self.level:
            return ""
        return next((word for who, word in _REACHED if self.level.startswith(who)), self.level)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(original_due_on=self.original_due_on.isoformat(),
                    due_on=self.due_on.isoformat(), escalated=self.escalated)
        return data


@dataclass
class AgencyGroup:
    code: str | None
    name: str
    items: list[OverdueItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def escalated(self) -> int:
        return sum(1 for item in self.items if item.escalated)

    @property
    def longest(self) -> int:
        """The most working days any of its items is late."""
        return max((item.working_days_late for item in self.items), default=0)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "total": self.total,
                "escalated": self.escalated, "longest_working_days_late": self.longest,
                "items": [item.as_dict() for item in self.items]}


@dataclass
class OverdueListing:
    as_of: dt.date
    board: str
    groups: list[AgencyGroup]

    @property
    def items(self) -> list[OverdueItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def escalated(self) -> int:
        return sum(group.escalated for group in self.groups)

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "board": self.board, "total": self.total,
                "escalated": self.escalated,
                "agencies": [group.as_dict() for group in self.groups]}


_COLUMNS = (Deadline.case_id, Deadline.key, Deadline.kind, Deadline.number, Deadline.title,
            Deadline.agency_code, Deadline.original_due_on, Deadline.due_on,
            Deadline.extensions, Deadline.level_reached, Case.reference, Case.pseudonym,
            Case.kind.label("case_kind"), Case.paused_on)


def overdue_listing(service: CaseService, as_of: dt.date, *,
                    agency: str | None = None) -> OverdueListing:
    """Everything late on `as_of`, grouped by agency, longest late first within each."""
    as_of = dt.date(as_of.year, as_of.month, as_of.day)
    past = as_of < today(service.clock)
    # Due dates only move later, so what was due before the day was first due before it.
    due = col(Deadline.original_due_on) if past else col(Deadline.due_on)
    candidates = (outstanding(as_of), due < as_of)
    query = (select(*_COLUMNS).join(Case, col(Deadline.case_id) == Case.id)
             .where(*candidates))
    if agency:
        query = query.where(Deadline.agency_code == service.agency(agency).code)
    from casework.quarantine import excluding

    query = excluding(query, service.session, Case.id)
    rows = list(service.session.connection().execute(query))
    replayed = None
    if past:
        ids = select(Deadline.case_id).where(*candidates).distinct()
        replayed = standing(service.session, as_of, ids)
    working_days: dict[dt.date, int] = {}
    groups: dict[str | None, list[OverdueItem]] = {}
    for row in rows:
        item = _item(row, as_of, replayed)
        if item is None:
            continue
        if item.due_on not in working_days:
            working_days[item.due_on] = service.calendar.working_days_between(item.due_on,
                                                                              as_of)
        item.working_days_late = working_days[item.due_on]
        groups.setdefault(item.agency, []).append(item)
    return OverdueListing(as_of, service.settings.board_name, _grouped(service, groups))


def _item(row: Any, as_of: dt.date, replayed: Standing | None) -> OverdueItem | None:
    if replayed is None:
        due_on, moves, paused_on, level = (row.due_on, row.extensions, row.paused_on,
                                           row.level_reached)
    else:
        due_on = replayed.due_on(row.case_id, row.key, row.original_due_on)
        moves = replayed.moves.get((row.case_id, row.key), 0)
        paused_on = replayed.paused_on.get(row.case_id)
        level = replayed.level_reached(row.case_id, row.key, due_on)
    if not past_due(due_on, as_of, paused_on):
        return None
    label = deadline_label(row.number, row.key)
    described = Level.from_name(level) if level else None
    return OverdueItem(
        reference=row.reference, pseudonym=row.pseudonym, case_kind=row.case_kind,
        agency=row.agency_code, key=row.key, label=label,
        owed=f"Action {label}: {row.title}" if row.number is not None else row.title,
        original_due_on=row.original_due_on, due_on=due_on, extensions=moves,
        days_late=(as_of - due_on).days, working_days_late=0, level=level,
        level_text=described.describe() if described else (level or "none yet"),
        case_paused=paused_on is not None)


def _grouped(service: CaseService,
             groups: dict[str | None, list[OverdueItem]]) -> list[AgencyGroup]:
    """Agencies by name, the board's own last; in each, the longest late first."""
    names = dict(service.session.exec(select(Agency.code, Agency.name)).all())
    ordered = sorted((code for code in groups if code is not None), key=lambda c: names[c])
    result = []
    for code in [*ordered, *([None] if None in groups else [])]:
        items = sorted(groups[code], key=lambda i: (i.due_on, i.reference, i.key))
        result.append(AgencyGroup(code, names[code] if code else BOARD, items))
    return result
