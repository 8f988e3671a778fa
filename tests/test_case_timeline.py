"""`casework case timeline REF`, against the story of tests.test_overdue_listing, worked out
by hand there. SCR-2007-001 as of 1 April 2008:

  stages  screening 3 Dec 2007, decision 10 Dec, notification 20 Dec, panel formation 21 Dec,
          terms of reference 10 Jan 2008, IMRs awaited from 18 Jan (receiving an IMR or an
          extension keeps the stage: no new band)
  CSC     asked 18 Jan, due 29 Feb, extended to 28 Mar, still open; reminded 3 Mar and 1 Apr
  HEALTH  asked 18 Jan, due 14 Mar, received 14 Mar; reminded 7 Mar (5 working days before)
  POLICE  asked 18 Jan, due 29 Feb, received 17 Mar; reminded 3 Mar, escalated 7 Mar
As of 5 March 2008 CSC's and POLICE's were open (due 29 Feb then), each reminded on 3 Mar.
CDR-2008-001: EDU's Form B asked 4 Feb, due 25 Feb, open; escalated 3 Mar and 1 Apr.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.test_overdue_listing import story  # noqa: F401  (the fixture)

NS = {"s": "http://www.w3.org/2000/svg"}
A = "SCR-2007-001"


def chart(text: str) -> ET.Element:
    [svg] = re.findall(r"<svg .*?</svg>", text, re.S)
    return ET.fromstring(svg)


def requests(svg: ET.Element) -> list[tuple]:
    return [(g.get("data-agency"), g.get("data-asked"), g.get("data-until"), g.get("data-open"),
             [(m.get("class"), m.get("data-on")) for m in g if "mark" in (m.get("class") or "")],
             [p.get("data-date") for p in g.findall("s:path[@class='original-due']", NS)])
            for g in svg.iterfind("s:g[@class='request']", NS)]


def test_the_case_in_a_picture(story, run, tmp_path):  # noqa: F811
    paper = tmp_path / "timeline.html"
    done = run("case", "timeline", A, "--output", str(paper))
    assert done.stdout == "" and f"Written to {paper}" in done.stderr
    html = paper.read_text(encoding="utf-8")
    svg = chart(html)
    assert [g.get("data-stage") for g in svg.iterfind("s:g[@class='band']", NS)] == [
        "screening", "decision", "notification", "panel_formation", "terms_of_reference",
        "imrs"]
    assert requests(svg) == [
        ("CSC", "2008-01-18", "2008-04-01", "yes",
         [("mark reminder", "2008-03-03"), ("mark reminder", "2008-04-01")], ["2008-02-29"]),
        ("HEALTH", "2008-01-18", "2008-03-14", "no", [("mark reminder", "2008-03-07")],
         ["2008-03-14"]),
        ("POLICE", "2008-01-18", "2008-03-17", "no",
         [("mark reminder", "2008-03-03"), ("mark escalation", "2008-03-07")],
         ["2008-02-29"])]
    assert svg.find("s:title", NS).text == f"Timeline of {A} as of 1 Apr 2008"
    assert svg.find("s:desc", NS).text.endswith(
        "POLICE asked 18 Jan 2008 for Individual management review, due 29 Feb 2008, "
        "received 17 Mar 2008 (1 reminder, 1 escalation).")
    # The tables say it in words.
    assert re.search(r'<tr data-key="imr:CSC"><td>CSC</td><td>Individual management review'
                     r'</td><td class="date">18 Jan 2008</td><td class="date">29 Feb 2008</td>'
                     r'<td class="date">28 Mar 2008</td><td class="date">still open</td>'
                     r'<td>reminder 3 Mar 2008; reminder 1 Apr 2008</td></tr>', html)
    assert '<tr data-stage="imrs"><td>Individual management reviews awaited</td><td ' \
           'class="date">18 Jan 2008</td><td class="date"></td></tr>' in html
    assert "Child A" not in html  # the reference only: no pseudonym, no child's detail
    assert '<p class="marking">OFFICIAL-SENSITIVE</p>' in html


def test_as_it_stood_on_an_earlier_day_and_as_an_svg_file(story, run, tmp_path):  # noqa: F811
    drawn = tmp_path / "timeline.svg"
    run("case", "timeline", A.lower(), "--as-of", "2008-03-05", "--format", "svg",
        "--output", str(drawn))
    svg = ET.parse(drawn).getroot()
    assert requests(svg) == [
        ("CSC", "2008-01-18", "2008-03-05", "yes", [("mark reminder", "2008-03-03")],
         ["2008-02-29"]),
        ("HEALTH", "2008-01-18", "2008-03-05", "yes", [], ["2008-03-14"]),
        ("POLICE", "2008-01-18", "2008-03-05", "yes", [("mark reminder", "2008-03-03")],
         ["2008-02-29"])]
    assert "due 29 Feb 2008, still open on 5 Mar 2008" in svg.find("s:desc", NS).text
    death = chart(run("case", "timeline", "CDR-2008-001", "--format", "svg").stdout)
    assert requests(death) == [
        ("EDU", "2008-02-04", "2008-04-01", "yes",
         [("mark escalation", "2008-03-03"), ("mark escalation", "2008-04-01")],
         ["2008-02-25"])]


def test_mistakes_are_plain_errors(story, run):  # noqa: F811
    unknown = run("case", "timeline", "SCR-1999-999", expect=3).stderr
    assert unknown.startswith("Error: ") and "SCR-1999-999" in unknown
    assert "Traceback" not in unknown
    assert "'csv' is not one of 'html', 'svg'" in run("case", "timeline", A, "--format",
                                                      "csv", expect=2).stderr
    assert run("case", "timeline", A, "--as-of", "31/02/2008", expect=2).stderr == (
        "Error: malformed --as-of '31/02/2008': there is no such day\n")


def test_a_pause_is_drawn_and_said(story, run):  # noqa: F811
    """SCR-2008-001, referred 7 Jan 2008, paused 18 Feb and still paused on 1 Apr; asked
    nothing of any agency (its decision is the board's, not an agency's)."""
    html = run("case", "timeline", "SCR-2008-001").stdout
    svg = chart(html)
    assert [(g.get("data-from"), g.get("data-to"))
            for g in svg.iterfind("s:g[@class='pause']", NS)] == [("2008-02-18", "")]
    assert requests(svg) == []
    assert svg.find("s:desc", NS).text == (
        "Stages: Screening against the SCR criteria from 7 Jan 2008. Paused from 18 Feb 2008, "
        "still paused. Requests: none.")
    assert '<p class="paused">The case was paused from 18 Feb 2008 and is still paused.</p>' \
        in html
    assert "No agency was asked for anything by then." in html


def test_a_pause_lifted_ends_where_it_was_resumed(service, clock, run):
    """tests.test_pause_extend's case: decided 10 Apr 2008, paused 15 Apr, resumed 14 Jun."""
    import pendulum

    from tests.test_pause_extend import _decided

    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    ref = _decided(service)
    service.pause(ref, "criminal proceedings", actor="c", on="2008-04-15")
    service.resume(ref, actor="c", on="2008-06-14")
    svg = chart(run("case", "timeline", ref, "--format", "svg").stdout)
    assert [(g.get("data-from"), g.get("data-to"))
            for g in svg.iterfind("s:g[@class='pause']", NS)] == [("2008-04-15", "2008-06-14")]
    assert "Paused from 15 Apr 2008 to 14 Jun 2008." in svg.find("s:desc", NS).text
    # Before the pause was lifted, as it stood then:
    before = chart(run("case", "timeline", ref, "--as-of", "2008-05-01", "--format",
                       "svg").stdout)
    assert [(g.get("data-from"), g.get("data-to"))
            for g in before.iterfind("s:g[@class='pause']", NS)] == [("2008-04-15", "")]
