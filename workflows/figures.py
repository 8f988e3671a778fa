"""What a process contributes to the board's figures, and the plain rows it counts from.

Workflows import nothing of ours, so a definition never reads the database: casework loads
each process's cases and deadlines into the rows below and hands them to the `Figures` the
definition declares. A process's figures are one section of the report, printed as
`FigureLine`s by every format (terminal, CSV, HTML), so the formats cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of a case, as the figures read it."""

    kind: str
    key: str
    number: int | None
    status: str  # open | met | waived | carried_forward | lapsed
    anchor_on: dt.date
    original_due_on: dt.date
    due_on: dt.date  # today's, after every extension and pause
    due_at_end: dt.date  # as it stood at the end of the period (a later extension ignored)
    closed_on: dt.date | None
    relaxed: str = ""  # the board's overlay its timescale ran under ("" when none)
    paused_days: int = 0  # of the move from original_due_on to due_at_end, the case's pauses


@dataclass(frozen=True)
class CaseRow:
    """One case of the process, its recorded events as local dates, and its deadlines."""

    reference: str
    version: str
    state: str
    opened_on: dt.date
    data: Mapping[str, Any]
    events: Mapping[str, dt.date]
    deadlines: tuple[DeadlineRow, ...] = ()
    pseudonym: str = ""  # how the child is known in the review (for an export by case)
    paused_on: dt.date | None = None  # paused since, at the end of the period

    def on(self, event: str) -> dt.date | None:
        return self.events.get(event)


@dataclass(frozen=True)
class FigureLine:
    section: str
    depth: int  # 0 a figure, 1 a part of the one above, 2 a part of that
    label: str
    value: int | float | str | None  # None: a heading for the lines below it
    key: str = ""  # the figure's name in --json, for the CSV


@dataclass(frozen=True)
class Bars:
    """A chart a section's figures draw on the board's paper: one bar per (label, figure
    name as in --json, dotted), beside the same figure for the period before."""

    ident: str
    title: str
    bars: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Span:
    """One review's course for the slippage chart: from its start (the decision) to its
    completion, or still open (None) at the end of the period."""

    reference: str
    started: dt.date
    original_due: dt.date
    due: dt.date  # as it stood at the end of the period
    paused_days: int  # of the move from original_due to due, the pauses; the rest extensions
    completed: dt.date | None
    paused_since: dt.date | None = None  # its case paused at the end of the period


# (depth, label, name): the value is the figure of that name; (depth, label, name, value):
# shown otherwise. An empty name is a heading.
Row = tuple[Any, ...]


@dataclass
class Tally:
    """A period's figures, and the references behind each, named as the figure is.
    A process's own figures are the fields of a subclass."""

    period_from: dt.date
    period_to: dt.date
    references: dict[str, list[str]] = field(default_factory=dict)

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.period_from <= day <= self.period_to

    def count(self, name: str, reference: str) -> None:
        self.references.setdefault(name, []).append(reference)

    def charts(self) -> Sequence[Bars]:
        """The charts of these figures on the paper (none unless a process draws some)."""
        return ()

    def spans(self) -> Sequence[Span]:
        """The reviews in the period, for the slippage chart (none unless a review)."""
        return ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["period_from"] = self.period_from.isoformat()
        data["period_to"] = self.period_to.isoformat()
        data["references"] = data.pop("references")  # after the figures they explain
        return data


class Counted(Protocol):
    """What a process's count returns: its figures as data, the rows it prints, and what the
    paper draws of them (a `Tally` draws nothing unless its process says)."""

    def as_dict(self) -> dict[str, Any]: ...

    def rows(self) -> Sequence[Row]: ...

    def charts(self) -> Sequence[Bars]: ...

    def spans(self) -> Sequence[Span]: ...


Count = Callable[[dt.date, dt.date, Sequence[CaseRow]], Counted]


@dataclass(frozen=True)
class Figures:
    """A definition's figures: `name` keys them in --json and the CSV, `title` heads their
    section, `count` makes them from the process's cases (of the versions declaring it)."""

    name: str
    title: str
    count: Count

    def lines(self, counted: Counted) -> list[FigureLine]:
        return [FigureLine(self.title, depth, label,
                           given[0] if given else getattr(counted, name),
                           f"{self.name}.{name}" if name else "")
                for depth, label, name, *given in counted.rows()]
