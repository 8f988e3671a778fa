"""A case's timeline as it stood on a day: its stages and pauses, each agency's requests from
asked to received, and the reminders and escalations each drew - from the case's history, replayed
(`casework.replay`), so a step voided since is not there and a due date is the one in force
that day. Only the case reference and what is owed: no detail of the child."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from casework.dates import local_date
from casework.replay import LEVELS, course, standing
from workflows.formats import action_label

if TYPE_CHECKING:
    from casework.service import CaseService


@dataclass(frozen=True)
class Band:
    """A stage the case was in, from the day it moved there to the day it left (or as-of)."""

    stage: str
    title: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Mark:
    on: dt.date
    kind: str  # reminder | escalation
    level: str  # as the scheduler named it ("owner+0d", "board+20wd")


@dataclass
class Request:
    """What an agency was asked for: from asked (its anchor) to received (or open)."""

    key: str
    agency: str
    owed: str
    asked: dt.date
    original_due: dt.date
    due: dt.date  # as it stood on the day
    received: dt.date | None  # None: still open on the day
    status: str  # met | waived | carried_forward | lapsed, or open on the day
    marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class Paused:
    """A pause of the case's clock: from its start to its resumption (None: still paused)."""

    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Timeline:
    reference: str
    kind: str
    as_of: dt.date
    opened: dt.date
    bands: list[Band]
    requests: list[Request]
    pauses: list[Paused] = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        """The last day the chart needs: as-of, or a due date after it."""
        return max([self.as_of, *(r.due for r in self.requests)])


def case_timeline(service: CaseService, reference: str, as_of: dt.date) -> Timeline:
    case = service.case(reference)
    workflow = service.workflow_of(case)
    history = course(service.session, case.id, as_of)
    moves: list[tuple[dt.date, str]] = []
    for when, _, to_state, _ in history:  # a step that keeps the stage starts no new band
        if to_state and (not moves or moves[-1][1] != to_state):
            moves.append((local_date(when), to_state))
    bands = []
    for number, (start, stage) in enumerate(moves):
        end = moves[number + 1][0] if number + 1 < len(moves) else as_of
        known = next((s for s in workflow.stages if s.name == stage), None)
        if known is not None and known.final and number + 1 == len(moves):
            end = start  # a closed case's last stage is a day, not a span
        bands.append(Band(stage, known.title if known else stage, start, max(end, start)))
    bands = [b for number, b in enumerate(bands)  # a stage left the day it was entered
             if b.end > b.start or number + 1 == len(bands)]
    replayed = standing(service.session, as_of, [case.id])
    requests: dict[str, Request] = {}
    for row in service.deadlines_of(case):
        if row.agency_code is None or row.status == "withdrawn" or row.anchor_on > as_of:
            continue
        closed = row.closed_on if row.closed_on and row.closed_on <= as_of else None
        label = action_label(row.number)
        requests[row.key] = Request(
            row.key, row.agency_code, f"Action {label}: {row.title}" if label else row.title,
            row.anchor_on, row.original_due_on,
            replayed.due_on(case.id, row.key, row.original_due_on), closed,
            row.status if closed else "open")
    pauses: list[Paused] = []
    for when, step, _, data in history:
        if step == "pause":
            pauses.append(Paused(local_date(when), None))
        elif step == "resume" and pauses and pauses[-1].end is None:
            pauses[-1] = Paused(pauses[-1].start, local_date(when))
        if step in LEVELS and data.get("deadline") in requests:
            requests[data["deadline"]].marks.append(
                Mark(local_date(when), step, str(data.get("level", ""))))
    return Timeline(case.reference, workflow.kind_name or case.workflow_key, as_of,
                    case.opened_on, bands, sorted(requests.values(),
                                                  key=lambda r: (r.asked, r.agency, r.key)),
                    pauses)
