"""Timescales as data: "5 working days after the decision", and the due dates they give.

A rule is a duration and an anchor. Day 0 is the anchor's own day; a deadline on day D runs to
the end of D in Europe/London. Hours are real elapsed hours (24 hours across the autumn clock
change is still 24 hours); days, weeks and months are counted on local dates, and months clamp
to the month's end (31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pendulum

from casework.calendar import WorkingCalendar
from casework.clock import LOCAL_TZ, UTC
from casework.dates import as_date, end_of_day
from casework.errors import InvalidInput

UNITS = {
    "hour": "hours", "hours": "hours",
    "day": "days", "days": "days", "calendar day": "days", "calendar days": "days",
    "working day": "working_days", "working days": "working_days",
    "working_day": "working_days", "working_days": "working_days",
    "week": "weeks", "weeks": "weeks",
    "month": "months", "months": "months", "calendar month": "months",
    "calendar months": "months",
}
_DURATION = re.compile(r"^\s*(\d{1,3})\s+([a-z_ ]+?)\s*$")  # at most 999 of a unit


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # hours | days | working_days | weeks | months

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match((text or "").lower())
        unit = UNITS.get(match.group(2)) if match else None
        if not match or unit is None:
            raise InvalidInput(
                f"malformed duration {text!r}: use e.g. '24 hours', '10 days', "
                "'5 working days', '6 weeks' or '1 month' (at most 999)")
        return cls(int(match.group(1)), unit)

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.amount} {word[:-1] if self.amount == 1 else word}"

    def due(self, anchor: dt.datetime, calendar: WorkingCalendar) -> Due:
        """When something anchored at `anchor` (an instant) falls due."""
        local = pendulum.instance(anchor).in_timezone(LOCAL_TZ)
        if self.unit == "hours":
            instant = local.add(hours=self.amount).in_timezone(UTC)
            return Due(instant.in_timezone(LOCAL_TZ).date(), instant)
        return Due.on_date(self.from_date(local.date(), calendar))

    def from_date(self, day: dt.date, calendar: WorkingCalendar,
                  sign: int = 1) -> pendulum.Date:
        """The due date for a rule counted from a local date (hours round up to whole days);
        `sign` -1 counts back from it ("7 working days before publication")."""
        day, amount = as_date(day), self.amount * sign
        if self.unit == "working_days":
            return as_date(calendar.add_working_days(day, amount))
        if self.unit == "weeks":
            return day.add(weeks=amount)
        if self.unit == "months":
            return day.add(months=amount)
        if self.unit == "hours":
            return day.add(days=sign * -(-self.amount // 24))
        return day.add(days=amount)

    def before(self, event_on: dt.date, calendar: WorkingCalendar) -> Due:
        """When something due this long before a planned event (on `event_on`) falls due:
        by the end of that earlier day."""
        return Due.on_date(self.from_date(event_on, calendar, sign=-1))


@dataclass(frozen=True)
class Due:
    on: pendulum.Date  # the local date the deadline falls on
    at: pendulum.DateTime  # the instant it runs out, UTC

    @classmethod
    def on_date(cls, day: dt.date) -> Due:
        return cls(as_date(day), end_of_day(day))


@dataclass(frozen=True)
class Rule:
    """One deadline's timescale as a case holds it: a snapshot taken when the case opened."""

    key: str
    duration: Duration | None
    anchor: str
    set_by: str = "date set when commissioned"  # a date given when the item is asked for
    before: bool = False  # counted back from the anchor, a planned event

    def describe(self) -> str:
        if self.duration is None:
            return self.set_by
        return f"{self.duration} {'before' if self.before else 'after'} " \
               f"{self.anchor.replace('_', ' ')}"

    def as_data(self) -> dict[str, Any]:
        if self.duration is None:
            return {"duration": "", "anchor": self.anchor, "set_by": self.set_by}
        data: dict[str, Any] = {"duration": str(self.duration), "anchor": self.anchor}
        return {**data, "before": True} if self.before else data

    @classmethod
    def from_data(cls, key: str, data: Mapping[str, Any]) -> Rule:
        text = data.get("duration") or ""
        return cls(key, Duration.parse(text) if text else None, data.get("anchor") or "",
                   data.get("set_by") or cls.set_by, bool(data.get("before")))


def effective_rules(workflow: Any, overrides: Mapping[str, Any] | None,
                    source: str = "config file") -> dict[str, Rule]:
    """The workflow's default timescales with a board's overrides applied and checked."""
    rules = {d.key: _default(d) for d in workflow.deadlines}
    for key, value in (overrides or {}).items():
        where = f"{source}: [timescales.{workflow.key}] {key}"
        deadline = workflow.deadline(key)
        if deadline is None and key in _elsewhere(workflow):
            continue  # another version of the process has it: the table serves them all
        if deadline is None:
            known = ", ".join(d.key for d in workflow.deadlines)
            raise InvalidInput(f"{where}: no such deadline (known: {known})")
        if not deadline.duration:
            raise InvalidInput(f"{where}: its date is set when each one is added; there is "
                               "no timescale to change")
        if isinstance(value, str):
            value = {"duration": value}
        if not isinstance(value, Mapping):
            raise InvalidInput(f"{where}: give a duration or a table with duration and anchor")
        try:
            duration = Duration.parse(str(value.get("duration") or deadline.duration))
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error}") from None
        anchor = str(value.get("anchor") or deadline.anchor)
        if deadline.before and anchor != deadline.anchor:
            raise InvalidInput(f"{where}: counts back from the planned {deadline.anchor}; "
                               "only the duration can change")
        if deadline.per_agency and anchor != deadline.anchor:
            raise InvalidInput(f"{where}: counts from its own commissioning; only the duration "
                               "can change")
        allowed = _anchors_before(workflow, key)
        if anchor not in allowed:
            raise InvalidInput(f"{where}: anchor {anchor!r} has not happened when this deadline "
                               f"is set (choose from: {', '.join(allowed)})")
        rules[key] = Rule(key, duration, anchor, deadline.set_by, deadline.before)
    return rules


def _default(deadline: Any) -> Rule:
    """A definition's own timescale for one deadline, as a case would hold it."""
    return Rule.from_data(deadline.key, {"duration": deadline.duration,
                                         "anchor": deadline.anchor, "set_by": deadline.set_by,
                                         "before": deadline.before})


def _elsewhere(workflow: Any) -> set[str]:
    """The deadlines the other versions of the workflow's process have."""
    from workflows import registry

    return {d.key for w in registry.versions(workflow.key) for d in w.deadlines}


def strength_of(workflow: Any, rule: Rule) -> str:
    """How sure a case's timescale is: its source's strength, or the board's own where the
    board's config changed it from the definition's."""
    deadline = workflow.deadline(rule.key)
    if _default(deadline).describe() != rule.describe():
        return "the board's own timescale (its config file)"
    return deadline.strength_text


def _anchors_before(workflow: Any, key: str) -> list[str]:
    """The events that have happened by the time the step opening `key` is taken."""
    events = list(workflow.events)
    opening = [workflow.initial_records] if key in workflow.initial_opens else []
    for step in workflow.steps:
        opens = set(step.opens) | {k for b in step.branches for k in b.opens}
        if key in opens and step.records:
            opening.append(step.records)
    if not opening:
        return [workflow.deadline(key).anchor]
    last = min(events.index(e) for e in opening)
    return events[: last + 1]
