"""Deadlines in the agencies' calendars: `casework deadlines --format ics` and the event
attached to each request email, parsed back with `icalendar` and compared event by event.

The story (tests.test_emails.commissioned): SCR-2007-001's IMRs commissioned on Friday
18 January 2008 from POLICE and CSC (due Friday 29 February) and HEALTH (Friday 14 March).
CSC's is then extended to Friday 28 March; HEALTH's is waived.
"""

from __future__ import annotations

import datetime as dt
from email import message_from_string, policy
from types import SimpleNamespace

import icalendar
import pendulum

from notifications.ics import calendar, entry, fold
from notifications.outbox import build_message
from tests.conftest import CHILD_DETAILS, TYPEABLE_DETAILS
from tests.test_emails import commissioned, outbox, step

REF = "SCR-2007-001"


def events(text: str) -> list[tuple]:
    """Each VEVENT as (UID, SEQUENCE, start, end, STATUS, SUMMARY)."""
    parsed = icalendar.Calendar.from_ical(text)
    found = []
    for event in parsed.walk("VEVENT"):
        end = event.get("DTEND")
        found.append((str(event["UID"]), int(event["SEQUENCE"]), event["DTSTART"].dt,
                      end.dt if end else None, str(event["STATUS"]), str(event["SUMMARY"])))
    return found


def test_a_feed_of_one_agency_in_its_calendar(service, agencies, run):
    commissioned(service)
    service.commit()
    text = run("deadlines", "--format", "ics", "--agency", "CSC").stdout_bytes.decode()
    assert text == (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//casework//safeguarding deadlines//EN\r\n"
        "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Local Safeguarding Children Board: Children's Social Care dead\r\n"
        " lines\r\nX-WR-TIMEZONE:Europe/London\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:SCR-2007-001/imr:CSC@local-safeguarding-children-board.casework\r\n"
        "DTSTAMP:20080401T090000Z\r\nSEQUENCE:0\r\n"
        "DTSTART;VALUE=DATE:20080229\r\nDTEND;VALUE=DATE:20080301\r\n"
        "SUMMARY:SCR-2007-001: Individual management review from Children's Social C\r\n"
        " are due\r\n"
        "DESCRIPTION:Case SCR-2007-001: Individual management review from Children's\r\n"
        "  Social Care.\r\n"
        "TRANSP:TRANSPARENT\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert events(text) == [
        (f"{REF}/imr:CSC@local-safeguarding-children-board.casework", 0,
         dt.date(2008, 2, 29), dt.date(2008, 3, 1), "CONFIRMED",
         "SCR-2007-001: Individual management review from Children's Social Care due")]


def test_an_extension_updates_the_event_and_a_waiver_cancels_it(service, agencies, run,
                                                                clock):
    commissioned(service)
    service.commit()
    before = {e[0]: e for e in events(run("deadlines", "--format", "ics").stdout)}
    clock.set(pendulum.datetime(2008, 3, 6, 10, tz="Europe/London"))
    service.extend(REF, "imr:CSC", to="2008-03-28", reason="chronology late", actor="c")
    step(service, REF, "waive_imr", "2008-03-06", agency="HEALTH", reason="no contact")
    service.commit()
    after = {e[0]: e for e in events(run("deadlines", "--format", "ics").stdout)}
    assert set(after) == set(before)  # the same UIDs: a re-import updates, never duplicates
    csc = next(uid for uid in after if "imr:CSC" in uid)
    health = next(uid for uid in after if "imr:HEALTH" in uid)
    police = next(uid for uid in after if "imr:POLICE" in uid)
    assert before[csc][1:4] == (0, dt.date(2008, 2, 29), dt.date(2008, 3, 1))
    assert after[csc][1:5] == (1, dt.date(2008, 3, 28), dt.date(2008, 3, 29), "CONFIRMED")
    assert before[health][1:5] == (0, dt.date(2008, 3, 14), dt.date(2008, 3, 15),
                                   "CONFIRMED")
    assert after[health][1:] == (1, dt.date(2008, 3, 14), dt.date(2008, 3, 15), "CANCELLED",
                                 "SCR-2007-001: Individual management review from Primary "
                                 "Care Trust (waived)")
    assert after[police] == before[police]


def test_each_request_email_carries_its_event_and_a_new_date_its_update(service, agencies,
                                                                       clock):
    commissioned(service)
    clock.set(pendulum.datetime(2008, 3, 6, 10, tz="Europe/London"))
    service.extend(REF, "imr:CSC", to="2008-03-28", reason="chronology late", actor="c")
    service.commit()
    sent = {row.key: row for row in outbox(service)}
    request = sent[f"{REF}/imr:CSC/request"]
    moved = next(row for key, row in sent.items() if key.startswith(f"{REF}/imr:CSC/due:"))
    for row, expected in ((request, (0, dt.date(2008, 2, 29))),
                          (moved, (1, dt.date(2008, 3, 28)))):
        message = message_from_string(build_message(row).as_string(), policy=policy.default)
        [part] = list(message.iter_attachments())
        assert (part.get_content_type(), part.get_filename()) == (
            "text/calendar", "SCR-2007-001-imr-CSC.ics")
        parsed = icalendar.Calendar.from_ical(part.get_content())
        assert str(parsed["METHOD"]) == "PUBLISH"
        [event] = events(part.get_content())
        assert event[0] == f"{REF}/imr:CSC@local-safeguarding-children-board.casework"
        assert event[1:3] == expected


def test_a_deadline_in_hours_is_a_timed_event_in_london_time():
    case = SimpleNamespace(reference="CDR-2008-001")
    deadline = SimpleNamespace(
        key="home_visit", title="Joint home visit", status="open", unit="hours",
        due_on=dt.date(2008, 3, 30), original_due_on=dt.date(2008, 3, 30),
        due_at=pendulum.datetime(2008, 3, 30, 9, 30, tz="UTC"), extensions=0, paused_days=0)
    text = calendar([entry("Kent LSCB", case, deadline, None)], name="Kent LSCB",
                    stamp=pendulum.datetime(2008, 3, 29, 12, tz="UTC"))
    assert "DTSTART;TZID=Europe/London:20080330T103000\r\n" in text  # BST began at 01:00
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n" in text
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    start = event["DTSTART"].dt
    assert start == dt.datetime(2008, 3, 30, 9, 30, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert "DTEND" not in event and str(event["SUMMARY"]) == (
        "CDR-2008-001: Joint home visit due")


def test_long_lines_fold_between_characters_never_inside_one():
    line = "SUMMARY:" + "é" * 80
    folded = fold(line)
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_no_child_detail_in_a_calendar(service, agencies, run):
    ref = service.refer_scr("Child Z", actor="coordinator", on="2008-01-07").reference
    service.pause(ref, "; ".join(TYPEABLE_DETAILS), actor="coordinator")
    commissioned(service)
    service.commit()
    text = run("deadlines", "--format", "ics").stdout
    assert "Child Z" not in text and "Child A" not in text
    for detail in CHILD_DETAILS:
        assert detail.lower() not in text.lower()
