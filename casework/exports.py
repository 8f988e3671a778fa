"""A process's national data, as its definition shapes it (`Workflow.export`): this only
loads the cases of the versions that declare one and hands them over, so the command line
renders what the definition made and nothing here knows one process from another."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from casework.clock import today
from casework.errors import InvalidInput
from casework.reports import load
from workflows import registry
from workflows.exports import Export

if TYPE_CHECKING:
    from casework.service import CaseService


def declared(key: str) -> tuple[Export, tuple[str, ...]]:
    """The export a process's versions declare, and those versions."""
    versions = [w for w in registry.versions(key) if w.export is not None]
    if not versions:
        raise InvalidInput(f"{key}: no version of this process declares a national export")
    export = versions[-1].export
    assert export is not None
    return export, tuple(w.version for w in versions if w.export is export)


def export_records(service: CaseService, key: str, period_from: dt.date | None,
                   period_to: dt.date | None) -> list[dict[str, Any]]:
    """Each case of the period as the national database's forms have it, as at its end
    (default: everything up to today)."""
    period_to = period_to or today(service.clock)
    period_from = period_from or dt.date.min
    if period_to < period_from:
        raise InvalidInput("--to is before --from")
    export, numbers = declared(key)
    return export.records(load(service, key, numbers, period_to), period_from, period_to)


def annual_return(service: CaseService, key: str, year_to_march: int) -> dict[str, Any]:
    """The return for the year ending 31 March `year_to_march`."""
    if not 2000 < year_to_march < 2200:
        raise InvalidInput(f"--annual-return {year_to_march}: give the year it ends, e.g. 2020 "
                           "for 1 April 2019 to 31 March 2020")
    year_from, year_to = dt.date(year_to_march - 1, 4, 1), dt.date(year_to_march, 3, 31)
    export, numbers = declared(key)
    if export.since and year_from < export.since:
        first = export.since.year + (export.since.month > 3)
        raise InvalidInput(f"the {export.name} takes data from {export.since.isoformat()}: its "
                           f"first annual return is for the year to 31 March {first}")
    return export.annual_return(load(service, key, numbers, year_to), year_from, year_to)
