"""What a step did to a case's deadlines, as typed records.

The same objects are the step's outcome (what the command line prints), what its history row
keeps (`as_data`, the shape history has always had), and what the replay reads back
(`from_data`), so the three cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workflows.formats import short

# lapsed: still open when the case reached a final stage; nobody will meet it now;
# withdrawn: entered by mistake (or opened by a step since voided): it never counts
CLOSED = ("met", "waived", "carried_forward", "lapsed", "withdrawn")


@dataclass(frozen=True)
class Opened:
    deadline: str
    due: dt.date

    def as_data(self) -> dict[str, Any]:
        return {"opened": self.deadline, "due": self.due.isoformat()}

    def describe(self) -> str:
        return f"opened {self.deadline}: due {short(self.due)}"


@dataclass(frozen=True)
class Closed:
    status: str  # met | waived | carried_forward | lapsed | withdrawn
    deadline: str
    due: dt.date
    days_late: int = 0

    def as_data(self) -> dict[str, Any]:
        return {self.status: self.deadline, "due": self.due.isoformat(),
                "days_late": self.days_late}

    def describe(self) -> str:
        late = f", {self.days_late} days late" if self.days_late else ""
        return f"{self.status.replace('_', ' ')} {self.deadline} (due {short(self.due)}{late})"


@dataclass(frozen=True)
class Moved:
    deadline: str
    moved_from: dt.date
    to: dt.date
    reason: str

    def as_data(self) -> dict[str, Any]:
        return {"moved": self.deadline, "from": self.moved_from.isoformat(),
                "to": self.to.isoformat(), "reason": self.reason}

    def describe(self) -> str:
        return (f"moved {self.deadline}: {short(self.moved_from)} -> {short(self.to)} "
                f"({self.reason})")


@dataclass(frozen=True)
class Progressed:
    deadline: str
    progress_from: str | None
    to: str

    def as_data(self) -> dict[str, Any]:
        return {"progress": self.deadline, "from": self.progress_from, "to": self.to}

    def describe(self) -> str:
        return f"{self.deadline}: {self.progress_from or 'no progress'} -> {self.to}"


Change = Opened | Closed | Moved | Progressed


def from_data(data: Mapping[str, Any]) -> Change | None:
    """A change as a history row keeps it; None for a shape this casework does not know."""
    day = dt.date.fromisoformat
    if "opened" in data:
        return Opened(data["opened"], day(data["due"]))
    if "moved" in data:
        return Moved(data["moved"], day(data["from"]), day(data["to"]), data.get("reason", ""))
    if "progress" in data:
        return Progressed(data["progress"], data.get("from"), data["to"])
    status = next((s for s in CLOSED if s in data), None)
    if status is not None:
        return Closed(status, data[status], day(data["due"]), data.get("days_late", 0))
    return None


def recorded(history_data: Mapping[str, Any]) -> list[Change]:
    """The changes a step's history row records (its "deadlines" list)."""
    items = history_data.get("deadlines")
    if not isinstance(items, list):
        return []
    found = (from_data(item) for item in items if isinstance(item, dict))
    return [change for change in found if change is not None]


def as_data(changes: Iterable[Change]) -> list[dict[str, Any]]:
    return [change.as_data() for change in changes]
