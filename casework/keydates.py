"""Correcting a key date (the referral's, say): the deadlines counted from it move with it.

A typo in the date a case was referred puts every deadline counted from the referral on the
wrong day. The correction moves the event and re-counts those deadlines (open ones, with the
owning agency told of the new date; closed ones too, so the figures judge them against the
right date), unless a deadline's date was set by hand. The case's first event also sets its
opening date; a correction that would change its reference's year or the version of the
process it runs under is refused (open the case again instead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from casework.changes import Moved, as_data
from casework.clock import LOCAL_TZ
from casework.corrections import Correction
from casework.dates import local_date, parse_date
from casework.errors import InvalidInput
from casework.events import MOVED, DeadlineChange
from casework.models import Case
from casework.regimes import in_force
from casework.timescales import Rule
from workflows.formats import short

if TYPE_CHECKING:
    from casework.service import CaseService


def correct_key_date(service: CaseService, case: Case, event: str, value: str, reason: str,
                     actor: str) -> Correction:
    """Move the case's `event` to the day `value` names (same time of day); commits."""
    events = dict(case.data.get("events", {}))
    old = pendulum.parse(events[event]).in_timezone(LOCAL_TZ)  # type: ignore[union-attr]
    day = parse_date(value, what=f"the corrected {event.replace('_', ' ')} date")
    if day > local_date(service.clock.now()):
        raise InvalidInput(f"{short(day)} is in the future")
    if day == old.date():
        raise InvalidInput(f"{event} is already {short(day)}")
    workflow = service.workflow_of(case)
    new = old.replace(year=day.year, month=day.month, day=day.day).in_timezone("UTC")
    if event == workflow.initial_records:
        if day.year != case.year:
            raise InvalidInput(f"{case.reference} was numbered in {case.year}: a "
                               f"{event.replace('_', ' ')} in {day.year} needs a new case")
        case.opened_on, case.opened_at = day, new
    if event == workflow.selected_by and in_force(
            service.settings, workflow.key, day).version != workflow.version:
        raise InvalidInput(f"on {short(day)} another version of the {workflow.kind_name} "
                           "process was in force: open the case again under it")
    events[event] = new.isoformat()
    case.data = {**case.data, "events": events}
    moves = []
    for deadline in service.deadlines_of(case):
        data = case.timescales.get(deadline.kind)
        rule = Rule.from_data(deadline.kind, data) if data else None
        if (rule is None or rule.anchor != event or rule.duration is None or rule.before
                or deadline.status == "withdrawn" or deadline.rule != rule.describe()):
            continue
        due = rule.duration.due(new, service.calendar)
        if due.on == deadline.due_on:
            continue
        previous = deadline.due_on
        moves.append(Moved(deadline.key, previous, due.on, f"{event} corrected"))
        if deadline.due_on == deadline.original_due_on:
            deadline.original_due_on = due.on
        deadline.due_on, deadline.due_at, deadline.anchor_on = due.on, due.at, day
        if deadline.status == "open":
            service.announce(DeadlineChange(MOVED, case, deadline, actor, service.clock.now(),
                                            previous))
    service.record_history(case, "corrected", actor, effective=service.clock.now(), note=reason,
                           data={"field": event, "from": old.date().isoformat(),
                                 "to": day.isoformat(), "deadlines": as_data(moves)})
    service.commit(case)
    return Correction(case, event, old.date(), day, moves)

