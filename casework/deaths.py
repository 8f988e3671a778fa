"""Child deaths: the notification under its own name, and the panel's meetings.

What a notification asks and checks (the duplicate check, the transfer of a child who lived in
another area) is the child death review's intake, in its definition; this opens it through
the one door, `casework.regimes.open_case`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from casework import disclosure
from casework.dates import parse_date
from casework.errors import InvalidInput
from casework.exports import annual_return, export_records
from casework.models import Case, CdopMeeting
from casework.regimes import PossibleDuplicate, open_case
from casework.transaction import atomic
from workflows.formats import short, typed_moment

if TYPE_CHECKING:
    from casework.service import CaseService

__all__ = ["PossibleDuplicate", "add_meeting", "deaths_annual_return", "export_deaths",
           "meetings", "notify_death", "schedule_meetings"]


def notify_death(service: CaseService, *, pseudonym: str, died: str | dt.datetime,
                 age_band: str, place: str, notifier: str, notifier_agency: str,
                 residence: str, death: str, actor: str, on: str | dt.datetime | None = None,
                 different_child: bool = False, note: str | None = None,
                 nhs_number: str | None = None, child_names: Sequence[str] = ()) -> Case:
    """Record Form A: `casework case open cdr` under its own name (`death notify`); the NHS
    number only when given (a version without it then refuses it)."""
    if isinstance(died, dt.datetime):
        died = typed_moment(died)
    options = {"died": died, "age_band": age_band, "place": place, "notifier": notifier,
               "notifier_agency": notifier_agency, "residence": residence, "death": death}
    if nhs_number is not None:
        options["nhs_number"] = nhs_number
    return open_case(service, "cdr", pseudonym, options, actor=actor, on=on, note=note,
                     different=different_child, child_names=child_names)


def export_deaths(service: CaseService, period_from: dt.date | None,
                  period_to: dt.date | None) -> list[dict[str, Any]]:
    """What the national database collects of each death: the definition's export."""
    return export_records(service, "cdr", period_from, period_to)


def deaths_annual_return(service: CaseService, year_to_march: int) -> dict[str, Any]:
    return annual_return(service, "cdr", year_to_march)


@dataclass
class MeetingView:
    held_on: dt.date
    note: str | None
    listed: list[str] = field(default_factory=list)  # references listed for it

    def as_dict(self) -> dict:
        return {"held_on": self.held_on.isoformat(), "note": self.note, "listed": self.listed}


@atomic
def add_meeting(service: CaseService, held_on: str | dt.date, *, actor: str,
                note: str | None = None) -> CdopMeeting:
    meeting = _add_meeting(service, held_on, actor=actor, note=note)
    service.commit()
    return meeting


def _add_meeting(service: CaseService, held_on: str | dt.date, *, actor: str,
                 note: str | None = None) -> CdopMeeting:
    disclosure.check(note, "--note")  # a board's note: no child's details, as for a case's
    day = parse_date(held_on, what="meeting date") if isinstance(held_on, str) else held_on
    if service.session.exec(select(CdopMeeting.id).where(CdopMeeting.held_on == day)).first():
        raise InvalidInput(f"a CDOP meeting on {short(day)} is already scheduled")
    service.due_typed(day, "meeting date")  # the cases listed for it are due that day
    meeting = CdopMeeting(held_on=day, note=note, created_at=service.clock.now())
    service.session.add(meeting)
    service.record_board_event("meeting_added", actor, note=note,
                               data={"held_on": day.isoformat()})
    return meeting


@atomic
def schedule_meetings(service: CaseService, first: str, count: int, *, actor: str,
                      every_months: int = 3) -> list[CdopMeeting]:
    """Meetings every few months (quarterly by default), skipping dates already there; all
    of them or none."""
    if not 1 <= count <= 40:
        raise InvalidInput("--count must be between 1 and 40")
    if not 1 <= every_months <= 12:
        raise InvalidInput("--every-months must be between 1 and 12")
    start = parse_date(first, what="--first")
    taken = set(service.session.exec(select(CdopMeeting.held_on)))
    days = [start.add(months=n * every_months) for n in range(count)]
    added = [_add_meeting(service, day, actor=actor) for day in days if day not in taken]
    service.commit()
    return added


def meetings(service: CaseService, since: dt.date | None = None) -> list[MeetingView]:
    query = select(CdopMeeting).order_by(CdopMeeting.held_on)
    if since:
        query = query.where(CdopMeeting.held_on >= since)
    views = {m.held_on.isoformat(): MeetingView(m.held_on, m.note)
             for m in service.session.exec(query)}
    listed = (select(Case.reference, col(Case.data)["meeting_on"].as_string())
              .where(col(Case.data)["meeting_on"].as_string().in_(list(views)))
              .order_by(Case.reference))
    for reference, meeting_on in service.session.exec(listed):
        views[meeting_on].listed.append(reference)
    return list(views.values())
