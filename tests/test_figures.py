"""The board's child death figures for a small year built by hand.

Board year 1 April 2009 - 31 March 2010. The deaths, and what each should count as:

  A  died 30 Mar 2009, notified 31 Mar 2009 (the year before); reviewed 11 Jun 2009, infection,
     not preventable                  -> reviewed, within 12 months
  B  died 10 Apr 2009, notified the same day, expected; reviewed 11 Mar 2010, perinatal,
     not preventable                  -> notified (expected), reviewed, within 12 months
  C  died 1 May 2009, notified 3 May 2009 (two days: late), unexpected; referred for an SCR on
     1 Dec 2009; reviewed 10 Jun 2010 (the next year), modifiable factors
                                      -> notified (unexpected, late), referred for an SCR
  D  died 1 Jul 2009, lived in Medway, transferred 2 Jul -> notified, transferred
  E  died 30 Mar 2010 22:00, notified 31 Mar 2010 09:00 (11 hours), not yet known, not triaged
                                      -> notified (not yet triaged)
  F  died 1 May 2008, notified the same day, expected; reviewed 10 Sep 2009 (16 months on),
     sudden unexplained, preventable  -> reviewed, not within 12 months

  G  died 1 Aug 2009, lived in Medway, its transfer still pending   -> notified, not triaged
  H  died 1 Sep 2009, notified as unexpected, not yet triaged        -> notified, not triaged

So for 2009/10: notified 6 (B, C, D, E, G, H): expected 1, unexpected 1, not yet triaged 3
(E, G, H: only triage classifies), transferred 1 (D), late 1. Reviewed 3 (A, B, F),
2 within 12 months; infection 1, perinatal 1, sudden unexplained 1; preventable yes 1 (F),
no 2. Referred for an SCR: 1 (C).
And for 2010/11: C's review (modifiable: yes), not within 12 months (13 months on).
"""

from __future__ import annotations

import datetime as dt
import json

import pendulum
import pytest

from casework.config import Settings
from casework.deaths import add_meeting, notify_death
from casework.reports import board_figures, board_year
from casework.service import CaseService
from workflows.cdr_figures import DeathFigures

D = dt.date


def death_figures(service: CaseService, period_from: D, period_to: D) -> DeathFigures:
    """The child death section of the board's figures: what the cdr definition counts."""
    return board_figures(service, period_from, period_to)["child_deaths"].figures


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2011, 1, 3, 9, tz="Europe/London"))
    return clock


@pytest.fixture
def year(service, clock) -> CaseService:
    board = CaseService(service.session, Settings(service.settings.database_url, "test",
                                                  areas=["Kent"]), clock)
    board.add_agency("HEALTH", "PCT", "n@pct.example.org", None, actor="t")
    for day in ("2009-06-11", "2009-09-10", "2010-03-11", "2010-06-10"):
        add_meeting(board, day, actor="t")

    def death(pseudonym: str, died: str, notified: str, kind: str, **more: str) -> str:
        return notify_death(board, pseudonym=pseudonym, died=died, on=notified, death=kind,
                            age_band=more.pop("age_band", "1-4y"), place="hospital",
                            notifier="Dr N", notifier_agency="HEALTH",
                            residence=more.pop("residence", "Kent"), actor="t").reference

    def reviewed(ref: str, triaged: str, ready: str, meeting: str, category: str,
                 **answer: str) -> None:
        board.advance(ref, "triage", {"death": "expected"}, actor="t", on=triaged)
        board.advance(ref, "ready_for_panel", {"no_reports_reason": "health only"},
                      actor="t", on=ready)
        assert board.case(ref).data["meeting_on"] == meeting
        board.advance(ref, "review", {"category": category, "intrinsic": "1", "parenting": "1",
                                      "environment": "1", "services": "1", **answer},
                      actor="t", on=meeting)

    a = death("A", "2009-03-30 10:00", "2009-03-31 09:00", "expected")
    reviewed(a, "2009-04-01", "2009-04-01", "2009-06-11", "infection", preventable="no")
    b = death("B", "2009-04-10 06:00", "2009-04-10 12:00", "expected", age_band="0-27d")
    reviewed(b, "2009-04-14", "2010-03-01", "2010-03-11", "perinatal", preventable="no")
    c = death("C", "2009-05-01 10:00", "2009-05-03 10:00", "unexpected", age_band="5-9y")
    board.advance(c, "triage", {"death": "unexpected"}, actor="t", on="2009-05-03 11:00")
    board.advance(c, "refer_for_scr", {"reason": "neglect"}, actor="t", on="2009-12-01")
    _rapid_response_to_review(board, c, "2010-06-10")
    d = death("D", "2009-07-01 10:00", "2009-07-01 16:00", "expected", residence="Medway",
              age_band="10-14y")
    board.advance(d, "transfer", {"to_panel": "Medway CDOP"}, actor="t", on="2009-07-02")
    # G lives in Medway too, but its transfer is still pending: not yet triaged here.
    death("G", "2009-08-01 10:00", "2009-08-01 16:00", "expected", residence="Medway",
          age_band="5-9y")
    # H was notified as unexpected but has not been triaged yet.
    death("H", "2009-09-01 10:00", "2009-09-01 16:00", "unexpected", age_band="15-17y")
    death("E", "2010-03-30 22:00", "2010-03-31 09:00", "not_known", age_band="15-17y")
    f = death("F", "2008-05-01 10:00", "2008-05-01 14:00", "expected", age_band="28-364d")
    reviewed(f, "2008-05-02", "2009-06-12", "2009-09-10", "sudden_unexplained", preventable="yes")
    return board


def _rapid_response_to_review(board: CaseService, ref: str, meeting: str) -> None:
    """C goes through its rapid response and reports before its June 2010 review."""
    for name, on, options in (
        ("convene_team", "2009-12-02", {"paediatrician": "p", "police": "q",
                                        "social_care": "r"}),
        ("record_home_visit", "2009-12-02", {}),
        ("record_information_sharing", "2009-12-02", {}),
        ("await_post_mortem", "2009-12-02", {}),
        ("receive_post_mortem", "2009-12-03", {"none_held": True}),
        ("hold_final_discussion", "2009-12-04", {}),
        ("ready_for_panel", "2010-03-12", {"no_reports_reason": "police only"}),
        ("review", meeting, {"category": "trauma", "intrinsic": "1", "parenting": "2",
                             "environment": "2", "services": "1", "modifiable": "yes"}),
    ):
        board.advance(ref, name, options, actor="t", on=on)


def test_the_board_year_runs_to_31_march():
    assert board_year(D(2009, 3, 31)) == (D(2008, 4, 1), D(2009, 3, 31))
    assert board_year(D(2009, 4, 1)) == (D(2009, 4, 1), D(2010, 3, 31))
    assert board_year(D(2026, 11, 23)) == (D(2026, 4, 1), D(2027, 3, 31))


def test_figures_for_a_hand_built_year(year):
    figures = death_figures(year, D(2009, 4, 1), D(2010, 3, 31))
    refs = figures.references
    assert (figures.notified, figures.expected, figures.unexpected, figures.not_yet_triaged,
            figures.transferred, figures.notified_late) == (6, 1, 1, 3, 1, 1)
    # References count by calendar year: F is CDR-2008-001, A to D CDR-2009-001 to -004
    # (A was notified on 31 March 2009), G -005, H -006, E CDR-2010-001.
    assert refs["notified"] == ["CDR-2009-002", "CDR-2009-003", "CDR-2009-004",
                                "CDR-2009-005", "CDR-2009-006", "CDR-2010-001"]
    assert refs["not_yet_triaged"] == ["CDR-2009-005", "CDR-2009-006", "CDR-2010-001"]
    assert refs["notified_late"] == ["CDR-2009-003"]  # C
    assert refs["transferred"] == ["CDR-2009-004"]  # D
    assert (figures.reviewed, figures.reviewed_within_12_months) == (3, 2)
    assert refs["reviewed"] == ["CDR-2008-001", "CDR-2009-001", "CDR-2009-002"]  # F, A, B
    assert refs["reviewed_within_12_months"] == ["CDR-2009-001", "CDR-2009-002"]  # A, B
    assert refs["referred_for_scr"] == ["CDR-2009-003"]  # C
    assert {k: v for k, v in figures.by_category.items() if v} == {
        "infection": 1, "perinatal": 1, "sudden_unexplained": 1}
    assert len(figures.by_category) == 10
    assert figures.preventable == {"yes": 1, "no": 2}
    assert figures.modifiable == {"yes": 0, "no": 0}
    assert figures.referred_for_scr == 1


def test_the_next_year_counts_the_review_that_fell_in_it(year):
    figures = death_figures(year, D(2010, 4, 1), D(2011, 3, 31))
    assert (figures.notified, figures.reviewed, figures.reviewed_within_12_months) == (0, 1, 0)
    assert figures.modifiable == {"yes": 1, "no": 0}
    assert figures.by_category["trauma"] == 1
    assert figures.referred_for_scr == 0


def test_figures_on_the_command_line(year, run):
    data = json.loads(run("report", "figures", "--from", "2009-04-01", "--to", "2010-03-31",
                          "--json").stdout)["child_deaths"]
    assert (data["period_from"], data["period_to"]) == ("2009-04-01", "2010-03-31")
    assert (data["notified"], data["reviewed"], data["reviewed_within_12_months"]) == (6, 3, 2)
    out = run("report", "figures", "--from", "2009-04-01", "--to", "2010-03-31").stdout
    lines = out.splitlines()
    assert lines[0] == "Figures for 1 Apr 2009 to 31 Mar 2010"
    deaths = lines[lines.index("Child deaths"):]
    assert deaths[1].split() == ["Deaths", "notified", "6"]
    assert "  within 12 months of the death" in out and out.count("2 (67%)") == 1
    assert [line.split()[-1] for line in lines if "preventable" in line] == ["2"]
    assert all(len(line) <= 80 for line in lines)
    # Without dates: the board year the clock is in (3 Jan 2011 -> 1 Apr 2010 - 31 Mar 2011).
    default = json.loads(run("report", "figures", "--json").stdout)["child_deaths"]
    assert (default["period_from"], default["reviewed"]) == ("2010-04-01", 1)
    bad = run("report", "figures", "--from", "2010-04-01", "--to", "2009-04-01", expect=2)
    assert bad.stderr == "Error: --to is before --from\n"


def test_deaths_by_category_as_bars_beside_the_year_before(year, run):
    """2009/10: infection (A), perinatal (B), sudden unexplained (F), none the year before;
    2010/11: trauma (C), beside 2009/10's three. Categories in the definition's order."""
    import re
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.w3.org/2000/svg"}

    def chart(period_to: str) -> ET.Element:
        html = run("report", "figures", "--to", period_to, "--format", "html").stdout
        [svg] = re.findall(r'<svg [^>]*id="child_deaths-deaths-by-category".*?</svg>', html,
                           re.S)
        assert "deaths-by-category" not in html.replace(svg, "")  # 2018's: no deaths, no chart
        return ET.fromstring(svg)

    def bars(svg: ET.Element, kind: str) -> list[int]:
        return [int(r.get("data-value")) for r in svg.iterfind(f"s:rect[@class='{kind}']", ns)]

    first = chart("2010-03-31")
    assert [(r.get("data-series"), int(r.get("data-value")))
            for r in first.iterfind("s:rect[@class='bar']", ns)] == [("this period", 1)] * 3
    labels = [t.text for t in first.iterfind("s:text[@text-anchor='end']", ns)]
    assert labels == ["deliberately inflicted", "suicide", "trauma", "malignancy",
                      "acute medical", "chronic medical", "congenital", "perinatal",
                      "infection", "sudden unexplained"]
    assert bars(first, "previous") == [0] * 10
    assert first.find("s:desc", ns).text.startswith(
        "Deaths reviewed, by category: deliberately inflicted 0 (0 in 1 Apr 2008 to 31 Mar "
        "2009); ")
    second = chart("2011-03-31")
    assert bars(second, "bar") == [1]
    assert bars(second, "previous") == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert "trauma 1 (0 in 1 Apr 2009 to 31 Mar 2010)" in second.find("s:desc", ns).text


def test_deaths_by_category_in_a_browser(year, run, tmp_path):
    """The 2010/11 paper in real Chromium: the deaths chart there with its one bar (trauma),
    no header or heading overlapping another, printed with the marking and page numbers."""
    from tests.test_board_paper import chromium
    from tests.test_papers_in_browser import every_page_carries, laid_out, printed

    browser = chromium()
    paper = tmp_path / "figures.html"
    run("report", "figures", "--to", "2011-03-31", "--format", "html", "--output", str(paper))
    for layout in laid_out(browser, paper, tmp_path):
        assert layout["charts"] == {"child_deaths-deaths-by-category": {
            "bars": 1, "spans": 0, "requests": 0, "bands": 0,
            "width": layout["charts"]["child_deaths-deaths-by-category"]["width"]}}
    texts = printed(browser, paper, tmp_path)
    every_page_carries(texts, "Figures for 1 Apr 2010 to 31 Mar 2011")
