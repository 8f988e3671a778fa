"""Child deaths: the notification (Form A) with its duplicate check, and the panel's meetings.

A death is notified once. A second notification that matches an open case (same date of death,
same age band) is refused with a pointer to that case, unless the coordinator confirms it is a
different child. A child who lived outside the board's areas is recorded and marked for
transfer to that area's panel rather than reviewed here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pendulum
from sqlmodel import col, select

from casework.dates import local_date, parse_date, parse_moment, short
from casework.errors import InvalidInput, StepRefused
from casework.models import Case, CdopMeeting
from casework.service import CaseService, atomic, required
from workflows.cdr import AGE_BANDS, EXPECTATION, PLACES, RAPID_RESPONSE


class PossibleDuplicate(StepRefused):
    """The death looks like one already notified (exit code 5, like any refusal)."""


def _choice(value: str, choices: tuple[str, ...], flag: str) -> str:
    chosen = (value or "").strip().lower().replace("-", "_")
    if chosen not in choices:
        chosen = chosen.replace("_", "-")  # age bands are written 1-4y
    if chosen not in choices:
        raise InvalidInput(f"{flag} must be one of: {', '.join(choices)} (not {value!r})")
    return chosen


def notify_death(service: CaseService, *, pseudonym: str, died: str | dt.datetime,
                 age_band: str, place: str, notifier: str, notifier_agency: str,
                 residence: str, death: str, actor: str, on: str | dt.datetime | None = None,
                 different_child: bool = False, note: str | None = None) -> Case:
    """Record Form A: opens a child death review at triage (or for transfer)."""
    notified_at = service.effective(on, not_before=None)
    died_at = (parse_moment(died, what="--died") if isinstance(died, str)
               else pendulum.instance(died))
    time_known = not isinstance(died, str) or bool(_TIME_GIVEN.search(died.strip()))
    if died_at > notified_at or (not time_known and local_date(died_at) > local_date(
            notified_at)):
        raise InvalidInput(f"--died {_moment(died_at, time_known)} is after the notification "
                           f"({_moment(notified_at, True)})")
    data = {
        "died_on": local_date(died_at).isoformat(),
        "age_band": _choice(age_band, AGE_BANDS, "--age-band"),
        "place": _choice(place, PLACES, "--place"),
        "notifier": required(notifier, "--notifier"),
        "notifier_agency": service.active_agency_code(notifier_agency),
        "residence": required(residence, "--residence"),
        "notified_as": _choice(death, EXPECTATION, "--death"),
    }
    if different_child:
        data["confirmed_different_child"] = True
    else:
        _refuse_duplicate(service, data)
    dues = {}
    if time_known:
        hours = (notified_at - died_at).total_seconds() / 3600
        data["hours_to_notify"] = round(hours, 1)
        data["notified_late"] = hours > 24
    else:  # 24 hours from an unknown time: by the end of the day after the death at the latest
        next_day = local_date(died_at).add(days=1)
        data["time_of_death_known"] = False
        data["notified_late"] = local_date(notified_at) > next_day
        dues["notification"] = (next_day, "by the day after the death (time not given)")
    local = not service.settings.areas or data["residence"].lower() in {
        a.lower() for a in service.settings.areas}
    if not local:
        data["transfer_to_area"] = data["residence"]
    opens = RAPID_RESPONSE if data["notified_as"] == "unexpected" and local else ()
    return service.open_case(
        "cdr", pseudonym, actor=actor, on=notified_at, data=data, note=note,
        events={"death": died_at}, opens=opens, meets=("notification",),
        stage=None if local else "transfer_pending", dues=dues)


_TIME_GIVEN = re.compile(r"[ T]\d{1,2}:\d{2}$")


def _moment(instant: dt.datetime, with_time: bool) -> str:
    local = pendulum.instance(instant).in_timezone("Europe/London")
    return f"{short(local.date())} {local:%H:%M}" if with_time else short(local.date())


def _refuse_duplicate(service: CaseService, data: dict) -> None:
    """An open review of a death on the same day at the same age: matched in the database
    (JSON paths work on SQLite and PostgreSQL alike), not by reading every open review."""
    recorded = col(Case.data)
    query = select(Case).where(
        Case.kind == "cdr", col(Case.closed_on).is_(None),
        recorded["died_on"].as_string() == data["died_on"],
        recorded["age_band"].as_string() == data["age_band"]).order_by(Case.id).limit(1)
    case = service.session.exec(query).first()
    if case is not None:
        raise PossibleDuplicate(
            f"this death may already be notified as {case.reference} ({case.pseudonym}, "
            f"died {short(dt.date.fromisoformat(data['died_on']))}, age "
            f"{data['age_band']}, notified by {case.data.get('notifier_agency')}): if it "
            "is a different child, notify again with --different-child")


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
    day = parse_date(held_on, what="meeting date") if isinstance(held_on, str) else held_on
    if service.session.exec(select(CdopMeeting.id).where(CdopMeeting.held_on == day)).first():
        raise InvalidInput(f"a CDOP meeting on {short(day)} is already scheduled")
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
    listed = select(Case.reference, Case.data).where(Case.kind == "cdr").order_by(Case.reference)
    for reference, data in service.session.exec(listed):
        view = views.get((data or {}).get("meeting_on", ""))
        if view is not None:
            view.listed.append(reference)
    return list(views.values())
