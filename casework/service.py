"""The case service: open a case, take a step, pause, resume, extend; agencies.

Every method that changes something writes its history row and commits in one transaction, or
changes nothing. A step runs through the workflow's shared state machine: the case row is
wrapped in a `CaseHandle` (transitions cannot set attributes on an SQLModel row), the step's
guards are asked first so a refusal carries the board's reason, then the machine moves the
stage and the step's deadlines are opened and met.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pendulum
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from casework.calendar import WorkingCalendar
from casework.changes import Change, Closed, Moved, Opened, Progressed, as_data
from casework.clock import Clock, SystemClock, today
from casework.config import Settings
from casework.dates import (
    as_date,
    in_range,
    local_date,
    parse_date,
    parse_moment,
    start_of_day,
)
from casework.db import busy
from casework.errors import (
    Conflict,
    InvalidInput,
    StepNotAllowed,
    StepRefused,
    UnknownAgency,
    UnknownCase,
    UnknownDeadline,
    UnknownWorkflow,
)
from casework.events import CLOSED, MOVED, OPENED, WITHDRAWN, DeadlineChange, Listener
from casework.formats import short
from casework.models import (
    Agency,
    BoardContact,
    Case,
    CdopMeeting,
    Deadline,
    History,
    ReferenceCounter,
)
from casework.options import parse_options
from casework.reminders import after, ordered
from casework.timescales import Due, Duration, Rule, effective_rules
from workflows import registry
from workflows.definition import Step, Workflow, open_deadlines

AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,19}$")
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
# Who the board is, by role, for requests' replies and escalations.
BOARD_ROLES = {"chair": "Board chair",
               **{role: title for w in registry.ALL for role, title in w.roles.items()},
               "mailbox": "Board mailbox"}  # the chair, each process's own, the mailbox
T = TypeVar("T")


def atomic(method: Callable[..., T]) -> Callable[..., T]:
    """A change either commits whole or leaves nothing behind, even in a session that lives
    on (the scheduler's, a test's): any error rolls back what the method had staged. Wraps
    CaseService methods and functions whose first argument is the service."""

    @functools.wraps(method)
    def wrapper(self: CaseService, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except StaleDataError:  # met while flushing before a query, not only at commit
            self.session.rollback()
            self._changes.clear()
            raise Conflict("the case was changed by someone else while you were working: look "
                           "at it again (`casework case show`) and retry") from None
        except BaseException as exc:
            self.session.rollback()
            self._changes.clear()
            if busy(exc):  # a row lock held past the lock timeout, mid-step
                raise Conflict("the database is busy with another change: try again") from None
            raise

    return wrapper


class CaseHandle:
    """The plain object a workflow sees: the case row, its deadlines, and what a step did."""

    def __init__(self, service: CaseService, case: Case, deadlines: list[Deadline],
                 effective_at: pendulum.DateTime, actor: str = "") -> None:
        self._service = service
        self.row = case
        self._deadlines = deadlines
        self.effective_at = effective_at
        self.actor = actor
        self.changes: list[Change] = []
        self._data = dict(case.data)
        self.step: Step | None = None  # the step being taken, if any

    @property
    def effective_on(self) -> dt.date:
        return local_date(self.effective_at)

    @property
    def state(self) -> str:
        return self.row.state

    @state.setter
    def state(self, value: str) -> None:
        self.row.state = value

    @property
    def data(self) -> Mapping[str, Any]:
        return self._data

    @property
    def rules(self) -> dict[str, Rule]:
        return {k: Rule.from_data(k, v) for k, v in self.row.timescales.items()}

    def deadlines(self, kind: str) -> Sequence[Deadline]:
        return [d for d in self._deadlines if d.kind == kind]

    def record(self, **values: Any) -> None:
        """Keep facts on the case; None forgets one (a hold lifted, a transfer undone)."""
        for key, value in values.items():
            if value is None:
                self._data.pop(key, None)
            else:
                self._data[key] = _jsonable(value)

    def record_event(self, event: str, at: dt.datetime | None = None) -> None:
        events = dict(self._data.get("events", {}))
        events[event] = pendulum.instance(at or self.effective_at).in_timezone("UTC").isoformat()
        self._data["events"] = events

    def event_at(self, event: str) -> pendulum.DateTime | None:
        stamp = self._data.get("events", {}).get(event)
        return pendulum.parse(stamp) if stamp else None  # type: ignore[return-value]

    def open_deadline(self, key: str, *, agency: str | None = None, due: dt.date | None = None,
                      title: str | None = None, detail: str | None = None,
                      described: str | None = None) -> Deadline:
        workflow = self._service.workflow_of(self.row)
        spec = workflow.deadline(key)
        if spec is None:  # a definition error, not a user's
            raise KeyError(key)
        rule = self.rules[key]
        number = None
        if spec.per_agency or rule.duration is None:
            anchor = self.effective_at
        else:
            anchor = self.event_at(rule.anchor)
            if anchor is None:
                raise InvalidInput(f"{key} counts from {rule.anchor}, which has not happened")
        if rule.before and rule.duration is not None:  # the anchor is a planned event
            when = rule.duration.before(local_date(anchor), self._service.calendar)
            anchor = self.effective_at  # asked from the day the event was planned
        anchor_on = local_date(anchor)
        if due is not None:
            if due < anchor_on:
                raise InvalidInput(f"due date {short(due)} is before {short(anchor_on)}, "
                                   "the day it was set")
            when, rule_text, unit = Due.on_date(due), described or rule.set_by, "date"
        elif rule.duration is None:
            raise InvalidInput(f"{spec.title}: a due date is needed")
        else:
            if not rule.before:
                when = rule.duration.due(anchor, self._service.calendar)
            rule_text, unit = rule.describe(), rule.duration.unit
        if key == "action":
            number = 1 + max((d.number or 0 for d in self.deadlines("action")), default=0)
            unique = f"action:{number}"
        else:
            unique = f"{key}:{agency}" if agency else key
        deadline = Deadline(
            case_id=self.row.id, key=unique, kind=key, number=number,
            title=title or spec.title, detail=detail, agency_code=agency, rule=rule_text,
            unit=unit, anchor_on=anchor_on, original_due_on=when.on, due_on=when.on, due_at=when.at,
            created_at=self._service.clock.now(),
        )
        self._deadlines.append(deadline)
        self._service.session.add(deadline)
        self.changes.append(Opened(unique, when.on))
        self._announce(OPENED, deadline)
        return deadline

    def close_deadline(self, kind: str, *, agency: str | None = None, number: int | None = None,
                       status: str = "met", note: str | None = None) -> Deadline:
        deadline = self._find_open(kind, agency, number)
        deadline.status = status
        deadline.closed_on = local_date(self.effective_at)
        deadline.closed_at = self.effective_at  # when it happened: the history has when recorded
        if note:
            deadline.note = note
        late = (deadline.closed_on - deadline.due_on).days
        self.changes.append(Closed(status, deadline.key, deadline.due_on, max(late, 0)))
        self._announce(WITHDRAWN if status == "waived" else CLOSED, deadline)
        return deadline

    def move_deadline(self, kind: str, due: dt.date, reason: str) -> Deadline:
        """Move an open deadline to a new date as part of a step (a deferral, say): only a
        step that declares it (`Step.moves`), so the replay knows which rows to read."""
        if self.step is not None and kind not in self.step.moves:
            raise KeyError(f"step {self.step.name} moves {kind} without declaring it")
        deadline = self._find_open(kind, None, None)
        self.changes.append(Moved(deadline.key, deadline.due_on, due, reason))
        when = Due.on_date(due)
        previous = deadline.due_on
        deadline.due_on, deadline.due_at = when.on, when.at
        deadline.extensions += 1
        self._announce(MOVED, deadline, previous)
        return deadline

    def plan(self, event: str, on: dt.date) -> None:
        """Record the date an event is planned for (publication) and move every open
        deadline counted back from it, as the new plan puts it."""
        self.record_event(event, start_of_day(on))
        for deadline in self._deadlines:
            rule = self.rules.get(deadline.kind)
            if (deadline.status != "open" or rule is None or not rule.before
                    or rule.anchor != event or rule.duration is None
                    or deadline.rule != rule.describe()):
                continue
            due = rule.duration.before(on, self._service.calendar)
            if due.on != deadline.due_on:
                self.changes.append(Moved(deadline.key, deadline.due_on, due.on,
                                          f"{event.replace('_', ' ')} now {short(on)}"))
                previous = deadline.due_on
                deadline.due_on, deadline.due_at = due.on, due.at
                self._announce(MOVED, deadline, previous)

    def next_meeting(self, after: dt.date) -> dt.date | None:
        return self._service.next_meeting(after)

    def open_linked(self, workflow_key: str, *, note: str, **data: Any) -> str:
        """Open a new case linked to this one, in the same transaction as the step."""
        linked = self._service.open_in_transaction(
            workflow_key, self.row.pseudonym, {}, actor=self.actor, effective=self.effective_at,
            data={"linked_case": self.row.reference, **data}, note=note)
        return linked.reference

    def set_progress(self, kind: str, *, number: int, progress: str) -> Deadline:
        deadline = self._find_open(kind, None, number)
        self.changes.append(Progressed(deadline.key, deadline.progress, progress))
        deadline.progress = progress
        return deadline

    def _announce(self, what: str, deadline: Deadline, previous: dt.date | None = None) -> None:
        self._service.announce(DeadlineChange(what, self.row, deadline, self.actor,
                                              self.effective_at, previous))

    def _find_open(self, kind: str, agency: str | None, number: int | None) -> Deadline:
        for deadline in self.deadlines(kind):
            if (deadline.status == "open" and (agency is None or deadline.agency_code == agency)
                    and (number is None or deadline.number == number)):
                return deadline
        raise UnknownDeadline(f"no open {kind} deadline matches")

    def save_data(self) -> None:
        if self._data != self.row.data:
            self.row.data = dict(self._data)


@dataclass
class StepOutcome:
    """What one step did, for the command line to report."""

    case: Case
    step: str
    from_state: str | None
    to_state: str
    effective_on: dt.date
    changes: list[Change] = field(default_factory=list)


class CaseService:
    def __init__(self, session: Session, settings: Settings, clock: Clock | None = None,
                 calendar: WorkingCalendar | None = None,
                 listeners: Sequence[Listener] = ()) -> None:
        self.session = session
        self.settings = settings
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingCalendar(settings.closed_days)
        self.listeners = list(listeners)
        self.dry_run = False  # a preview: everything is done and flushed, nothing committed
        self._changes: list[DeadlineChange] = []

    # -- agencies -------------------------------------------------------------------------

    def agencies(self, include_inactive: bool = False) -> list[Agency]:
        query = select(Agency).order_by(Agency.code)
        if not include_inactive:
            query = query.where(Agency.active)
        return list(self.session.exec(query))

    def agency(self, code: str) -> Agency:
        found = self.session.exec(select(Agency).where(Agency.code == code.strip().upper()))
        agency = found.first()
        if agency is None:
            raise UnknownAgency(code, [a.code for a in self.agencies()])
        return agency

    def active_agency_code(self, code: str) -> str:
        agency = self.agency(code)
        if not agency.active:
            raise InvalidInput(f"agency {agency.code} is no longer active")
        return agency.code

    @atomic
    def add_agency(self, code: str, name: str, contact_email: str | Sequence[str],
                   escalation_email: str | Sequence[str] | None, *, actor: str) -> Agency:
        code = code.strip().upper()
        if not AGENCY_CODE.match(code):
            raise InvalidInput(f"agency code {code!r} must be 2-20 letters, digits, - or _, "
                               "starting with a letter (e.g. POLICE, KCC-CSC)")
        if self.session.exec(select(Agency.id).where(Agency.code == code)).first():
            raise InvalidInput(f"agency {code} already exists (change it with "
                               "`casework agency update`)")
        agency = Agency(code=code, name=_agency_name(name),
                        contact_email=addresses(contact_email, "--email"),
                        escalation_email=addresses(escalation_email, "--escalation-email")
                        if escalation_email else None,
                        created_at=self.clock.now())
        self.session.add(agency)
        self._history(None, "agency_added", actor, note=f"{code}: {agency.name}",
                      data={"code": code, "name": agency.name})
        self._commit()
        return agency

    @atomic
    def update_agency(self, code: str, *, actor: str, name: str | None = None,
                      contact_email: str | Sequence[str] | None = None,
                      escalation_email: str | Sequence[str] | None = None,
                      active: bool | None = None) -> Agency:
        agency = self.agency(code)
        changed: dict[str, Any] = {}
        if name is not None:
            changed["name"] = _agency_name(name)
        if contact_email is not None:
            changed["contact_email"] = addresses(contact_email, "--email")
        if escalation_email is not None:
            changed["escalation_email"] = (addresses(escalation_email, "--escalation-email")
                                           if escalation_email else None)
        if active is not None:
            changed["active"] = active
        if not changed:
            raise InvalidInput("nothing to change: give --name, --email, --escalation-email, "
                               "--active or --inactive")
        before = {k: getattr(agency, k) for k in changed}
        for name, value in changed.items():
            setattr(agency, name, value)
        self._history(None, "agency_updated", actor, note=agency.code,
                      data={"code": agency.code, "from": before, "to": changed})
        self._commit()
        return agency

    # -- the board ------------------------------------------------------------------------

    def board_contacts(self) -> dict[str, BoardContact]:
        """The board's people and mailbox that are set, by role."""
        return {row.role: row for row in self.session.exec(select(BoardContact))}

    @atomic
    def set_board_contact(self, role: str, email: str, *, actor: str,
                          name: str | None = None) -> BoardContact:
        role = role.strip().lower().replace("-", "_")
        if role not in BOARD_ROLES:
            raise InvalidInput(f"no board role {role!r} (roles: {', '.join(BOARD_ROLES)})")
        address = addresses(email, "--email", single=True)
        name = (name or "").strip() or None
        if name and (len(name) > 200 or any(c in name for c in '<>@",;')):
            raise InvalidInput("--name is a person's or mailbox's name, without <>@\",;")
        row = self.session.get(BoardContact, role)
        before = {"email": row.email, "name": row.name} if row else None
        if row is None:
            row = BoardContact(role=role, email=address, updated_at=self.clock.now())
            self.session.add(row)
        row.email, row.name, row.updated_at = address, name, self.clock.now()
        self._history(None, "board_contact_set", actor, note=f"{BOARD_ROLES[role]}: {address}",
                      data={"role": role, "from": before, "to": {"email": address,
                                                                 "name": name}})
        self._commit()
        return row

    # -- reading cases --------------------------------------------------------------------

    def case(self, reference: str) -> Case:
        ref = reference.strip().upper()
        found = self.session.exec(select(Case).where(Case.reference == ref)).first()
        if found is None:
            raise UnknownCase(reference)
        return found

    def deadlines_of(self, case: Case) -> list[Deadline]:
        query = select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)
        return list(self.session.exec(query))

    def history(self, reference: str) -> list[History]:
        case = self.case(reference)
        query = select(History).where(History.case_id == case.id).order_by(History.id)
        return list(self.session.exec(query))

    def workflow_of(self, case: Case) -> Workflow:
        workflow = registry.version(case.workflow_key, case.workflow_version)
        if workflow is None:
            raise UnknownWorkflow(f"{case.reference} runs {case.workflow_key} "
                                  f"{case.workflow_version}, which this casework does not have")
        return workflow

    def allowed_steps(self, case: Case) -> list[Step]:
        if case.paused_on:
            return []
        return self.workflow_of(case).steps_from(case.state)

    def handle(self, case: Case, deadlines: list[Deadline] | None = None) -> CaseHandle:
        """A read-only view of the case, as a workflow's guards see it."""
        if deadlines is None:
            deadlines = self.deadlines_of(case)
        return CaseHandle(self, case, deadlines, self.clock.now())

    def next_meeting(self, after: dt.date) -> dt.date | None:
        """The first CDOP meeting on or after a date."""
        query = (select(CdopMeeting.held_on).where(CdopMeeting.held_on >= after)
                 .order_by(CdopMeeting.held_on).limit(1))
        return self.session.exec(query).first()

    # -- opening a case -------------------------------------------------------------------

    def refer_scr(self, pseudonym: str, *, actor: str, on: str | dt.datetime | None = None,
                  referred_by: str | None = None, note: str | None = None,
                  **options: Any) -> Case:
        """Record the referral of a serious incident: `case open scr` by its own name."""
        from casework.regimes import open_case

        if referred_by:
            options["referred_by"] = referred_by
        return open_case(self, "scr", pseudonym, options, actor=actor, on=on, note=note)

    @atomic
    def open_case(self, workflow: Workflow, pseudonym: str, options: Mapping[str, Any], *,
                  actor: str, effective: pendulum.DateTime, note: str | None = None,
                  different: bool = False) -> Case:
        """Open a case under a chosen version (`casework.regimes.open_case` chooses): its
        reference, and what the version's intake makes of `options`."""
        for attempt in range(5):
            try:
                case = self.open_in_transaction(workflow, pseudonym, options, actor=actor,
                                                effective=effective, note=note,
                                                different=different)
                self._commit()
                return case
            except IntegrityError:  # another coordinator opened the first case of the year
                self.session.rollback()
                if attempt == 4:
                    raise Conflict("could not allocate a case reference: try again") from None
        raise AssertionError("unreachable")

    def open_in_transaction(self, workflow: str | Workflow, pseudonym: str,
                            options: Mapping[str, Any], *, actor: str,
                            effective: pendulum.DateTime, data: dict[str, Any] | None = None,
                            note: str | None = None, different: bool = False) -> Case:
        """Open a case in the caller's transaction: a key (a referral made by a step) runs
        under the version in force on `effective`; `data` adds facts of the caller's."""
        from casework.regimes import in_force, take_intake

        if isinstance(workflow, str):
            workflow = in_force(self.settings, workflow, local_date(effective))
        taken = take_intake(self, workflow, options, effective, different)
        data = {**taken.data, **(data or {})}
        events, opens, meets = taken.events, taken.opens, taken.meets
        stage, dues = taken.stage, taken.dues
        rules = effective_rules(workflow, self.settings.timescales.get(workflow.key),
                                f"config file {self.settings.config_path}")
        pseudonym = required(pseudonym, "--pseudonym")
        if len(pseudonym) > 80:
            raise InvalidInput("a pseudonym is at most 80 characters")
        data = data or {}
        opened_on = local_date(effective)
        year = opened_on.year
        number = self._next_number(workflow.kind, year)
        case = Case(
            reference=f"{workflow.kind.upper()}-{year}-{number:03d}", kind=workflow.kind,
            year=year, number=number, workflow_key=workflow.key,
            workflow_version=workflow.version, pseudonym=pseudonym,
            state=stage or workflow.stages[0].name, opened_on=opened_on, opened_at=effective,
            last_step_on=opened_on, updated_at=self.clock.now(),
            data={}, timescales={k: r.as_data() for k, r in rules.items()},
        )
        self.session.add(case)
        self.session.flush()
        handle = CaseHandle(self, case, [], effective, actor)
        handle.record(**data)
        for event, at in (events or {}).items():
            handle.record_event(event, at)
        handle.record_event(workflow.initial_records)
        for key in (*workflow.initial_opens, *opens):
            due, described = (dues or {}).get(key, (None, None))
            handle.open_deadline(key, due=due, described=described)
        for key in meets:
            handle.close_deadline(key, status="met")
        handle.save_data()
        self._history(case, workflow.initial_records, actor, effective=effective, note=note,
                      to_state=case.state, data={"pseudonym": pseudonym, **_jsonable(data),
                                                 "deadlines": as_data(handle.changes)})
        return case

    def _next_number(self, kind: str, year: int) -> int:
        """The next case number of the year. The UPDATE takes the write lock (a row lock on
        PostgreSQL), so two coordinators referring at once queue rather than collide."""
        counter = (ReferenceCounter.kind == kind) & (ReferenceCounter.year == year)
        bumped = self.session.connection().execute(
            update(ReferenceCounter).where(counter).values(last=ReferenceCounter.last + 1))
        if bumped.rowcount:
            return self.session.exec(select(ReferenceCounter.last).where(counter)).one()
        # First case of its kind this year; a concurrent first insert fails and is retried.
        self.session.add(ReferenceCounter(kind=kind, year=year, last=1))
        self.session.flush()
        return 1

    # -- steps ----------------------------------------------------------------------------

    @atomic
    def advance(self, reference: str, step_name: str, options: Mapping[str, Any] | None = None,
                *, actor: str, on: str | dt.datetime | None = None,
                note: str | None = None) -> StepOutcome:
        """Take one named step in the case's workflow."""
        case = self.case(reference)
        workflow = self.workflow_of(case)
        allowed = [s.name for s in workflow.steps_from(case.state)]
        if not step_name.strip():
            self._refuse_if_paused(case)
            raise StepNotAllowed(case.reference, None, case.state, allowed)
        step = workflow.step(step_name.strip().lower().replace("-", "_"))
        if step is None or step.name not in allowed:
            raise StepNotAllowed(case.reference, step_name, case.state, allowed)
        self._refuse_if_paused(case)
        opts = parse_options(step, dict(options or {}), self.active_agency_code,
                             lambda code: self.agency(code).code)
        if note and step.option("note"):
            opts["note"] = note
        effective = self.effective(on, not_before=case.last_step_on)
        handle = CaseHandle(self, case, self.deadlines_of(case), effective, actor)
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
        if workflow.stage(case.state).final:
            case.closed_on = local_date(effective)
        handle.save_data()
        case.last_step_on = max(case.last_step_on, local_date(effective))
        self._history(case, step.name, actor, effective=effective, from_state=from_state,
                      to_state=case.state, note=opts.get("note") or opts.get("reason") or note,
                      data={"options": _jsonable(opts), "deadlines": as_data(handle.changes)})
        self._commit(case)
        return StepOutcome(case, step.name, from_state, case.state, local_date(effective),
                           handle.changes)

    # -- pause, resume, extend ------------------------------------------------------------

    @atomic
    def pause(self, reference: str, reason: str, *, actor: str,
              on: str | dt.datetime | None = None) -> Case:
        case = self.case(reference)
        self._refuse_if_closed(case)
        self._refuse_if_paused(case)
        reason = required(reason, "--reason")
        effective = self.effective(on, not_before=case.last_step_on)
        case.paused_on = local_date(effective)
        case.pause_reason = reason
        for deadline in self.deadlines_of(case):
            deadline.next_level_at = None
        self._history(case, "pause", actor, effective=effective, note=reason,
                      from_state=case.state, to_state=case.state)
        self._commit(case)
        return case

    @atomic
    def resume(self, reference: str, *, actor: str, on: str | dt.datetime | None = None,
               note: str | None = None) -> Case:
        """Lift a pause: every deadline not yet due when it began moves on by its length."""
        case = self.case(reference)
        if not case.paused_on:
            raise StepRefused(f"{case.reference} is not paused")
        effective = self.effective(on, not_before=case.paused_on)
        resumed_on = local_date(effective)
        days = (resumed_on - case.paused_on).days
        workflow = self.workflow_of(case)
        # A date agreed while the case was paused (extended after the pause was recorded)
        # already allows for the pause.
        rows = self.history(case.reference)
        paused_at = max(row.id or 0 for row in rows if row.step == "pause")
        agreed = {row.data.get("deadline") for row in rows
                  if row.step == "extend" and (row.id or 0) > paused_at}
        moved = []
        deadlines = self.deadlines_of(case)
        for deadline in deadlines:
            spec = workflow.deadline(deadline.kind)
            if (deadline.status != "open" or deadline.due_on < case.paused_on or days == 0
                    or (spec is not None and spec.fixed) or deadline.key in agreed):
                continue
            new_due = self._shifted(case, deadline, days)
            moved.append({"deadline": deadline.key, "from": deadline.due_on.isoformat(),
                          "to": new_due.on.isoformat()})
            previous = deadline.due_on
            deadline.paused_days += (new_due.on - deadline.due_on).days
            deadline.due_on, deadline.due_at = new_due.on, new_due.at
            self.announce(DeadlineChange(MOVED, case, deadline, actor, effective, previous))
        data = {"paused_on": case.paused_on.isoformat(), "reason": case.pause_reason,
                "days": days, "moved": moved}
        case.paused_on = None
        case.pause_reason = None
        shifted = {item["deadline"] for item in moved}
        for deadline in deadlines:  # reminders go on; moved ones afresh
            self.schedule_levels(case, deadline, not_before=self.clock.now()
                                 if deadline.key in shifted else None)
        case.last_step_on = max(case.last_step_on, resumed_on)
        self._history(case, "resume", actor, effective=effective, note=note,
                      from_state=case.state, to_state=case.state, data=data)
        self._commit(case)
        return case

    def _shifted(self, case: Case, deadline: Deadline, days: int) -> Due:
        """A deadline moved on by `days` of pause, in the unit its rule counts in."""
        unit = deadline.unit
        if unit == "hours":
            instant = pendulum.instance(deadline.due_at).add(days=days)
            return Due(local_date(instant), instant)
        new_on = as_date(deadline.due_on).add(days=days)
        if unit == "working_days":
            new_on = as_date(self.calendar.next_working_day(new_on))
        return Due.on_date(new_on)

    @atomic
    def extend(self, reference: str, deadline_key: str, *, reason: str, actor: str,
               to: str | None = None, by: str | None = None) -> Deadline:
        """Move one deadline later, keeping its original due date for slippage reports."""
        case = self.case(reference)
        self._refuse_if_closed(case)
        reason = required(reason, "--reason")
        deadline = self._deadline_by_key(case, deadline_key)
        spec = self.workflow_of(case).deadline(deadline.kind)
        if spec is not None and spec.fixed:
            raise StepRefused(f"{case.reference}: {deadline.key} cannot be extended: {spec.fixed}")
        if (to is None) == (by is None):
            raise InvalidInput("give either --to DATE or --by DURATION (e.g. '10 working days')")
        if to is not None:
            new_on = parse_date(to, what="--to")
        else:
            new_on = in_range(Duration.parse(by or "").from_date(deadline.due_on, self.calendar),
                              f"{deadline.key} extended by {by}")
        if new_on <= deadline.due_on:
            raise InvalidInput(f"an extension must move the deadline later than "
                               f"{short(deadline.due_on)}")
        new_due = Due.on_date(new_on)
        data = {"deadline": deadline.key, "from": deadline.due_on.isoformat(),
                "to": new_on.isoformat(), "original": deadline.original_due_on.isoformat()}
        previous = deadline.due_on
        deadline.due_on, deadline.due_at = new_due.on, new_due.at
        deadline.extensions += 1
        case.updated_at = self.clock.now()
        self.announce(DeadlineChange(MOVED, case, deadline, actor, self.clock.now(), previous))
        self._history(case, "extend", actor, effective=self.clock.now(), note=reason,
                      from_state=case.state, to_state=case.state, data=data)
        self._commit(case)
        return deadline

    def _deadline_by_key(self, case: Case, key: str) -> Deadline:
        wanted = key.strip().lower()
        if re.fullmatch(r"a\d+", wanted):
            wanted = f"action:{wanted[1:]}"
        deadlines = self.deadlines_of(case)
        for deadline in deadlines:
            if deadline.key.lower() == wanted:
                if deadline.status != "open":
                    raise InvalidInput(f"{deadline.key} is already {deadline.status}")
                return deadline
        keys = ", ".join(d.key for d in deadlines if d.status == "open") or "none"
        raise UnknownDeadline(f"{case.reference} has no deadline {key!r} (open: {keys})")

    # -- plumbing -------------------------------------------------------------------------

    def effective(self, on: str | dt.datetime | None, *,
                   not_before: dt.date | None) -> pendulum.DateTime:
        """When a step happened: now, or an earlier moment the coordinator gives with --on."""
        now = self.clock.now()
        if on is None:
            return now
        moment = parse_moment(on, what="--on") if isinstance(on, str) else pendulum.instance(on)
        if moment > now:
            raise InvalidInput(f"--on {on} is in the future (today is {short(today(self.clock))})")
        if not_before and local_date(moment) < not_before:
            raise InvalidInput(f"--on {short(local_date(moment))} is before the case's last "
                               f"recorded step ({short(not_before)})")
        return moment

    def _refuse_if_paused(self, case: Case) -> None:
        if case.paused_on:
            raise StepRefused(f"{case.reference} is paused since {short(case.paused_on)} "
                              f"({case.pause_reason}): resume it first")

    def _refuse_if_closed(self, case: Case) -> None:
        if self.workflow_of(case).stage(case.state).final:
            raise StepRefused(f"{case.reference} is closed")

    def _history(self, case: Case | None, step: str, actor: str, *,
                 effective: dt.datetime | None = None, from_state: str | None = None,
                 to_state: str | None = None, note: str | None = None,
                 data: dict[str, Any] | None = None) -> None:
        now = self.clock.now()
        if case is not None:
            case.updated_at = now
        self.session.add(History(
            case_id=case.id if case else None, at=now, effective_at=effective or now,
            actor=required(actor, "--actor"), step=step, from_state=from_state,
            to_state=to_state, note=note, data=data or {}))

    def record_board_event(self, step: str, actor: str, *, note: str | None = None,
                           data: dict[str, Any] | None = None) -> None:
        """History for a change that belongs to no one case (a meeting, an agency)."""
        self._history(None, step, actor, note=note, data=data)

    def record_email_event(self, case_id: int | None, step: str, actor: str, *, note: str,
                           data: dict[str, Any]) -> None:
        """History for an email queued, sent or failed. It leaves the case row alone, so
        delivery never makes a coordinator's copy of the case stale."""
        now = self.clock.now()
        self.session.add(History(case_id=case_id, at=now, effective_at=now, actor=actor,
                                 step=step, note=note, data=data))

    def announce(self, change: DeadlineChange) -> None:
        """Point the deadline at its next reminder, and tell the listeners when the change is
        about to commit."""
        if change.what == OPENED:
            self.schedule_levels(change.case, change.deadline, not_before=change.at)
        elif change.what == MOVED:
            self.schedule_levels(change.case, change.deadline, not_before=self.clock.now())
        else:
            change.deadline.next_level_at = None
        self._changes.append(change)

    def schedule_levels(self, case: Case, deadline: Deadline, *,
                        not_before: dt.datetime | None = None) -> None:
        """Set when the deadline's next reminder or escalation falls due. With `not_before`
        (it opened, or its date moved) it starts afresh for its due date, from the first
        level not before then; without, it goes on after the level it reached."""
        if not_before is not None:
            deadline.level_reached = None
        if deadline.status != "open" or case.paused_on:
            deadline.next_level_at = None  # a paused case's clock, and its reminders, stop
            return
        levels = self.settings.reminders.levels(case.workflow_key, deadline.kind,
                                                deadline.unit == "hours")
        pending = after(ordered(levels, deadline.due_on, deadline.due_at, self.calendar),
                        deadline.level_reached)
        if not_before is not None:
            pending = [(level, at) for level, at in pending if at >= not_before]
        deadline.next_level_at = pending[0][1] if pending else None

    def commit(self) -> None:
        self._commit()

    def _commit(self, case: Case | None = None) -> None:
        changes, self._changes = self._changes, []
        try:
            if changes and self.listeners:
                self.session.flush()  # the listeners' rows refer to the deadlines' ids
                for change in changes:
                    for listener in self.listeners:
                        listener(self, change)
            if self.dry_run:
                self.session.flush()
                return
            self.session.commit()
        except StaleDataError:
            self.session.rollback()
            reference = case.reference if case is not None else "the record"
            raise Conflict(f"{reference} was changed by someone else while you were working: "
                           "look at it again (`casework case show`) and retry") from None
        except OperationalError as exc:
            self.session.rollback()
            if busy(exc):
                raise Conflict("the database is busy with another change: try again") from None
            raise


def required(value: str | None, flag: str) -> str:
    """The stripped text of an option that must not be empty."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{flag} must not be empty")
    return text


def _agency_name(value: str | None) -> str:
    text = required(value, "--name")
    if len(text) > 200:
        raise InvalidInput("an agency's --name is at most 200 characters")
    return text


def addresses(value: str | Sequence[str] | None, flag: str, *, single: bool = False) -> str:
    """One or more email addresses (repeated, or separated by commas or semicolons), checked
    one by one and kept as "a@x.org, b@y.org"."""
    given = [value] if value is None or isinstance(value, str) else list(value)
    found: list[str] = []
    for text in given:
        for part in re.split(r"[,;]", required(text, flag)):
            address = part.strip()
            if not address:
                continue
            if len(address) > 254 or not EMAIL.match(address):
                raise InvalidInput(f"{flag} {address!r} is not an email address")
            if address.lower() not in (a.lower() for a in found):
                found.append(address)
    if not found:
        raise InvalidInput(f"{flag} must not be empty")
    if single and len(found) > 1:
        raise InvalidInput(f"{flag} takes one address")
    joined = ", ".join(found)
    if len(joined) > 320:
        raise InvalidInput(f"{flag}: at most 320 characters of addresses in all")
    return joined


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
