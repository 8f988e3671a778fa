"""Deadlines as iCalendar (RFC 5545), for the calendars agencies actually live in.

Written by hand rather than with a library: a deadline is one small VEVENT, and the text is
then exactly what the tests assert. Each deadline keeps one UID for life (board, case
reference, deadline key), so a re-import updates its event; SEQUENCE grows whenever the due
date moves (extensions, deferrals, pauses) and once more when the request is closed (met,
waived, lapsed, carried forward), which publishes the event as CANCELLED. A summary names the
case by reference and what is owed: never the child.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pendulum

from workflows.formats import labelled

if TYPE_CHECKING:
    from casework.models import Case, Deadline
    from casework.service import CaseService

PRODID = "-//casework//safeguarding deadlines//EN"
TZID = "Europe/London"
# Europe/London since 1996: BST from the last Sunday in March, GMT from the last in October.
VTIMEZONE = (
    "BEGIN:VTIMEZONE", f"TZID:{TZID}",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST",
    "DTSTART:19960331T010000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "TZNAME:GMT",
    "DTSTART:19961027T020000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class Entry:
    """One deadline as its calendar event."""

    uid: str
    sequence: int
    summary: str
    description: str
    due_on: dt.date
    due_at: dt.datetime | None  # set for a deadline counted in hours: a timed event
    cancelled: bool


def entry(board: str, case: Any, deadline: Any, agency_name: str | None, *,
          withdrawn: bool = False) -> Entry:
    """A deadline's event; `case` and `deadline` are rows or anything with their fields.
    `withdrawn`: the event for an agency no longer asked (the action given to another), which
    its calendar drops though the deadline stays open for the new owner."""
    status = "withdrawn" if withdrawn else deadline.status
    closed = status != "open"
    owed = deadline.title
    who = f" from {agency_name}" if agency_name else ""
    summary = f"{case.reference}: {owed}{who} due"
    if closed:
        summary = f"{case.reference}: {owed}{who} ({status.replace('_', ' ')})"
    lines = [f"Case {case.reference}: {owed}{who}."]
    if deadline.due_on != deadline.original_due_on:
        lines.append(f"First due {deadline.original_due_on.isoformat()}; moved to "
                     f"{deadline.due_on.isoformat()}.")
    return Entry(
        uid=uid(board, case.reference, deadline.key),
        sequence=sequence(deadline) + (1 if withdrawn and deadline.status == "open" else 0),
        summary=summary, description=" ".join(lines),
        due_on=deadline.due_on,
        due_at=deadline.due_at if deadline.unit == "hours" else None, cancelled=closed)


def uid(board: str, reference: str, key: str) -> str:
    """The same for a deadline whatever happens to it: the calendar's handle on it."""
    return f"{reference}/{key}@{slug(board)}.casework"


def sequence(deadline: Any) -> int:
    """Grows with every move of the due date and once more when the deadline closes.

    Extensions and deferrals each count one; a pause moves the date by its days, which only
    ever add up, so the sum never goes back."""
    moved = (deadline.extensions or 0) + (deadline.paused_days or 0)
    return moved + (1 if deadline.status != "open" else 0)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "board"


def calendar(entries: Iterable[Entry], *, name: str, stamp: dt.datetime,
             method: str = "PUBLISH") -> str:
    """A VCALENDAR of these events, CRLF line ends and lines folded at 75 octets."""
    entries = list(entries)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"METHOD:{method}", f"X-WR-CALNAME:{text(name)}", f"X-WR-TIMEZONE:{TZID}"]
    if any(e.due_at is not None for e in entries):
        lines += VTIMEZONE
    for event in entries:
        lines += _event(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(event: Entry, stamp: dt.datetime) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{text(event.uid)}", f"DTSTAMP:{utc(stamp)}",
             f"SEQUENCE:{event.sequence}"]
    if event.due_at is None:
        end = event.due_on + dt.timedelta(days=1)
        lines += [f"DTSTART;VALUE=DATE:{event.due_on:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}"]
    else:  # a zero-length event at the instant it is due (RFC 5545 3.6.1)
        local = pendulum.instance(event.due_at).in_timezone(TZID)
        lines.append(f"DTSTART;TZID={TZID}:{local:%Y%m%dT%H%M%S}")
    lines += [f"SUMMARY:{text(event.summary)}", f"DESCRIPTION:{text(event.description)}",
              "TRANSP:TRANSPARENT", f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
              "END:VEVENT"]
    return lines


def utc(moment: dt.datetime) -> str:
    return f"{pendulum.instance(moment).in_timezone('UTC'):%Y%m%dT%H%M%SZ}"


def text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets go on over continuation lines, never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not mid-character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # a continuation line starts with a space
    return "\r\n ".join(pieces)


def deadline_calendar(service: CaseService, *, agency: str | None = None) -> str:
    """Every deadline (or one agency's): open ones as events, closed ones cancelled, so a
    subscribed or re-imported calendar drops them."""
    from sqlmodel import col, select

    from casework.models import Agency, Case, Deadline

    query = (select(Deadline, Case).join(Case, col(Deadline.case_id) == Case.id)
             .order_by(Deadline.due_on, Case.reference, Deadline.key))
    name = service.settings.board_name
    if agency:
        code = service.agency(agency).code
        query = query.where(Deadline.agency_code == code)
    names = dict(service.session.exec(select(Agency.code, Agency.name)).all())
    if agency:
        name = f"{name}: {names[code]}"
    rows: Sequence[tuple[Deadline, Case]] = service.session.exec(query).all()
    entries = [entry(service.settings.board_name, case, deadline, names.get(deadline.agency_code))
               for deadline, case in rows]
    return calendar(entries, name=f"{name} deadlines", stamp=service.clock.now())


def attachment(service: CaseService, case: Case, deadline: Deadline, agency_name: str, *,
               withdrawn: bool = False) -> dict[str, Any]:
    """A deadline's event for its email: a calendar with one event, METHOD:PUBLISH; for a
    withdrawal, the event cancelled."""
    board = service.settings.board_name
    body = calendar([entry(board, case, deadline, agency_name, withdrawn=withdrawn)],
                    name=f"{board} deadlines", stamp=service.clock.now())
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{case.reference}-{labelled(deadline.key)}").strip("-")
    return {"filename": f"{name}.ics", "content_type": "text/calendar", "text": body}
