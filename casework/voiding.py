"""Voiding a step taken by mistake: the case goes back to where it stood before it.

The step's history row stays; a `step_voided` row names it, with who, when and why. Undoing
reads what the step's row recorded: its stage (from -> to), its deadline changes (opened, met,
moved, progressed) and the facts it changed (their values before it). Deadlines it opened are
withdrawn, those it met or let lapse are open again, those it moved go back; its emails not yet
sent are cancelled, and an agency already told is told of the withdrawal. Every reader then
shows the case *as corrected*: the replay of a past day skips a voided step, as the figures
do, because the record now says it did not happen.

A step is refused when later changes build on it (a step taken from the stage it reached, or
anything touching a deadline it changed), naming them: void those first, latest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pendulum

from casework.changes import Change, Closed, Moved, Opened, Progressed, as_data, recorded
from casework.corrections import WITHDRAWN_STATUS, cancel_pending, checked
from casework.dates import local_date
from casework.errors import InvalidInput, StepRefused
from casework.events import MOVED, WITHDRAWN, DeadlineChange
from casework.models import Case, Deadline, History
from casework.options import required
from casework.timescales import Due
from casework.transaction import atomic
from workflows.formats import short

if TYPE_CHECKING:
    from casework.service import CaseService

VOIDED = "step_voided"
KEEPS_DATE = ("pause", "resume", "extend")  # rows besides steps that fix last_step_on


@dataclass
class Void:
    """What voiding one step did, for the command line to say."""

    case: Case
    voided: History
    from_state: str
    to_state: str
    changes: list[Change] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)  # outbox emails not yet sent
    told: list[str] = field(default_factory=list)  # deadlines whose agency hears it is off


def voided_ids(rows: list[History]) -> set[int]:
    """The history rows a later row voided."""
    return {row.data["voids"] for row in rows if row.step == VOIDED and "voids" in row.data}


@atomic
def void(service: CaseService, reference: str, *, reason: str, actor: str,
         step: str | None = None, on: str | dt.datetime | None = None) -> Void:
    """Void the case's last step (or its last `step` of that name)."""
    case = service.case(reference)
    reason = checked(case, required(reason, "--reason"), "--reason")
    service.refuse_if_paused(case)
    workflow = service.workflow_of(case)
    names = {s.name for s in workflow.steps}
    rows = service.history(case.reference)
    gone = voided_ids(rows)
    steps = [r for r in rows if r.step in names and r.id not in gone]
    wanted = step.strip().lower().replace("-", "_") if step else None
    if wanted is not None and wanted not in names:
        raise InvalidInput(f"{workflow.key} has no step {step!r}")
    chosen = next((r for r in reversed(steps) if wanted in (None, r.step)), None)
    if chosen is None:
        what = f"{wanted} step" if wanted else "step"
        raise InvalidInput(f"{case.reference} has no {what} to void")
    _refuse(service, case, chosen, [r for r in rows if (r.id or 0) > (chosen.id or 0)
                                    and r.id not in gone and r.step != VOIDED])
    effective = service.effective(on, not_before=case.last_step_on)  # the one rule
    outcome = Void(case, chosen, case.state, chosen.from_state or case.state)
    deadlines = {d.key: d for d in service.deadlines_of(case)}
    for change in reversed(recorded(chosen.data)):
        _undo(service, case, deadlines[change.deadline], change, effective, actor, outcome)
    data = dict(case.data)
    for key, before in chosen.data["facts"].items():
        if before is None:
            data.pop(key, None)
        else:
            data[key] = before
    case.data = data
    case.state = outcome.to_state
    if not workflow.stage(case.state).final:
        case.closed_on = None
    case.last_step_on = max([case.opened_on, *(
        local_date(r.effective_at) for r in rows if r.id != chosen.id and r.id not in gone
        and (r.step in names or r.step in KEEPS_DATE))])
    service.record_history(case, VOIDED, actor, effective=effective, note=reason,
                           from_state=outcome.from_state, to_state=outcome.to_state,
                           data={"voids": chosen.id, "step": chosen.step,
                                 "on": local_date(chosen.effective_at).isoformat(),
                                 "deadlines": as_data(outcome.changes),
                                 "emails_cancelled": outcome.cancelled})
    service.commit(case)
    return outcome


def _refuse(service: CaseService, case: Case, chosen: History, later: list[History]) -> None:
    """Refuse a step too old to void, one that opened another case, an old row that did not
    keep what it changed, or one later changes depend on (named)."""
    limit = service.settings.void_within_days
    recorded_at = pendulum.instance(chosen.at)
    if service.clock.now() > recorded_at.add(days=limit):
        raise StepRefused(f"{case.reference}: {chosen.step} was recorded on "
                          f"{short(local_date(chosen.at))}, more than {limit} days ago: "
                          f"it can no longer be voided (the limit is {void_limit(service)})")
    if chosen.data.get("linked"):
        raise StepRefused(f"{case.reference}: {chosen.step} opened "
                          f"{', '.join(chosen.data['linked'])}: it cannot be voided")
    if "facts" not in chosen.data:
        raise StepRefused(f"{case.reference}: {chosen.step} was recorded before casework kept "
                          "what a step changes, so it cannot be voided")
    touched = {c.deadline for c in recorded(chosen.data)}
    moved_stage = chosen.from_state != chosen.to_state
    workflow = service.workflow_of(case)
    names = {s.name for s in workflow.steps}
    blocking = []
    for row in later:
        keys = {c.deadline for c in recorded(row.data)} | {row.data.get("deadline")} | {
            m.get("deadline") for m in row.data.get("moved", ())}
        if (moved_stage and row.step in names) or keys & touched:
            blocking.append(f"{row.step} on {short(local_date(row.effective_at))}")
    if blocking:
        raise StepRefused(f"{case.reference}: later changes depend on {chosen.step} on "
                          f"{short(local_date(chosen.effective_at))}: {', '.join(blocking)}; "
                          "void them first")


def void_limit(service: CaseService) -> str:
    """The board's limit and where it was set, for a refusal to say."""
    settings = service.settings
    days = f"{settings.void_within_days} days"
    if "corrections.void_within_days" in settings.from_file:
        return f"{days}, set by [corrections] void_within_days in {settings.config_path}"
    return f"{days}, casework's default: a board sets its own with [corrections] " \
        "void_within_days in its config file"


def _undo(service: CaseService, case: Case, deadline: Deadline, change: Change,
          effective: pendulum.DateTime, actor: str, outcome: Void) -> None:
    """Undo one deadline change the voided step made."""
    if isinstance(change, Opened):
        cancelled, sent = cancel_pending(service, deadline)
        outcome.cancelled += cancelled
        deadline.status = WITHDRAWN_STATUS
        deadline.closed_on, deadline.closed_at = local_date(effective), effective
        deadline.note = "withdrawn: the step that asked for it was voided"
        deadline.next_level_at = None
        if sent:
            outcome.told.append(deadline.key)
            service.announce(DeadlineChange(WITHDRAWN, case, deadline, actor, effective))
        outcome.changes.append(Closed(WITHDRAWN_STATUS, deadline.key, deadline.due_on))
    elif isinstance(change, Closed):
        cancelled, _ = cancel_pending(service, deadline, kinds=("withdrawn",))
        outcome.cancelled += cancelled
        deadline.status, deadline.closed_on, deadline.closed_at = "open", None, None
        service.schedule_levels(case, deadline)
        outcome.changes.append(Opened(deadline.key, deadline.due_on))
    elif isinstance(change, Moved):
        cancelled, _ = cancel_pending(service, deadline, kinds=("due_changed",))
        outcome.cancelled += cancelled
        when = Due.on_date(change.moved_from)
        deadline.due_on, deadline.due_at = when.on, when.at
        if cancelled:  # the agency never heard of the move
            service.schedule_levels(case, deadline, not_before=service.clock.now())
        else:
            service.announce(DeadlineChange(MOVED, case, deadline, actor, effective, change.to))
        outcome.changes.append(Moved(deadline.key, change.to, change.moved_from, "step voided"))
    elif isinstance(change, Progressed):
        deadline.progress = change.progress_from
        outcome.changes.append(Progressed(deadline.key, change.to, change.progress_from or ""))


def describe_void(outcome: Void) -> dict[str, Any]:
    return {"reference": outcome.case.reference, "voided": outcome.voided.step,
            "on": local_date(outcome.voided.effective_at), "from": outcome.from_state,
            "to": outcome.to_state, "deadlines": as_data(outcome.changes),
            "emails_cancelled": outcome.cancelled, "agencies_told": outcome.told}
