"""Taking one named step in a case's workflow: the heart of the engine.

The case row is wrapped in a `CaseHandle` (transitions cannot set attributes on an SQLModel
row); the step's guards are asked first so a refusal carries the board's reason; then the
workflow's shared state machine moves the stage, the step's events and effects are recorded,
its deadlines are met and opened, and one history row says what it did - all in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from casework import child_names, disclosure
from casework.changes import as_data
from casework.dates import local_date
from casework.errors import StepNotAllowed, StepRefused
from casework.handle import CaseHandle, StepOutcome, jsonable
from casework.options import parse_options, typed_dues
from casework.transaction import atomic
from workflows.definition import open_deadlines

if TYPE_CHECKING:
    from casework.service import CaseService


@atomic
def advance(service: CaseService, reference: str, step_name: str,
            options: Mapping[str, Any] | None = None, *, actor: str,
            on: str | dt.datetime | None = None, note: str | None = None) -> StepOutcome:
    """Take one named step in the case's workflow."""
    case = service.case(reference)
    workflow = service.workflow_of(case)
    allowed = [s.name for s in workflow.steps_from(case.state)]
    if not step_name.strip():
        service.refuse_if_paused(case)
        raise StepNotAllowed(case.reference, None, case.state, allowed)
    step = workflow.step(step_name.strip().lower().replace("-", "_"))
    if step is None or step.name not in allowed:
        raise StepNotAllowed(case.reference, step_name, case.state, allowed)
    service.refuse_if_paused(case)
    names = child_names.of(case.data)
    disclosure.check(note, "--note", names)  # printed in the history, which exports carry
    opts = parse_options(step, dict(options or {}), service.active_agency_code,
                         lambda code: service.agency(code).code, names=names)
    if note and step.option("note"):
        opts["note"] = note
    for what, day in typed_dues(step, opts):
        service.due_typed(day, what)
    effective = service.effective(on, not_before=case.last_step_on)
    handle = CaseHandle(service, case, service.deadlines_of(case), effective, actor)
    handle.step = step
    reason = step.refusal(handle, opts)
    if reason:
        raise StepRefused(f"{case.reference}: cannot {step.name}: {reason}")
    from_state = case.state
    if not workflow.machine.events[step.name].trigger(handle, options=opts):
        raise StepRefused(f"{case.reference}: cannot {step.name} with these options")
    branch = step.branch(opts)
    if step.records:
        handle.record_event(step.records)
    for option in step.options:  # a planned event's date (publication on D)
        if option.event and opts.get(option.name) is not None:
            handle.plan(option.event, opts[option.name])
    if step.effect:
        step.effect(handle, opts)
    for key in step.meets:
        if open_deadlines(handle, key):
            handle.close_deadline(key, status="met")
    for key in (*step.opens, *(branch.opens if branch else ())):
        handle.open_deadline(key)
    stage = workflow.stage(case.state)
    if stage.final:  # what is still asked for lapses: the case can no longer meet it
        case.closed_on = local_date(effective)
        for deadline in handle.still_open:
            handle.close_deadline(deadline.kind, agency=deadline.agency_code,
                                  number=deadline.number, status="lapsed",
                                  note=f"the case ended at {stage.name}: {stage.title}")
    facts = handle.facts_before()
    handle.save_data()
    case.last_step_on = max(case.last_step_on, local_date(effective))
    service.record_history(case, step.name, actor, effective=effective, from_state=from_state,
                           to_state=case.state,
                           note=opts.get("note") or opts.get("reason") or note,
                           data={"options": jsonable(opts),
                                 "deadlines": as_data(handle.changes), "facts": facts,
                                 **({"linked": handle.linked} if handle.linked else {})})
    service.commit(case)
    return StepOutcome(case, step.name, from_state, case.state, local_date(effective),
                       handle.changes)
