"""Every version of every process, and which one a case runs under.

A new case runs under the version in force on its own key date (an SCR: the referral; a child
death: the date of death), never today's; it keeps that version for life. Each version says
from when it applies (`in_force_from`, sourced in its module); it applies until the day before
the next version of its process does. A board whose own arrangements changed on another day
moves a switch date in its config file (`switches`: (key, version) -> first key date).

A process may end (serious case reviews, replaced by child safeguarding practice reviews): its
last version declares the last key date (`Ending`), and no version applies after it; a board
whose arrangements changed earlier moves it (`switches`: (key, "last") -> last key date).

Adding a regime is one line here: its definition in `ALL`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from workflows.cdr import CDR
from workflows.cdr2018 import CDR_2018
from workflows.cspr2018 import CSPR_2018
from workflows.cspr2023 import CSPR_2023
from workflows.definition import Workflow
from workflows.endings import Ending
from workflows.formats import short
from workflows.scr2006 import SCR_2006
from workflows.scr2010 import SCR_2010
from workflows.scr2013 import SCR_2013

ALL: tuple[Workflow, ...] = (SCR_2006, SCR_2010, SCR_2013, CDR, CDR_2018, CSPR_2018,
                             CSPR_2023)

Switches = Mapping[tuple[str, str], dt.date]


@dataclass(frozen=True)
class Span:
    """The key dates a version applies to: from (None: no earlier limit) to (None: still)."""

    workflow: Workflow
    start: dt.date | None
    end: dt.date | None
    moved: bool = False  # the board's config moved its start
    end_moved: bool = False  # ... or the next version's start, and so its end


def processes() -> list[str]:
    """The processes, in the order they were registered."""
    return list(dict.fromkeys(w.key for w in ALL))


def kinds() -> list[str]:
    return list(dict.fromkeys(w.kind for w in ALL))


def versions(key: str) -> list[Workflow]:
    return [w for w in ALL if w.key == key]


def latest(key: str) -> Workflow | None:
    """The newest version of a process: what its help and intake options are read from."""
    found = versions(key)
    return found[-1] if found else None


def version(key: str, number: str) -> Workflow | None:
    """The definition an existing case started under."""
    return next((w for w in ALL if w.key == key and w.version == number), None)


LAST = "last"  # [regimes.KEY] last = DATE: the board's own last key date of an ended process


def ending(key: str) -> Ending | None:
    """How a whole process ended, as its last version declares; None: it has not."""
    newest = latest(key)
    return newest.ends if newest else None


def last_key_date(key: str, switches: Switches | None = None) -> dt.date | None:
    """The last key date a case of the process may be opened for (the board's own, when its
    config moves it); None while the process runs on."""
    ended = ending(key)
    if ended is None:
        return None
    return (switches or {}).get((key, LAST), ended.last_key_date)


def spans(key: str, switches: Switches | None = None) -> list[Span]:
    """Each version of a process with the key dates it applies to, oldest first."""
    switches = switches or {}
    starts = [(w, switches.get((w.key, w.version), w.in_force_from)) for w in versions(key)]
    last = last_key_date(key, switches)
    found = []
    for index, (workflow, start) in enumerate(starts):
        following = starts[index + 1][1] if index + 1 < len(starts) else None
        end = following - dt.timedelta(days=1) if following else last
        moved = [(w.key, w.version) in switches for w, _ in starts]
        found.append(Span(workflow, start, end, moved[index],
                          moved[index + 1] if index + 1 < len(starts)
                          else (key, LAST) in switches))
    return found


def in_force(key: str, on: dt.date, switches: Switches | None = None) -> Workflow | None:
    """The version of a process that applies to a case whose key date is `on`; None when
    no version does (before the process began, or after it ended)."""
    last = last_key_date(key, switches)
    if last is not None and on > last:
        return None
    for span in reversed(spans(key, switches)):
        if span.start is None or on >= span.start:
            return span.workflow
    return None


def check_switches(switches: Switches) -> str | None:
    """Why a board's switch dates cannot be used (an unknown version, dates out of order, an
    end where none was, or outside the process's versions), or None."""
    for key, number in switches:
        if number == LAST:
            problem = _check_last(key, switches)
            if problem:
                return problem
        elif version(key, number) is None:
            known = ", ".join(w.version for w in versions(key)) or "none"
            return f"no version {number!r} of workflow {key!r} (versions: {known})"
    for key in processes():
        starts = [s.start for s in spans(key, switches)]
        given = [s for s in starts if s is not None]
        if given != sorted(given) or len(set(given)) != len(given):
            return (f"the versions of {key} would no longer start in order: "
                    + ", ".join(f"{s.workflow.version} from "
                                f"{short(s.start) if s.start else 'the earliest'}"
                                for s in spans(key, switches)))
    return None


def _check_last(key: str, switches: Switches) -> str | None:
    """A board's last key date: only for a process that ended, no later than the national
    end, and not before its last version began (a later start would leave it no cases)."""
    ended = ending(key)
    if ended is None:
        return f"{key} has not ended: \"{LAST}\" is only for a process that was replaced"
    day = switches[key, LAST]
    if day > ended.last_key_date:
        return (f"{key} {LAST} = {day.isoformat()} is after {key} ended nationally "
                f"({short(ended.last_key_date)}, {ended.why} [{ended.strength}])")
    newest = spans(key, switches)[-1]
    if newest.start is not None and day < newest.start:
        return (f"{key} {LAST} = {day.isoformat()} is before its last version "
                f"({newest.workflow.short_title or newest.workflow.version}) began "
                f"({short(newest.start)})")
    return None
