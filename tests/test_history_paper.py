"""`casework case history --format csv|html`: the panel's chronology, one row an event in the
order things happened, on the correction story (tests/correction_story.py) worked out by hand:
IMRs commissioned from POLICE on 2 Jun 2008 (due six weeks on, 14 Jul; one email queued),
extended on 1 Jul to 31 Jul (one email), received on 10 Jul at 14:30, that receipt voided on
1 Sep at 09:00 (the clock's now) and the pseudonym corrected straight after. Everything
backdated was recorded on 1 Sep; what was entered without --on happened at 09:00 that day."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

# ruff: noqa: F401, F811
from correction_story import advance, clock, scr


@pytest.fixture
def corrected(run, scr) -> str:
    advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--on", "2008-06-02")
    run("case", "extend", scr, "imr:POLICE", "--to", "2008-07-31", "--reason",
        "staff sickness", "--on", "2008-07-01")
    advance(run, scr, "receive_imr", "--agency", "POLICE", "--on", "2008-07-10 14:30")
    run("case", "void", scr, "--reason", "received in error")
    run("case", "correct", scr, "pseudonym", "Child B", "--reason", "typo")
    return scr


class Rows(HTMLParser):
    """The chronology table's body rows: (the row's class, each cell's text, a <br> a new
    line), and the paper's title and headers."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.headers: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and self._in == "tbody":
            self.rows.append((dict(attrs).get("class") or "", []))
        elif tag == "td" and self.rows and self._in == "tbody":
            self.rows[-1][1].append("")
            self._cell = True
        elif tag == "br" and self._in == "tbody":
            self.rows[-1][1][-1] += "\n"
        elif tag in ("tbody", "thead", "title", "th"):
            self._in = tag if tag != "th" else "th"
            if tag == "th":
                self.headers.append("")

    def handle_endtag(self, tag):
        if tag in ("tbody", "title"):
            self._in = None
        elif tag == "th":
            self._in = "thead"
        elif tag == "td":
            self._cell = False

    def handle_data(self, data):
        if self._in == "tbody" and self._cell:
            self.rows[-1][1][-1] += data
        elif self._in == "th":
            self.headers[-1] += data
        elif self._in == "title":
            self.title += data


def parsed(html: str) -> Rows:
    rows = Rows()
    rows.feed(html)
    return rows


def test_the_chronology_as_csv(run, corrected, tmp_path):
    sheet = tmp_path / "chronology.csv"
    run("case", "history", corrected, "--since", "2008-06-01", "--format", "csv", "-o", sheet)
    assert sheet.read_bytes().decode("utf-8") == (
        "Date,Time,What happened,Recorded by,Recorded on,Voided on\r\n"
        '2008-06-02,,"commission_imrs  terms_of_reference -> imrs\n1 email queued",'
        "coordinator,2008-09-01,\r\n"
        '2008-07-01,,"extend  imrs\nimr:POLICE: due 14 Jul 2008 -> 31 Jul 2008\n'
        'staff sickness\n1 email queued",coordinator,2008-09-01,\r\n'
        "2008-07-10,14:30,receive_imr  imrs,coordinator,2008-09-01,2008-09-01\r\n"
        '2008-09-01,09:00,"step_voided  imrs\nvoids receive_imr of 10 Jul 2008\n'
        'received in error",coordinator,,\r\n'
        '2008-09-01,09:00,"corrected\npseudonym: Child A -> Child B\ntypo",coordinator,,'
        "\r\n")


def test_the_chronology_as_a_paper(run, corrected, tmp_path):
    paper = tmp_path / "chronology.html"
    done = run("case", "history", corrected, "--format", "html", "--output", str(paper))
    assert done.stdout == "" and f"Written to {paper}" in done.stderr
    html = paper.read_text(encoding="utf-8")
    page = parsed(html)
    assert page.title == "Chronology of SCR-2008-001"
    assert page.headers == ["Date", "Time", "What happened", "Recorded by", "Recorded on",
                            "Voided on"]
    backdated = ["coordinator", "1 Sep 2008", ""]
    assert page.rows == [
        ("", ["20 Mar 2008", "", "referral screening", *backdated]),
        ("", ["3 Apr 2008", "", "recommend screening -> decision", *backdated]),
        ("", ["10 Apr 2008", "", "decide decision -> notification", *backdated]),
        ("", ["14 Apr 2008", "", "notify_inspectorate notification -> panel_formation",
              *backdated]),
        ("", ["6 May 2008", "", "form_panel panel_formation -> terms_of_reference",
              *backdated]),
        ("", ["2 Jun 2008", "", "commission_imrs terms_of_reference -> imrs\n1 email queued",
              *backdated]),
        ("", ["1 Jul 2008", "", "extend imrs\nimr:POLICE: due 14 Jul 2008 -> 31 Jul 2008\n"
              "staff sickness\n1 email queued", *backdated]),
        ("voided", ["10 Jul 2008", "14:30", "receive_imr imrs", "coordinator", "1 Sep 2008",
                    "1 Sep 2008"]),
        ("", ["1 Sep 2008", "09:00", "step_voided imrs\nvoids receive_imr of 10 Jul 2008\n"
              "received in error", "coordinator", "", ""]),
        ("", ["1 Sep 2008", "09:00", "corrected\npseudonym: Child A -> Child B\ntypo",
              "coordinator", "", ""])]
    assert "OFFICIAL-SENSITIVE" in html and 'counter(page) " of " counter(pages)' in html
    assert "The serious case review SCR-2008-001 (Child B)" in html
    assert "Child A -&gt; Child B" in html  # a person's typing is escaped
    # --emails: each email its own row, no longer counted in its step
    every = parsed(run("case", "history", corrected, "--format", "html", "--emails",
                       "--since", "2008-06-01").stdout).rows
    # (the emails were queued when the backdated steps were recorded: on 1 Sep, at 09:00)
    assert [(cells[0], cells[1], cells[2].split("\n")[0]) for _, cells in every] == [
        ("2 Jun 2008", "", "commission_imrs terms_of_reference -> imrs"),
        ("1 Jul 2008", "", "extend imrs"), ("10 Jul 2008", "14:30", "receive_imr imrs"),
        ("1 Sep 2008", "09:00", "email_queued"), ("1 Sep 2008", "09:00", "email_queued"),
        ("1 Sep 2008", "09:00", "step_voided imrs"), ("1 Sep 2008", "09:00", "corrected")]
    assert not any("email queued" in cells[2] for _, cells in every)
    # --steps: the steps and corrections alone
    steps = parsed(run("case", "history", corrected, "--format", "html", "--steps",
                       "--since", "2008-07-01").stdout).rows
    assert [cells[2].split()[0] for _, cells in steps] == ["extend", "receive_imr",
                                                           "step_voided", "corrected"]


def test_the_json_alias_and_bad_input(run, corrected, tmp_path):
    alias = run("case", "history", corrected, "--json").stdout
    assert alias == run("case", "history", corrected, "--format", "json").stdout
    assert [row["step"] for row in json.loads(alias)].count("email_queued") == 2
    assert run("case", "history", corrected, "--since", "2009-01-01").stdout == ""
    empty = run("case", "history", corrected, "--since", "2009-01-01", "--format", "html")
    assert "Nothing happened to the case in that time." in empty.stdout
    bad = run("case", "history", corrected, "--format", "pdf", expect=2)
    assert "Invalid value for '--format'" in bad.stderr and "Traceback" not in bad.stderr
    unwritable = run("case", "history", corrected, "--format", "csv", "--output",
                     str(tmp_path / "no" / "such" / "dir.csv"), expect=2)
    assert unwritable.stderr.startswith("Error: cannot write ")
