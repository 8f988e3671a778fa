"""Reminders before a deadline and escalations after it: the board's policy, as data.

A level says who hears, and when, counted from the due date:

    owner -5 working days        the owner, 5 working days before the due date
    owner 0 days                 the owner, on the due date
    escalation +5 working days   the agency's escalation contact, the panel chair in copy
    board +20 working days       the board chair

The owner is the agency asked (its safeguarding contact), or the board mailbox for the board's
own deadlines (a decision, a panel, an audit). Levels counted in days fire at 07:00 London time
on their day; deadlines that run in hours (a rapid response home visit) use the hours policy,
counted from the due instant. A board overrides the policy in its config file:

    [reminders]
    default = ["owner -5 working days", "owner 0 days", "escalation +5 working days",
               "board +20 working days"]
    hours = ["owner -4 hours", "escalation +4 hours", "board +24 hours"]
    [reminders.kinds]                      # per kind of deadline: imr, form_b, action, ...
    action = ["owner -10 working days", "owner 0 days", "escalation +10 working days"]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pendulum

from casework.calendar import WorkingCalendar
from casework.clock import LOCAL_TZ, UTC
from casework.errors import InvalidInput
from casework.timescales import UNITS

if TYPE_CHECKING:
    from casework.models import Case, Deadline

WHO = {"owner": "reminder", "escalation": "escalation", "board": "escalation"}
DAY_TIME = 7  # levels counted in days fire at 07:00 on their day, before the working day
_LEVEL = re.compile(r"^\s*(owner|escalation|board)\s+([+-]?)(\d{1,3})\s+([a-z_ ]+?)\s*$")
_ABBREVIATIONS = {"hours": "h", "days": "d", "working_days": "wd", "weeks": "w"}
_UNITS_BY_ABBREVIATION = {short: unit for unit, short in _ABBREVIATIONS.items()}
_NAME = re.compile(r"^(owner|escalation|board)([+-]\d{1,3})(h|d|wd|w)$")
# What reaching a level means, in the board's listing: the last of these a deadline reached.
REACHED = {"owner": "reminded", "escalation": "escalated", "board": "escalated to the board chair"}


@dataclass(frozen=True)
class Level:
    who: str  # owner | escalation | board
    amount: int  # negative: before the due date
    unit: str  # hours | days | working_days | weeks

    @classmethod
    def parse(cls, text: str) -> Level:
        match = _LEVEL.match(str(text).lower())
        unit = UNITS.get(match.group(4)) if match else None
        if not match or unit is None or unit == "months":
            raise InvalidInput(
                f"malformed reminder level {text!r}: use WHO OFFSET, e.g. 'owner -5 working "
                "days', 'owner 0 days', 'escalation +5 working days', 'board +24 hours' (WHO: "
                "owner, escalation or board; units: hours, days, working days, weeks)")
        amount = int(match.group(3)) * (-1 if match.group(2) == "-" else 1)
        return cls(match.group(1), amount, unit)

    @property
    def name(self) -> str:
        """Stable, short, part of each email's key: `owner-5wd`, `escalation+5wd`."""
        return f"{self.who}{self.amount:+d}{_ABBREVIATIONS[self.unit]}"

    @property
    def kind(self) -> str:
        return WHO[self.who]

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.who} {self.amount:+d} {word}"

    @classmethod
    def from_name(cls, name: str) -> Level | None:
        """The level a stored name (`escalation+5wd`) stands for; None if it is not one."""
        match = _NAME.match(name)
        if not match:
            return None
        return cls(match.group(1), int(match.group(2)), _UNITS_BY_ABBREVIATION[match.group(3)])

    def describe(self) -> str:
        """For the board: `escalated, 5 working days after the due date`."""
        word = self.unit.replace("_", " ")
        if self.amount == 1 or self.amount == -1:
            word = word.removesuffix("s")
        when = ("on the due date" if self.amount == 0 else
                f"{abs(self.amount)} {word} {'before' if self.amount < 0 else 'after'} "
                "the due date")
        return f"{REACHED[self.who]}, {when}"

    def at(self, due_on: dt.date, due_at: dt.datetime,
           calendar: WorkingCalendar) -> pendulum.DateTime:
        """The instant this level falls due for a deadline due on `due_on` (by `due_at`)."""
        if self.unit == "hours":
            return pendulum.instance(due_at).in_timezone(UTC).add(hours=self.amount)
        if self.unit == "working_days":
            day = calendar.add_working_days(due_on, self.amount)
        elif self.unit == "weeks":
            day = due_on + dt.timedelta(weeks=self.amount)
        else:
            day = due_on + dt.timedelta(days=self.amount)
        local = pendulum.datetime(day.year, day.month, day.day, DAY_TIME, tz=LOCAL_TZ)
        return local.in_timezone(UTC)


DEFAULT = ("owner -5 working days", "owner 0 days", "escalation +5 working days",
           "board +20 working days")
HOURS = ("owner -4 hours", "escalation +4 hours", "board +24 hours")


@dataclass(frozen=True)
class Policy:
    default: tuple[Level, ...] = tuple(Level.parse(t) for t in DEFAULT)
    hours: tuple[Level, ...] = tuple(Level.parse(t) for t in HOURS)
    kinds: Mapping[str, tuple[Level, ...]] = field(default_factory=dict)

    def levels(self, workflow_key: str, kind: str, timed: bool) -> tuple[Level, ...]:
        """A kind's own levels (`scr.notification` before `notification`), else the hours
        policy for a deadline that runs in hours, else the default."""
        for key in (f"{workflow_key}.{kind}", kind):
            if key in self.kinds:
                return self.kinds[key]
        return self.hours if timed else self.default

    @classmethod
    def from_config(cls, table: Any, where: str) -> Policy:
        if not isinstance(table, dict):
            raise InvalidInput(f"{where} must be a table")
        unknown = set(table) - {"default", "hours", "kinds"}
        if unknown:
            raise InvalidInput(f"{where}: unknown setting {sorted(unknown)[0]!r} "
                               "(known: default, hours, kinds)")
        kinds = table.get("kinds", {})
        if not isinstance(kinds, dict):
            raise InvalidInput(f"{where}.kinds must be a table of kind = [levels]")
        policy = cls()
        return cls(
            default=_levels(table["default"], f"{where} default") if "default" in table
            else policy.default,
            hours=_levels(table["hours"], f"{where} hours") if "hours" in table
            else policy.hours,
            kinds={key: _levels(value, f"{where}.kinds {key}") for key, value in kinds.items()})


def _levels(values: Any, where: str) -> tuple[Level, ...]:
    if not isinstance(values, list):
        raise InvalidInput(f"{where} must be a list, e.g. [\"owner 0 days\"]")
    try:
        levels = tuple(Level.parse(v) for v in values)
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc}") from None
    names = [level.name for level in levels]
    if len(set(names)) != len(names):
        raise InvalidInput(f"{where}: a level is given twice")
    return levels


def pending_levels(policy: Policy, calendar: WorkingCalendar, case: Case, deadline: Deadline,
                   not_before: dt.datetime | None = None
                   ) -> list[tuple[Level, pendulum.DateTime]]:
    """The reminders and escalations still to come for a deadline, with their instants,
    earliest first: the levels the policy sets for its kind, after the one it reached (all
    of them when none was, or it is not there), and none before `not_before` when given.
    The one reckoning both the service (pointing a deadline at its next level) and the
    sweep (issuing what is due) use."""
    return levels_after(policy, calendar, case.workflow_key, deadline.kind, deadline.unit,
                        deadline.due_on, deadline.due_at, deadline.level_reached, not_before)


def levels_after(policy: Policy, calendar: WorkingCalendar, workflow_key: str, kind: str,
                 unit: str, due_on: dt.date, due_at: dt.datetime, level_reached: str | None,
                 not_before: dt.datetime | None = None
                 ) -> list[tuple[Level, pendulum.DateTime]]:
    """`pending_levels` from the deadline's columns alone: what a reschedule of a million
    rows asks once for each distinct combination, without loading a row as an object."""
    levels = policy.levels(workflow_key, kind, unit == "hours")
    schedule = sorted(((level, level.at(due_on, due_at, calendar)) for level in levels),
                      key=lambda pair: pair[1])
    names = [level.name for level, _ in schedule]
    if level_reached in names:
        schedule = schedule[names.index(level_reached) + 1:]
    if not_before is not None:
        schedule = [(level, at) for level, at in schedule if at >= not_before]
    return schedule


def due_now(pending: list[tuple[Level, pendulum.DateTime]],
            now: dt.datetime) -> tuple[list[Level], list[Level]]:
    """Of the levels due by `now`, which to issue and which were overtaken: every escalation
    due is issued (they go to different people); a reminder only if it is the latest one due
    and no escalation is - the reminders an escalation overtook are not sent."""
    due = [level for level, at in pending if at <= now]
    escalations = [level for level in due if level.kind == "escalation"]
    issue = escalations or due[-1:]
    return issue, [level for level in due if level not in issue]
