"""Correcting a panel meeting's date: the cases listed for it follow, with their deadlines.

A case listed for a meeting records the meeting's date (`meeting_on`) and has a deadline set
to it. A meeting typed on the wrong day is moved by a correction: the meeting row takes the
new date, each case listed for it records the new one with a `corrected` history row, and every
deadline of theirs that was set to the old date (by hand, not counted by a rule) moves with it,
its agency told. The board's history says the meeting moved, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import col, select

from casework import disclosure
from casework.changes import Moved, as_data
from casework.dates import parse_date
from casework.errors import InvalidInput, NotFound
from casework.events import MOVED, DeadlineChange
from casework.models import Case, CdopMeeting
from casework.options import required
from casework.timescales import Due
from casework.transaction import atomic
from workflows.formats import short

if TYPE_CHECKING:
    import datetime as dt

    from casework.service import CaseService


@dataclass
class MeetingMoved:
    held_on: dt.date
    to: dt.date
    cases: dict[str, list[Moved]] = field(default_factory=dict)  # reference: its moves


@atomic
def correct_meeting(service: CaseService, held_on: str, to: str, *, reason: str,
                    actor: str) -> MeetingMoved:
    reason = disclosure.check(required(reason, "--reason"), "--reason") or reason
    old, new = parse_date(held_on, what="meeting date"), parse_date(to, what="--to")
    meeting = service.session.exec(select(CdopMeeting).where(CdopMeeting.held_on == old)).first()
    if meeting is None:
        raise NotFound(f"no CDOP meeting on {short(old)}")
    if old == new:
        raise InvalidInput(f"the meeting is already on {short(new)}")
    service.due_typed(new, "--to")
    if service.session.exec(select(CdopMeeting.id).where(CdopMeeting.held_on == new)).first():
        raise InvalidInput(f"a CDOP meeting on {short(new)} is already scheduled")
    meeting.held_on = new
    outcome = MeetingMoved(old, new)
    listed = select(Case).where(col(Case.data)["meeting_on"].as_string() == old.isoformat())
    for case in service.session.exec(listed.order_by(Case.reference)).all():
        case.data = {**case.data, "meeting_on": new.isoformat()}
        moves = []
        for deadline in service.deadlines_of(case):
            if deadline.unit != "date" or deadline.due_on != old or deadline.status == "withdrawn":
                continue
            moves.append(Moved(deadline.key, old, new, "meeting date corrected"))
            when = Due.on_date(new)
            if deadline.original_due_on == old:
                deadline.original_due_on = new
            deadline.due_on, deadline.due_at = when.on, when.at
            if deadline.status == "open":
                service.announce(DeadlineChange(MOVED, case, deadline, actor,
                                                service.clock.now(), old))
        service.record_history(case, "corrected", actor, effective=service.clock.now(),
                               note=reason, data={"field": "meeting_on", "from": old.isoformat(),
                                                  "to": new.isoformat(),
                                                  "deadlines": as_data(moves)})
        outcome.cases[case.reference] = moves
    service.record_board_event("meeting_corrected", actor, note=reason,
                               data={"from": old.isoformat(), "to": new.isoformat(),
                                     "cases": list(outcome.cases)})
    service.commit()
    return outcome
