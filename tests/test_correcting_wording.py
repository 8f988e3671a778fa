"""An action's corrected wording reaches its emails not sent yet (`case correct REF A1.text`):
their subject, text and HTML, and the calendar event attached, made again from the deadline
as it now stands. Emails already sent, and another action's, are left as they went. The
story: an SCR at its action plan on 1 Sep 2008 (`correction_story`), its emails delivered to
a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.policy import default

# The shared story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import advance, clock, scr
from sqlmodel import select

from casework.models import History, OutboxEmail
from notifications.outbox import deliver
from tests.test_outbox_delivery import smtp

TH = '<tr><th style="text-align: left; padding-right: 1em;">'
UID = "UID:SCR-2008-001/action:{n}@local-safeguarding-children-board.casework\r\n"


def plan(run, ref: str) -> None:
    """IMRs commissioned and received, the overview commissioned: the action plan is next."""
    advance(run, ref, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--on", "2008-06-02")
    advance(run, ref, "receive_imr", "--agency", "POLICE", "--on", "2008-07-10")
    advance(run, ref, "commission_overview", "--author", "A Writer", "--on", "2008-07-11")


def action(run, ref: str, wording: str, recommendation: str, agency: str) -> None:
    advance(run, ref, "add_action", "--recommendation", recommendation, "--action", wording,
            "--agency", agency, "--due", "2008-12-15", "--on", "2008-08-20")


def emails(service) -> dict[int, OutboxEmail]:
    service.session.expire_all()
    return {row.id: row for row in service.session.exec(select(OutboxEmail))}


def corrections(service) -> list[dict]:
    service.session.expire_all()
    return [row.data for row in service.session.exec(
        select(History).where(History.step == "corrected").order_by(History.id))]


def event(row: OutboxEmail) -> str:
    attachment, = row.attachments
    return attachment["text"]


def test_the_wording_reaches_its_unsent_emails_and_no_others(run, scr, service, smtp_sink):
    """A1 "Train" was emailed to Education (sent), then extended (the new due date waits);
    A2's request waits too and its recommendation says "Train" as well; A1's says
    "Training", a word "Train" is part of."""
    plan(run, scr)
    action(run, scr, "Train", "R1 Training and supervision", "EDU")
    assert deliver(service, smtp(smtp_sink.port)).sent == 2  # the IMR request and A1's (#2)
    action(run, scr, "Review records", "R2 Train managers", "CSC")  # #3
    run("case", "extend", scr, "A1", "--to", "2009-01-16", "--reason", "term dates")  # #4
    before = emails(service)
    out = run("case", "correct", scr, "A1.text", "Train all staff in neglect", "--reason",
              "the wording agreed by the panel").stdout
    assert out == ("SCR-2008-001: A1.text corrected: Train -> Train all staff in neglect\n"
                   "  1 unsent email now says Train all staff in neglect (#4)\n")
    after = emails(service)
    moved = after[4]
    assert moved.subject == ("New due date: Train all staff in neglect, SCR-2008-001 (Child A), "
                             "now Friday 16 January 2009")
    assert "  Asked for: Action A1: Train all staff in neglect\n" in moved.text_body
    assert f"{TH}Asked for</th><td>Action A1: Train all staff in neglect</td></tr>" \
        in moved.html_body
    assert moved.html_body.count("Train") == 2  # the <title> and the table: nowhere else
    assert event(moved) == (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//casework//safeguarding deadlines//EN\r\n"
        "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Local Safeguarding Children Board deadlines\r\n"
        "X-WR-TIMEZONE:Europe/London\r\nBEGIN:VEVENT\r\n" + UID.format(n=1)
        + "DTSTAMP:20080901T080000Z\r\nSEQUENCE:1\r\n"
        "DTSTART;VALUE=DATE:20090116\r\nDTEND;VALUE=DATE:20090117\r\n"
        "SUMMARY:SCR-2008-001: Train all staff in neglect from Education due\r\n"
        "DESCRIPTION:Case SCR-2008-001: Train all staff in neglect from Education. F\r\n"
        " irst due 2008-12-15\\; moved to 2009-01-16.\r\n"
        "TRANSP:TRANSPARENT\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert moved.message == run("outbox", "show", "--eml", "4").stdout_bytes
    assert b"Train all staff in neglect" in moved.message
    assert b"Asked for: Action A1: Train\r\n" not in moved.message
    # what went stays as it went; A2's waiting request is another action's: not touched
    for number in (1, 2, 3):
        assert (after[number].status, after[number].message) == (before[number].status,
                                                                  before[number].message)
    assert "  Action A1: Train\n  Recommendation: R1 Training and supervision\n" \
        in after[2].text_body
    assert "  Recommendation: R2 Train managers\n" in after[3].text_body
    assert corrections(service)[-1] == {
        "field": "A1.text", "from": "Train", "to": "Train all staff in neglect",
        "deadline": "action:1", "emails_updated": [4]}


def test_a_wording_with_characters_html_escapes(run, scr, service):
    plan(run, scr)
    action(run, scr, "Review CSC's S47 & CIN plans < 6 months old", "R2 Plans", "CSC")  # #2
    result = run("case", "correct", scr, "A1.text",
                 "Review CSC's S47, CP & CIN plans < 3 months old", "--reason", "typo", "--json")
    assert json.loads(result.stdout) == {
        "reference": "SCR-2008-001", "field": "A1.text",
        "from": "Review CSC's S47 & CIN plans < 6 months old",
        "to": "Review CSC's S47, CP & CIN plans < 3 months old", "emails_updated": [2]}
    row = emails(service)[2]
    assert "  Action A1: Review CSC's S47, CP & CIN plans < 3 months old\n" in row.text_body
    assert (f"{TH}Action A1</th><td>Review CSC&#39;s S47, CP &amp; CIN plans &lt; 3 months "
            "old</td></tr>") in row.html_body  # escaped as the template escaped it
    assert "6 months" not in row.html_body + row.text_body
    # the event made again (escaped and folded as RFC 5545 says), not edited
    assert ("SUMMARY:SCR-2008-001: Review CSC's S47\\, CP & CIN plans < 3 months old from\r\n"
            "  Children's Social Care due\r\n") in event(row)
    assert "6 months" not in event(row)


def test_the_bytes_delivered_say_the_corrected_wording(run, scr, service, smtp_sink):
    plan(run, scr)
    deliver(service, smtp(smtp_sink.port))  # the IMR request
    action(run, scr, "Audit files & plans", "R3 Audit", "HEALTH")  # #2
    run("case", "correct", scr, "A1.text", "Audit case files & child protection plans",
        "--reason", "typo")
    kept = emails(service)[2].message
    assert deliver(service, smtp(smtp_sink.port)).sent == 1
    assert smtp_sink.raw[-1] == kept  # the very bytes stamped at the correction
    received = message_from_bytes(smtp_sink.raw[-1], policy=default)
    text, html = (received.get_body((part,)).get_content().replace("\r\n", "\n")
                  for part in ("plain", "html"))
    assert "  Action A1: Audit case files & child protection plans\n" in text
    assert "<td>Audit case files &amp; child protection plans</td>" in html
    assert "Audit files" not in text + html
    assert "  Recommendation: R3 Audit\n" in text  # "Audit" alone: another text
    calendar, = [part for part in received.iter_attachments()
                 if part.get_content_type() == "text/calendar"]
    assert calendar.get_filename() == "SCR-2008-001-A1.ics"
    ics = calendar.get_content()
    assert ("SUMMARY:SCR-2008-001: Audit case files & child protection plans from Primar\r\n"
            " y Care Trust due\r\n") in ics
    assert UID.format(n=1) in ics


def test_nothing_waiting_says_nothing_of_emails(run, scr, service, smtp_sink):
    plan(run, scr)
    action(run, scr, "Train", "R1", "EDU")
    deliver(service, smtp(smtp_sink.port))
    sent = emails(service)[2].message
    out = run("case", "correct", scr, "A1.text", "Train staff", "--reason", "typo").stdout
    assert out == "SCR-2008-001: A1.text corrected: Train -> Train staff\n"
    assert emails(service)[2].message == sent
    assert corrections(service)[-1]["emails_updated"] == []
    result = run("case", "correct", scr, "A1.text", "Train all staff", "--reason", "typo",
                 "--json")
    assert json.loads(result.stdout)["emails_updated"] == []


def test_a_subject_stays_within_its_500_characters(run, scr, service):
    """A subject is cut at 500 characters when rendered: so it is when reworded."""
    plan(run, scr)
    action(run, scr, "Train " + "x" * 474, "R1", "EDU")  # 480 characters
    run("case", "extend", scr, "A1", "--to", "2009-01-16", "--reason", "term dates")  # #3
    longer = "Train " + "y" * 494  # 500, the most a wording holds
    run("case", "correct", scr, "A1.text", longer, "--reason", "typo")
    subject = emails(service)[3].subject
    assert subject == "New due date: " + longer[:486]
    assert len(subject) == 500


def test_a_reassigned_action_keeps_each_agency_in_its_own_event(run, scr, service, smtp_sink):
    """A1 was emailed to Education, then given to CSC: Education's withdrawal and CSC's
    request wait. Each event made again names the agency its email was written to."""
    plan(run, scr)
    action(run, scr, "Train", "R1", "EDU")
    deliver(service, smtp(smtp_sink.port))
    run("case", "correct", scr, "A1.agency", "CSC", "--reason", "wrong owner")
    told = emails(service)[3]  # the withdrawal as queued: Education's calendar drops the event
    assert told.key == "SCR-2008-001/action:1/withdrawn:EDU"
    assert ("SEQUENCE:1\r\n" in event(told) and "STATUS:CANCELLED\r\n" in event(told)
            and "SUMMARY:SCR-2008-001: Train from Education (withdrawn)\r\n" in event(told))
    out = run("case", "correct", scr, "A1.text", "Train all staff", "--reason", "typo").stdout
    assert out.endswith("  2 unsent emails now say Train all staff (#3, #4)\n")
    waiting = emails(service)
    assert [(waiting[n].key, waiting[n].status) for n in (3, 4)] == [
        ("SCR-2008-001/action:1/withdrawn:EDU", "pending"),
        ("SCR-2008-001/action:1/request:CSC", "pending")]
    # Education's event is cancelled (its calendar drops it), one sequence on from its request
    assert ("SEQUENCE:1\r\n" in event(waiting[3]) and "STATUS:CANCELLED\r\n" in event(waiting[3])
            and "SUMMARY:SCR-2008-001: Train all staff from Education (withdrawn)\r\n"
            in event(waiting[3]))
    assert "SEQUENCE:0\r\n" in event(waiting[4]) and "STATUS:CONFIRMED\r\n" in event(waiting[4])
    assert ("SUMMARY:SCR-2008-001: Train all staff from Children's Social Care due\r\n"
            in event(waiting[4]))
