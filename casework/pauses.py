"""Stopping a case's clock and moving its deadlines: pause, resume, extend.

Apart from the steps because these are not steps of any workflow: every process can be paused
(a criminal trial, say) and any deadline extended, and the rules for moving due dates (by the
pause's length, in the unit the rule counts in; never a fixed deadline; the original date kept
for slippage) are the same for all of them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pendulum

from casework import child_names, disclosure
from casework.corrections import find_deadline
from casework.dates import as_date, in_range, local_date, parse_date
from casework.errors import InvalidInput, StepRefused
from casework.events import MOVED, DeadlineChange
from casework.models import Case, Deadline
from casework.options import required
from casework.timescales import Due, Duration
from casework.transaction import atomic
from workflows.formats import labelled, short

if TYPE_CHECKING:
    from casework.service import CaseService


@atomic
def pause(service: CaseService, reference: str, reason: str, *, actor: str,
          on: str | dt.datetime | None = None) -> Case:
    case = service.case(reference)
    service.refuse_if_closed(case)
    service.refuse_if_paused(case)
    reason = disclosure.check(required(reason, "--reason"), "--reason",
                              child_names.of(case.data))
    effective = service.effective(on, not_before=case.last_step_on)
    case.paused_on = local_date(effective)
    case.pause_reason = reason
    for deadline in service.deadlines_of(case):
        deadline.next_level_at = None
    service.record_history(case, "pause", actor, effective=effective, note=reason,
                           from_state=case.state, to_state=case.state)
    service.commit(case)
    return case


@atomic
def resume(service: CaseService, reference: str, *, actor: str,
           on: str | dt.datetime | None = None, note: str | None = None) -> Case:
    """Lift a pause: every deadline not yet due when it began moves on by its length."""
    case = service.case(reference)
    if not case.paused_on:
        raise StepRefused(f"{case.reference} is not paused")
    disclosure.check(note, "--note", child_names.of(case.data))
    effective = service.effective(on, not_before=case.paused_on)
    resumed_on = local_date(effective)
    days = (resumed_on - case.paused_on).days
    workflow = service.workflow_of(case)
    # A date agreed while the case was paused (extended after the pause was recorded)
    # already allows for the pause.
    rows = service.history(case.reference)
    paused_at = max(row.id or 0 for row in rows if row.step == "pause")
    agreed = {row.data.get("deadline") for row in rows
              if row.step == "extend" and (row.id or 0) > paused_at}
    moved = []
    deadlines = service.deadlines_of(case)
    for deadline in deadlines:
        spec = workflow.deadline(deadline.kind)
        if (deadline.status != "open" or deadline.due_on < case.paused_on or days == 0
                or (spec is not None and spec.fixed) or deadline.key in agreed):
            continue
        new_due = _shifted(service, deadline, days)
        moved.append({"deadline": deadline.key, "from": deadline.due_on.isoformat(),
                      "to": new_due.on.isoformat()})
        previous = deadline.due_on
        deadline.paused_days += (new_due.on - deadline.due_on).days
        deadline.due_on, deadline.due_at = new_due.on, new_due.at
        service.announce(DeadlineChange(MOVED, case, deadline, actor, effective, previous))
    data = {"paused_on": case.paused_on.isoformat(), "reason": case.pause_reason,
            "days": days, "moved": moved}
    case.paused_on = None
    case.pause_reason = None
    shifted = {item["deadline"] for item in moved}
    for deadline in deadlines:  # reminders go on; moved ones afresh
        service.schedule_levels(case, deadline, not_before=service.clock.now()
                                if deadline.key in shifted else None)
    case.last_step_on = max(case.last_step_on, resumed_on)
    service.record_history(case, "resume", actor, effective=effective, note=note,
                           from_state=case.state, to_state=case.state, data=data)
    service.commit(case)
    return case


def _shifted(service: CaseService, deadline: Deadline, days: int) -> Due:
    """A deadline moved on by `days` of pause, in the unit its rule counts in."""
    unit = deadline.unit
    if unit == "hours":
        instant = pendulum.instance(deadline.due_at).add(days=days)
        return Due(local_date(instant), instant)
    new_on = as_date(deadline.due_on).add(days=days)
    if unit == "working_days":
        new_on = as_date(service.calendar.next_working_day(new_on))
    return Due.on_date(new_on)


@atomic
def extend(service: CaseService, reference: str, deadline_key: str, *, reason: str, actor: str,
           to: str | None = None, by: str | None = None,
           on: str | dt.datetime | None = None) -> Deadline:
    """Move one deadline later, keeping its original due date for slippage reports. `on`:
    when it was agreed, by the rule every change follows (not before the last step)."""
    case = service.case(reference)
    service.refuse_if_closed(case)
    reason = disclosure.check(required(reason, "--reason"), "--reason",
                              child_names.of(case.data))
    effective = service.effective(on, not_before=case.last_step_on)
    deadline = _deadline_by_key(service, case, deadline_key)
    spec = service.workflow_of(case).deadline(deadline.kind)
    if spec is not None and spec.fixed:
        raise StepRefused(f"{case.reference}: {labelled(deadline.key)} cannot be extended: "
                          f"{spec.fixed}")
    if (to is None) == (by is None):
        raise InvalidInput("give either --to DATE or --by DURATION (e.g. '10 working days')")
    if to is not None:
        new_on = parse_date(to, what="--to")
    else:
        new_on = in_range(Duration.parse(by or "").from_date(deadline.due_on, service.calendar),
                          f"{labelled(deadline.key)} extended by {by}")
    if new_on <= deadline.due_on:
        raise InvalidInput(f"an extension must move the deadline later than "
                           f"{short(deadline.due_on)}")
    if to is not None:
        service.due_typed(new_on, "--to")
    new_due = Due.on_date(new_on)
    data = {"deadline": deadline.key, "from": deadline.due_on.isoformat(),
            "to": new_on.isoformat(), "original": deadline.original_due_on.isoformat()}
    previous = deadline.due_on
    deadline.due_on, deadline.due_at = new_due.on, new_due.at
    deadline.extensions += 1
    case.updated_at = service.clock.now()
    service.announce(DeadlineChange(MOVED, case, deadline, actor, effective, previous))
    service.record_history(case, "extend", actor, effective=effective, note=reason,
                           from_state=case.state, to_state=case.state, data=data)
    service.commit(case)
    return deadline


def _deadline_by_key(service: CaseService, case: Case, key: str) -> Deadline:
    return find_deadline(service, case, key, open_only=True)
