"""Period overlays: a time in which named timescales were relaxed or suspended by national
direction (spring 2020: the rapid review and publication timescales), declared by the board.

An overlay is not a regime: the case keeps its version and its due dates, and the scheduler
keeps chasing (a relaxation is a reason to be late, not a reason to stop asking). What changes
is how the case and the figures read a deadline that ran during the period: `case show` names
the overlay beside it, and the figures count a timescale missed under it apart from the misses.

A deadline runs during an overlay when it was set on or before the overlay's last day and was
due on or after its first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from casework.errors import InvalidInput
from workflows.formats import short

EFFECTS = ("relaxed", "suspended")


@dataclass(frozen=True)
class Overlay:
    name: str
    start: dt.date
    end: dt.date
    timescales: tuple[str, ...]  # "workflow.deadline", e.g. "scr.completion"
    effect: str = "relaxed"
    source: str = ""

    def covers(self, workflow_key: str, deadline_kind: str, set_on: dt.date,
               due_on: dt.date) -> bool:
        """Whether a deadline of this kind, set on `set_on` and due on `due_on`, ran while
        its timescale was relaxed."""
        return (f"{workflow_key}.{deadline_kind}" in self.timescales
                and set_on <= self.end and due_on >= self.start)

    def describe(self) -> str:
        """`relaxed: Covid-19 (30 Mar 2020 to 31 Jul 2020)`."""
        span = f"{short(self.start)} to {short(self.end)}"
        return f"{self.effect}: {self.name} ({span})"


def covering(overlays: list[Overlay], workflow_key: str, deadline_kind: str, set_on: dt.date,
             due_on: dt.date) -> Overlay | None:
    """The first overlay under which this deadline ran, if any."""
    return next((o for o in overlays
                 if o.covers(workflow_key, deadline_kind, set_on, due_on)), None)


def overlays(values: Any, where: str) -> list[Overlay]:
    """`[[overlays]]` tables from a board's config file, checked against the workflows."""
    from workflows import registry

    if not isinstance(values, list):
        raise InvalidInput(f"{where} must be a list of tables ([[overlays]])")
    found = []
    for index, table in enumerate(values, 1):
        at = f"{where} #{index}"
        if not isinstance(table, dict):
            raise InvalidInput(f"{at} must be a table")
        unknown = set(table) - {"name", "from", "to", "timescales", "effect", "source"}
        if unknown:
            raise InvalidInput(f"{at}: unknown setting {sorted(unknown)[0]!r} (known: name, "
                               "from, to, timescales, effect, source)")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(f"{at}: name is needed")
        start, end = table.get("from"), table.get("to")
        for label, day in (("from", start), ("to", end)):
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise InvalidInput(f"{at}: {label} must be a date, e.g. 2020-03-30")
        if end < start:  # type: ignore[operator]
            raise InvalidInput(f"{at}: to is before from")
        effect = table.get("effect", "relaxed")
        if effect not in EFFECTS:
            raise InvalidInput(f"{at}: effect must be relaxed or suspended")
        timescales = table.get("timescales")
        if not isinstance(timescales, list) or not timescales:
            raise InvalidInput(f"{at}: timescales must list workflow.deadline names, e.g. "
                               "[\"scr.completion\"]")
        for item in timescales:
            key, _, deadline = str(item).partition(".")
            known = {d.key for w in registry.versions(key) for d in w.deadlines}
            if deadline not in known:
                raise InvalidInput(f"{at}: no timescale {item!r} (a workflow's deadline, "
                                   "e.g. scr.completion)")
        source = table.get("source", "")
        found.append(Overlay(name.strip(), start, end, tuple(map(str, timescales)), effect,
                             str(source)))
    return found
