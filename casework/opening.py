"""Opening a case under a chosen version of its process: its reference, its first facts and
deadlines, and the history row that records it.

`casework.regimes.open_case` is the one door that chooses the version; this is what happens
once it has. Apart from the service so that a referral's rules (references allocated under a
lock, retried on a clash) sit on one screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pendulum
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from casework import child_names as names_of_child
from casework import disclosure, regimes
from casework.changes import as_data
from casework.dates import local_date
from casework.errors import Conflict, InvalidInput
from casework.handle import CaseHandle, jsonable
from casework.models import Case, ReferenceCounter
from casework.options import one_line, required
from casework.timescales import effective_rules
from casework.transaction import atomic
from workflows.definition import Workflow

if TYPE_CHECKING:
    from casework.service import CaseService


def refer_scr(service: CaseService, pseudonym: str, *, actor: str,
              on: str | dt.datetime | None = None, referred_by: str | None = None,
              note: str | None = None, child_names: Sequence[str] = (),
              **options: Any) -> Case:
    """Record the referral of a serious incident: `case open scr` by its own name."""
    if referred_by:
        options["referred_by"] = referred_by
    return regimes.open_case(service, "scr", pseudonym, options, actor=actor, on=on, note=note,
                             child_names=child_names)


@atomic
def open_case(service: CaseService, workflow: Workflow, pseudonym: str,
              options: Mapping[str, Any], *, actor: str, effective: pendulum.DateTime,
              note: str | None = None, different: bool = False,
              child_names: Sequence[str] = ()) -> Case:
    """Open a case under a chosen version (`casework.regimes.open_case` chooses): its
    reference, and what the version's intake makes of `options`."""
    for attempt in range(5):
        try:
            case = open_in_transaction(service, workflow, pseudonym, options, actor=actor,
                                       effective=effective, note=note, different=different,
                                       child_names=child_names)
            service.commit()
            return case
        except IntegrityError:  # another coordinator opened the first case of the year
            service.rollback()  # and what the attempt staged for the listeners
            if attempt == 4:
                raise Conflict("could not allocate a case reference: try again") from None
    raise AssertionError("unreachable")


def open_in_transaction(service: CaseService, workflow: str | Workflow, pseudonym: str,
                        options: Mapping[str, Any], *, actor: str,
                        effective: pendulum.DateTime, data: dict[str, Any] | None = None,
                        note: str | None = None, different: bool = False,
                        child_names: Sequence[str] = ()) -> Case:
    """Open a case in the caller's transaction: a key (a referral made by a step) runs
    under the version in force on its key date; `data` adds facts of the caller's.
    `child_names`: the child's real names, kept only as keyed hashes (casework.child_names)
    that every text typed about the case is checked against, from this one on."""
    if isinstance(workflow, str):
        key_date = regimes.key_day(regimes.process(workflow), options, effective,
                                   service.active_agency_code)
        workflow = regimes.in_force(service.settings, workflow, key_date)
    names = names_of_child.hashes(child_names)
    disclosure.check(note, "--note", names)
    disclosure.check(pseudonym, "--pseudonym", names)
    taken = regimes.take_intake(service, workflow, options, effective, different, names)
    data = {**taken.data, **(data or {})}
    events, opens, meets = taken.events, taken.opens, taken.meets
    stage, dues = taken.stage, taken.dues
    rules = effective_rules(workflow, service.settings.timescales.get(workflow.key),
                            f"config file {service.settings.config_path}")
    pseudonym = one_line(required(pseudonym, "--pseudonym"), "--pseudonym")
    if len(pseudonym) > 80:
        raise InvalidInput("a pseudonym is at most 80 characters")
    opened_on = local_date(effective)
    year = opened_on.year
    number = _next_number(service, workflow.kind, year)
    case = Case(
        reference=f"{workflow.kind.upper()}-{year}-{number:03d}", kind=workflow.kind,
        year=year, number=number, workflow_key=workflow.key,
        workflow_version=workflow.version, pseudonym=pseudonym,
        state=stage or workflow.stages[0].name, opened_on=opened_on, opened_at=effective,
        last_step_on=opened_on, updated_at=service.clock.now(),
        data={}, timescales={k: r.as_data() for k, r in rules.items()},
    )
    service.session.add(case)
    service.session.flush()
    handle = CaseHandle(service, case, [], effective, actor)
    handle.record(**data)
    for event, at in (events or {}).items():
        handle.record_event(event, at)
    handle.record_event(workflow.initial_records)
    for key in (*workflow.initial_opens, *opens):
        due, described = (dues or {}).get(key, (None, None))
        handle.open_deadline(key, due=due, described=described)
    for key in meets:
        handle.close_deadline(key, status="met")
    if names:  # kept apart from the facts: never shown, exported or put in the history
        handle.record(**{names_of_child.STORED_AS: names})
    handle.save_data()
    service.record_history(case, workflow.initial_records, actor, effective=effective,
                           note=note, to_state=case.state,
                           data={"pseudonym": pseudonym, **jsonable(data),
                                 "deadlines": as_data(handle.changes)})
    return case


def _next_number(service: CaseService, kind: str, year: int) -> int:
    """The next case number of the year. The UPDATE takes the write lock (a row lock on
    PostgreSQL), so two coordinators referring at once queue rather than collide."""
    counter = (ReferenceCounter.kind == kind) & (ReferenceCounter.year == year)
    bumped = service.session.connection().execute(
        update(ReferenceCounter).where(counter).values(last=ReferenceCounter.last + 1))
    if bumped.rowcount:
        return service.session.exec(select(ReferenceCounter.last).where(counter)).one()
    # First case of its kind this year; a concurrent first insert fails and is retried.
    service.session.add(ReferenceCounter(kind=kind, year=year, last=1))
    service.session.flush()
    return 1
