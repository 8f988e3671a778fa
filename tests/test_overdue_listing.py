"""The board's overdue listing, for a small set of cases worked out by hand.

The story, each step recorded on its day (the clock moves with it):

  SCR-2007-001 "Child A"  referred 3 Dec 2007, decided 20 Dec; IMRs commissioned Friday
      18 January 2008 from POLICE and CSC (6 weeks: due Friday 29 February, a leap day) and
      from HEALTH by Friday 14 March.
        - POLICE's IMR arrives on Monday 17 March: completed late.
        - CSC's is extended on Thursday 6 March (after it ran out) to Friday 28 March.
        - HEALTH's arrives on its due date, 14 March: never late.
  SCR-2008-001 "Child B"  referred Monday 7 January 2008: the chair's decision is due
      Thursday 7 February and never made. The case is paused on Monday 18 February
      (criminal proceedings): the decision was already late, so it stays listed, marked paused.
  CDR-2008-001 "Child D"  an expected death notified Friday 1 February 2008; a Form B asked
      of EDU on Monday 4 February (15 working days: due Monday 25 February), never received.

The scheduler sweeps at 08:00 on Monday 3 March, Friday 7 March and Tuesday 1 April
(levels counted in days fall due at 07:00):
  3 Mar  POLICE and CSC IMRs: the on-the-day reminder (owner+0d, 29 Feb; the -5wd one
         overtaken); the Form B: its first escalation (+5 working days from 25 Feb = 3 Mar).
  7 Mar  POLICE IMR escalated (+5wd from 29 Feb = 7 Mar); HEALTH reminded (-5wd).
  1 Apr  CSC's extended IMR: its on-the-day reminder for 28 March; the Form B goes to the
         board chair (+20wd from 25 Feb = Wednesday 26 March).
Child B's case is paused, so its decision is never swept.

Working days late, counted by hand (weekends, Good Friday 21 and Easter Monday 24 March 2008
are not working days):
  as of Wed 5 Mar   IMRs due 29 Feb: 3 (3, 4, 5 Mar); Form B due 25 Feb: 7 (26-29 Feb, 3-5
                    Mar); decision due 7 Feb: 19 (8 Feb, 11-15, 18-22, 25-29, 3-5 Mar)
  as of Fri 14 Mar  POLICE IMR: 10 (3-7, 10-14 Mar); Form B: 14; decision: 26;
                    CSC's IMR was extended on 6 Mar: not late
  as of Tue 1 Apr   CSC IMR due 28 Mar: 2 (31 Mar, 1 Apr); Form B: 24 (4 in Feb, 19 in
                    Mar, 1 Apr); decision: 36 (16 in Feb, 19 in Mar, 1 Apr); POLICE's IMR
                    arrived on 17 Mar: not listed
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from html.parser import HTMLParser

import pendulum
import pytest
from sqlmodel import select

from casework.clock import FixedClock
from casework.deaths import notify_death
from casework.models import History, OutboxEmail
from casework.overdue import overdue_listing
from casework.service import CaseService
from notifications.outbox import deliver
from notifications.reports import overdue_csv
from notifications.scheduler import sweep
from tests.test_emails import commissioned, step
from tests.test_outbox_delivery import smtp

D = pendulum.Date


def london(*parts: int) -> pendulum.DateTime:
    return pendulum.datetime(*parts, tz="Europe/London")


@pytest.fixture
def story(service: CaseService, agencies, clock: FixedClock) -> CaseService:
    service.set_board_contact("chair", "chair@kent.example.org", actor="t")
    clock.set(london(2008, 1, 18, 12))
    a = commissioned(service)  # SCR-2007-001, with its IMRs commissioned on 18 January
    b = service.refer_scr("Child B", actor="coordinator", on="2008-01-07").reference
    clock.set(london(2008, 2, 1, 15))
    # A board whose panel reviewed deaths before the statutory start of 1 April 2008 (a
    # pilot area) says so in its config file; casework would otherwise refuse this death.
    service.settings.switches[("cdr", "2008.1")] = D(2008, 1, 1)
    d = notify_death(service, pseudonym="Child D", died="2008-01-31 20:00", age_band="1-4y",
                     place="hospital", notifier="Dr N", notifier_agency="HEALTH",
                     residence="Kent", death="expected", actor="coordinator",
                     on="2008-02-01 09:00").reference
    step(service, d, "triage", "2008-02-01 14:00", death="expected")
    clock.set(london(2008, 2, 4, 10))
    step(service, d, "request_reports", "2008-02-04", agency=["EDU"])
    clock.set(london(2008, 2, 18, 10))
    service.pause(b, "criminal proceedings", actor="coordinator")
    clock.set(london(2008, 3, 3, 8))
    sweep(service, clock.now())
    clock.set(london(2008, 3, 6, 10))
    service.extend(a, "imr:CSC", to="2008-03-28", reason="chronology late", actor="c")
    clock.set(london(2008, 3, 7, 8))
    sweep(service, clock.now())
    clock.set(london(2008, 3, 14, 16))
    step(service, a, "receive_imr", "2008-03-14", agency="HEALTH")
    clock.set(london(2008, 3, 17, 10))
    step(service, a, "receive_imr", "2008-03-17", agency="POLICE")
    clock.set(london(2008, 4, 1, 8))
    sweep(service, clock.now())
    clock.set(london(2008, 4, 1, 10))
    return service


def rows(listing) -> list[tuple]:
    return [(g.code, i.reference, i.label, i.original_due_on, i.due_on, i.extensions,
             i.working_days_late, i.level, i.case_paused) for g in listing.groups
            for i in g.items]


A, B, CDR = "SCR-2007-001", "SCR-2008-001", "CDR-2008-001"
FEB29, FEB7, FEB25 = D(2008, 2, 29), D(2008, 2, 7), D(2008, 2, 25)

AS_OF_5_MARCH = [
    ("CSC", A, "imr:CSC", FEB29, FEB29, 0, 3, "owner+0d", False),
    ("EDU", CDR, "form_b:EDU", FEB25, FEB25, 0, 7, "escalation+5wd", False),
    ("POLICE", A, "imr:POLICE", FEB29, FEB29, 0, 3, "owner+0d", False),
    (None, B, "decision", FEB7, FEB7, 0, 19, None, True),  # late when paused on 18 Feb
]
AS_OF_14_MARCH = [
    ("EDU", CDR, "form_b:EDU", FEB25, FEB25, 0, 14, "escalation+5wd", False),
    ("POLICE", A, "imr:POLICE", FEB29, FEB29, 0, 10, "escalation+5wd", False),
    (None, B, "decision", FEB7, FEB7, 0, 26, None, True),
]
AS_OF_1_APRIL = [
    ("CSC", A, "imr:CSC", FEB29, D(2008, 3, 28), 1, 2, "owner+0d", False),
    ("EDU", CDR, "form_b:EDU", FEB25, FEB25, 0, 24, "board+20wd", False),
    (None, B, "decision", FEB7, FEB7, 0, 36, None, True),
]


def test_what_was_overdue_on_each_day_as_it_stood_then(story, clock):
    # As of today (1 April) the deadlines are read as they stand.
    assert rows(overdue_listing(story, D(2008, 4, 1))) == AS_OF_1_APRIL
    # Past days are replayed from the history: before the extension, before the POLICE IMR
    # arrived (completed late, and still listed on 14 March), before the escalations.
    assert rows(overdue_listing(story, D(2008, 3, 5))) == AS_OF_5_MARCH
    assert rows(overdue_listing(story, D(2008, 3, 14))) == AS_OF_14_MARCH
    # The day after POLICE's IMR arrived it is gone; on its own due date HEALTH's never shows.
    on_18th = rows(overdue_listing(story, D(2008, 3, 18)))
    assert [r[2] for r in on_18th] == ["form_b:EDU", "decision"]
    # Replaying "1 April" a day later gives what reading the rows gave on the day.
    clock.set(london(2008, 4, 2, 9))
    assert rows(overdue_listing(story, D(2008, 4, 1))) == AS_OF_1_APRIL
    # Before anything was due, nothing; one agency's part alone on request.
    assert overdue_listing(story, D(2008, 2, 7)).groups == []
    assert rows(overdue_listing(story, D(2008, 3, 14), agency="police")) == AS_OF_14_MARCH[1:2]


def test_groups_carry_names_totals_and_words_for_the_levels(story):
    listing = overdue_listing(story, D(2008, 3, 5))
    assert [(g.name, g.total, g.escalated, g.longest) for g in listing.groups] == [
        ("Children's Social Care", 1, 0, 3), ("Education", 1, 1, 7), ("Kent Police", 1, 0, 3),
        ("The board", 1, 0, 19)]
    assert (listing.total, listing.escalated) == (4, 1)
    texts = [(i.label, i.level_text, i.owed, i.pseudonym) for i in listing.items]
    assert texts == [
        ("imr:CSC", "reminded, on the due date", "Individual management review", "Child A"),
        ("form_b:EDU", "escalated, 5 working days after the due date", "Agency report (Form B)",
         "Child D"),
        ("imr:POLICE", "reminded, on the due date", "Individual management review", "Child A"),
        ("decision", "none yet", "Decision whether to hold a review", "Child B")]
    board_chair = overdue_listing(story, D(2008, 4, 1)).groups[1].items[0]
    assert board_chair.level_text == "escalated to the board chair, 20 working days after " \
                                     "the due date"


def test_the_command_line_in_every_format(story, run, tmp_path):
    data = json.loads(run("report", "overdue", "--as-of", "2008-03-14", "--json").stdout)
    assert (data["as_of"], data["total"], data["escalated"]) == ("2008-03-14", 3, 2)
    assert [(a["code"], a["total"], a["longest_working_days_late"]) for a in data["agencies"]] \
        == [("EDU", 1, 14), ("POLICE", 1, 10), (None, 1, 26)]
    police = data["agencies"][1]["items"][0]
    assert (police["original_due_on"], police["due_on"], police["days_late"],
            police["working_days_late"], police["level"]) == (
        "2008-02-29", "2008-02-29", 14, 10, "escalation+5wd")
    assert run("report", "overdue", "--as-of", "2008-03-14", "--format", "json").stdout \
        == run("report", "overdue", "--as-of", "2008-03-14", "--json").stdout

    # The CSV reads back as the same rows, with dates a spreadsheet recognises.
    text = run("report", "overdue", "--format", "csv").stdout
    read = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Agency code"], r["Case"], r["Pseudonym"], r["Item"], r["Originally due"],
             r["Due"], int(r["Extensions"]), int(r["Working days late"]), r["Level reached"],
             r["Case paused"]) for r in read] == [
        ("CSC", A, "Child A", "imr:CSC", "2008-02-29", "2008-03-28", 1, 2, "owner+0d", "no"),
        ("EDU", CDR, "Child D", "form_b:EDU", "2008-02-25", "2008-02-25", 0, 24, "board+20wd",
         "no"),
        ("", B, "Child B", "decision", "2008-02-07", "2008-02-07", 0, 36, "", "yes")]
    sheet = tmp_path / "overdue.csv"
    run("report", "overdue", "--format", "csv", "--output", str(sheet))
    assert sheet.read_bytes().count(b"\r\n") == 4  # RFC 4180 line ends: header, three rows
    assert sheet.read_bytes().decode("utf-8").replace("\r\n", "\n") == text

    # The terminal table fits 80 columns and has each agency's heading and totals.
    out = run("report", "overdue").stdout
    assert out.splitlines()[0] == ("Overdue actions and requests as of Tuesday 1 April 2008: "
                                   "3 items, 1 escalated")
    assert "Education (EDU): 1 overdue, 1 escalated" in out
    assert "The board: 1 overdue, 0 escalated" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    paper = tmp_path / "paper.html"
    written = run("report", "overdue", "--format", "html", "--output", str(paper))
    assert written.stdout == "" and f"Written to {paper}" in written.stderr
    assert "<h1>Overdue actions and requests as of Tuesday 1 April 2008</h1>" in \
        paper.read_text(encoding="utf-8")


def test_mistakes_are_plain_errors(story, run):
    assert run("report", "overdue", "--agency", "NOPE", expect=3).stderr.startswith(
        "Error: no agency with code 'NOPE'")
    assert run("report", "overdue", "--as-of", "31/02/2008", expect=2).stderr.startswith(
        "Error: malformed --as-of")
    both = run("report", "overdue", "--email-board", "--format", "csv", expect=2)
    assert "--email-board sends the whole listing: it takes only --as-of" in both.stderr
    assert "Traceback" not in both.stderr + both.stdout


class _Paper(HTMLParser):
    """What a reader of the board paper sees: headings, sections, and each table's rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sections: list[str] = []
        self.rows: list[tuple[str, list[str]]] = []  # (tr class, cell texts)
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._row: tuple[str, list[str]] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "section":
            self.sections.append(found.get("id", ""))
        elif tag == "tr":
            self._row = (found.get("class", ""), [])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2"):
            self._heading = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data):
        for part in (self._cell, self._heading):
            if part is not None:
                part.append(data)


def test_the_board_paper_is_a_whole_printable_page(story, run, tmp_path):
    html = run("report", "overdue", "--as-of", "2008-03-05", "--format", "html").stdout
    paper = _Paper()
    paper.feed(html)
    assert html.startswith("<!DOCTYPE html>") and paper.tags[:2] == ["html", "head"]
    assert paper.headings == [
        "Overdue actions and requests as of Wednesday 5 March 2008",
        "Children's Social Care (CSC): 1 overdue", "Education (EDU): 1 overdue",
        "Kent Police (POLICE): 1 overdue", "The board: 1 overdue"]
    assert paper.sections == ["agency-CSC", "agency-EDU", "agency-POLICE", "agency-BOARD"]
    summary = [cells for kind, cells in paper.rows if kind in ("agency-total", "total")][:5]
    assert summary == [["Children's Social Care", "1", "0", "3"], ["Education", "1", "1", "7"],
                       ["Kent Police", "1", "0", "3"], ["The board", "1", "0", "19"],
                       ["All agencies", "4", "1", ""]]
    items = [cells for kind, cells in paper.rows if kind == "item"]
    assert items == [
        [A, "Child A", "Individual management review", "29 Feb 2008", "29 Feb 2008", "3",
         "reminded, on the due date"],
        [CDR, "Child D", "Agency report (Form B)", "25 Feb 2008", "25 Feb 2008", "7",
         "escalated, 5 working days after the due date"],
        [A, "Child A", "Individual management review", "29 Feb 2008", "29 Feb 2008", "3",
         "reminded, on the due date"],
        [B, "Child B", "Decision whether to hold a review", "7 Feb 2008",
         "7 Feb 2008 case paused", "19", "none yet"]]
    later = _Paper()
    later.feed(run("report", "overdue", "--format", "html").stdout)
    extended = next(cells for kind, cells in later.rows if kind == "item")
    assert extended[3:6] == ["29 Feb 2008", "28 Mar 2008 (1 extension)", "2"]
    paused = [cells for kind, cells in later.rows if kind == "item"][-1]
    assert paused[4] == "7 Feb 2008 case paused"
    # Escaped as HTML: a pseudonym with markup in it stays text.
    story.refer_scr("<b>Child & Co</b>", actor="c", on="2008-01-02")
    odd = run("report", "overdue", "--format", "html").stdout
    assert "&lt;b&gt;Child &amp; Co&lt;/b&gt;" in odd and "<b>Child" not in odd


def test_the_board_paper_opens_in_a_real_browser(story, run, tmp_path):
    """Rendered by headless Chromium to a PNG, where one is installed (`.ci/run` installs
    it and sets CASEWORK_REQUIRE_BROWSER, so in CI this cannot quietly not run)."""
    import os

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CASEWORK_REQUIRE_BROWSER"):
            pytest.fail("CASEWORK_REQUIRE_BROWSER is set but no chromium is installed")
        pytest.skip("no chromium here: the board paper was not opened in a browser")
    paper = tmp_path / "paper.html"
    run("report", "overdue", "--format", "html", "--output", str(paper))
    picture = tmp_path / "paper.png"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={picture}", "--window-size=1200,900", paper.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    png = picture.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1200, 900)
    assert len(png) > 20_000  # a page of tables, not a blank screen


def test_a_board_replaces_the_paper_with_its_own_template(story, run, tmp_path):
    folder = tmp_path / "board-templates" / "report"
    folder.mkdir(parents=True)
    (folder / "overdue.html").write_text(
        "<p>{{ listing.board }}: {% for g in listing.groups %}{{ g.code or 'board' }}="
        "{{ g.total }} {% endfor %}</p>\n", encoding="utf-8")
    config = tmp_path / "casework.toml"
    config.write_text(f'[board]\nname = "Kent LSCB"\ntemplates = "{folder.parent}"\n',
                      encoding="utf-8")
    out = run("--config", str(config), "report", "overdue", "--format", "html").stdout
    assert out == "<p>Kent LSCB: CSC=1 EDU=1 board=1 </p>\n"
    (folder / "overdue.html").write_text("{{ listing.nothing_here }}", encoding="utf-8")
    broken = run("--config", str(config), "report", "overdue", "--format", "html", expect=2)
    assert broken.stderr.startswith(f"Error: report template {folder / 'overdue.html'} line 1 "
                                    "does not render")


def test_emailed_to_the_board_with_the_csv_attached(story, run, smtp_sink):
    out = run("report", "overdue", "--email-board").stdout
    assert out.startswith("Queued the overdue listing as of 1 Apr 2008 (3 items) to "
                          "lscb@kent.example.org, with overdue-2008-04-01.csv attached")
    row = story.session.exec(select(OutboxEmail).where(
        OutboxEmail.kind == "overdue_listing")).one()
    assert row.key == "board/overdue/2008-04-01/20080401T090000" and row.case_id is None
    event = story.session.exec(select(History).where(History.step == "email_queued")
                               .order_by(History.id.desc())).first()
    assert event.data["key"] == row.key and event.data["items"] == 3
    report = deliver(story, smtp(smtp_sink.port))
    assert report.sent >= 1
    message = next(m for m in smtp_sink.messages if "overdue listing" in m["Subject"])
    assert message["Subject"] == ("Local Safeguarding Children Board: overdue listing as of "
                                  "Tuesday 1 April 2008 – 3 items, 1 escalated")
    assert message["To"] == "lscb@kent.example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Education (EDU): 1 overdue, 1 escalated, longest 24 working days" in text
    assert "CDR-2008-001 (Child D): Agency report (Form B)" in text
    html = message.get_body(("html",)).get_content()
    assert "<h1>Overdue actions and requests as of Tuesday 1 April 2008</h1>" in html
    attachment = next(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == (
        "overdue-2008-04-01.csv", "text/csv")
    assert attachment.get_content().replace("\r\n", "\n") == overdue_csv(
        overdue_listing(story, D(2008, 4, 1))).replace("\r\n", "\n")


def test_no_mailbox_no_email(service, agencies, run):
    out = run("report", "overdue", "--email-board", expect=2)
    assert out.stderr == ("Error: the board has no mailbox to send the listing to: set it "
                          "with `casework board set-contact mailbox --email ADDRESS`\n")
    assert service.session.exec(select(OutboxEmail)).all() == []


def test_a_spreadsheet_formula_typed_into_a_title_stays_text(story, clock):
    clock.set(london(2008, 4, 1, 11))
    listing = overdue_listing(story, D(2008, 4, 1))
    listing.groups[0].items[0].owed = "=HYPERLINK(\"http://x\")"
    text = overdue_csv(listing)
    assert list(csv.reader(io.StringIO(text)))[1][6] == "'=HYPERLINK(\"http://x\")"



def test_notes_and_reasons_never_reach_the_listing(story, run, clock):
    """Whatever a coordinator types about the child in a reason or a note stays in the
    history; no format of the listing or the figures carries it."""
    from tests.conftest import CHILD_DETAILS, TYPEABLE_DETAILS

    typed = "; ".join(TYPEABLE_DETAILS)  # the others are refused (tests/test_disclosure.py)
    story.resume(B, actor="c", note=typed)
    story.pause(B, typed, actor="c")
    story.extend(A, "imr:CSC", to="2008-04-30", reason=typed, actor="c")
    clock.set(london(2008, 4, 2, 9))
    outputs = [run("report", "overdue", "--as-of", day, *form).stdout
               for day in ("2008-03-05", "2008-04-01", "2008-04-02")
               for form in ((), ("--json",), ("--format", "csv"), ("--format", "html"))]
    outputs += [run("report", "figures", *form).stdout
                for form in ((), ("--json",), ("--format", "csv"), ("--format", "html"))]
    assert "Child B" in outputs[0]
    for text in outputs:
        for detail in CHILD_DETAILS:
            assert detail.lower() not in text.lower()


def test_an_action_is_named_by_its_number_and_anything_else_by_its_key():
    from workflows.formats import action_label, deadline_label

    assert (action_label(3), action_label(None)) == ("A3", None)
    assert deadline_label(3, "action:3") == "A3"
    assert deadline_label(None, "imr:POLICE") == "imr:POLICE"
