"""The case service: what every change to a case goes through.

It holds what all of them share - the session, the board's settings, the clock, the working
calendar, the listeners that turn deadline changes into emails - and the plumbing each change
ends with: one history row, the reminder pointer of every deadline it touched, and one commit
(or nothing, on any error: `casework.transaction.atomic`). What each change does lives in its
own module and is taken on here as a method, so callers keep one object to ask:

    agencies and board contacts   casework.agencies
    opening a case                casework.opening
    taking a step                 casework.steps
    pause, resume, extend         casework.pauses
    withdraw, correct             casework.corrections
    void                          casework.voiding
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pendulum
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

import casework.agencies
import casework.corrections
import casework.opening
import casework.pauses
import casework.steps
import casework.voiding
from casework.calendar import WorkingCalendar
from casework.clock import Clock, SystemClock, today
from casework.config import Settings
from casework.dates import local_date, parse_moment
from casework.db import busy
from casework.errors import Conflict, InvalidInput, StepRefused, UnknownCase, UnknownWorkflow
from casework.events import MOVED, OPENED, DeadlineChange, Listener
from casework.handle import CaseHandle
from casework.models import Case, CdopMeeting, Deadline, History
from casework.options import required
from casework.reminders import pending_levels
from workflows import registry
from workflows.definition import Step, Workflow
from workflows.formats import short


class CaseService:
    """One session's way in: every change to a case, an agency or the board's contacts."""

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
        self.warnings: list[str] = []  # said on stderr once the command has succeeded

    # -- what changes, each in its own module --------------------------------------------

    agencies = casework.agencies.agencies
    agency = casework.agencies.agency
    active_agency_code = casework.agencies.active_agency_code
    add_agency = casework.agencies.add_agency
    update_agency = casework.agencies.update_agency
    board_contacts = casework.agencies.board_contacts
    set_board_contact = casework.agencies.set_board_contact

    refer_scr = casework.opening.refer_scr
    open_case = casework.opening.open_case
    open_in_transaction = casework.opening.open_in_transaction

    advance = casework.steps.advance

    pause = casework.pauses.pause
    resume = casework.pauses.resume
    extend = casework.pauses.extend

    withdraw = casework.corrections.withdraw
    correct = casework.corrections.correct
    void = casework.voiding.void

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

    def due_typed(self, day: dt.date, what: str) -> None:
        """A due date typed by hand on a weekend, a bank holiday or a day the board is
        closed is kept as typed (the coordinator may mean it), with a warning saying why."""
        why = self.calendar.why_closed(day)
        if why:
            self.warnings.append(f"{what}: {why}; kept as typed")

    def refuse_if_paused(self, case: Case) -> None:
        if case.paused_on:
            raise StepRefused(f"{case.reference} is paused since {short(case.paused_on)} "
                              f"({case.pause_reason}): resume it first")

    def refuse_if_closed(self, case: Case) -> None:
        if self.workflow_of(case).stage(case.state).final:
            raise StepRefused(f"{case.reference} is closed")

    def record_history(self, case: Case | None, step: str, actor: str, *,
                       effective: dt.datetime | None = None, from_state: str | None = None,
                       to_state: str | None = None, note: str | None = None,
                       data: dict[str, Any] | None = None) -> None:
        """The change's row in the append-only history, staged with the change itself."""
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
        self.record_history(None, step, actor, note=note, data=data)

    def record_email_event(self, case_id: int | None, step: str, actor: str, *, note: str,
                           data: dict[str, Any], effective: dt.datetime | None = None) -> None:
        """History for an email queued, sent or failed. It leaves the case row alone, so
        delivery never makes a coordinator's copy of the case stale. `effective`: when it
        happened, if not now (a sweep run as of an earlier day, back-filling a year)."""
        now = self.clock.now()
        self.session.add(History(case_id=case_id, at=now, effective_at=effective or now,
                                 actor=actor, step=step, note=note, data=data))

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
        pending = pending_levels(self.settings.reminders, self.calendar, case, deadline,
                                 not_before)
        deadline.next_level_at = pending[0][1] if pending else None

    def commit(self, case: Case | None = None) -> None:
        """Hand the deadline changes to the listeners (their outbox rows join the
        transaction), then commit - or, in a dry run, only flush. A stale `case` (someone
        else's change came first) is a Conflict naming it."""
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

    def rollback(self) -> None:
        """Drop everything staged, and the deadline changes no listener has heard yet."""
        self.session.rollback()
        self._changes.clear()
