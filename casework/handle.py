"""What a workflow sees of a case while a step runs, and what the step did.

Workflows never touch the database: a step's guards and effects are handed a `CaseHandle`, a
plain object (transitions cannot set attributes on an SQLModel row) that reads and writes the
case's stage and facts and opens, meets, moves and counts back its deadlines through the
service, announcing each change so its emails are queued in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pendulum

from casework import child_names
from casework.changes import Change, Closed, Moved, Opened, Progressed
from casework.dates import local_date, start_of_day
from casework.errors import InvalidInput, UnknownDeadline
from casework.events import CLOSED, MOVED, OPENED, WITHDRAWN, DeadlineChange
from casework.models import Case, Deadline
from casework.timescales import Due, Rule
from workflows.definition import Step
from workflows.formats import short

if TYPE_CHECKING:
    from casework.service import CaseService


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
        self.linked: list[str] = []  # cases this step opened (a void must not orphan them)

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
        """The case's deadlines of a kind, leaving out those withdrawn as mistakes."""
        return [d for d in self._deadlines if d.kind == kind and d.status != "withdrawn"]

    @property
    def still_open(self) -> list[Deadline]:
        """Every deadline of the case still waiting to be met."""
        return [d for d in self._deadlines if d.status == "open"]

    def record(self, **values: Any) -> None:
        """Keep facts on the case; None forgets one (a hold lifted, a transfer undone)."""
        for key, value in values.items():
            if value is None:
                self._data.pop(key, None)
            else:
                self._data[key] = jsonable(value)

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
        if key == "action":  # a withdrawn action keeps its number: A2 is never reused
            number = 1 + max((d.number or 0 for d in self._deadlines if d.kind == key),
                             default=0)
            unique = f"action:{number}"
        else:
            unique = f"{key}:{agency}" if agency else key
            self._set_aside(unique)
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

    def _set_aside(self, key: str) -> None:
        """Asked again after a void withdrew it: the withdrawn row keeps its id under
        `key~id`, so the key is free and the history still says what it was."""
        for deadline in self._deadlines:
            if deadline.key == key and deadline.status == "withdrawn":
                deadline.key = f"{key}~{deadline.id}"
                self._service.session.flush()

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
        self._announce(CLOSED if status in ("met", "carried_forward") else WITHDRAWN, deadline)
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

    def open_linked(self, workflow_key: str, *, note: str,
                    options: Mapping[str, Any] | None = None, **data: Any) -> str:
        """Open a new case linked to this one, in the same transaction as the step; `options`
        are what the target's intake asks for (read as if typed; those not given dropped)."""
        given = {k: v for k, v in (options or {}).items()
                 if v is not None and v is not False and v != [] and v != ""}  # 0 is given
        linked = self._service.open_in_transaction(
            workflow_key, self.row.pseudonym, given, actor=self.actor,
            effective=self.effective_at, data={"linked_case": self.row.reference, **data},
            note=note)
        kept = child_names.of(self._data)
        if kept:  # the same child: its texts are checked against the same names
            linked.data = {**linked.data, child_names.STORED_AS: kept}
        self.linked.append(linked.reference)
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

    def facts_before(self) -> dict[str, Any]:
        """What the facts this step changed were before it (None: absent), so a void can
        put them back."""
        before = self.row.data
        return {key: before.get(key) for key in sorted({*before, *self._data})
                if before.get(key) != self._data.get(key)}

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


def jsonable(value: Any) -> Any:
    """A value as JSON keeps it: dates and instants in ISO form, tuples as lists."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
