"""What a process sends to a national database: each case shaped like the database's forms,
and its annual return. Declared by the definition (like its figures) and handed the same plain
rows (`workflows.figures.CaseRow`), so the engine and the command line only load and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from workflows.figures import CaseRow

# (cases, from, to) -> one record per case, as things stood at `to`
Records = Callable[[Sequence[CaseRow], dt.date, dt.date], list[dict[str, Any]]]
# (cases, year's first day, its last) -> the return: its totals and its records
AnnualReturn = Callable[[Sequence[CaseRow], dt.date, dt.date], dict[str, Any]]


@dataclass(frozen=True)
class Export:
    """A definition's national data: `name` says where it goes (the NCMD), `records` shapes
    the cases of a period, `annual_return` a year to 31 March."""

    name: str
    records: Records
    annual_return: AnnualReturn
    since: dt.date | None = None  # the first day the database takes data (no earlier year)
