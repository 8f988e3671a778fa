"""The safeguarding partners' figures for 2019/20, for five notifications built by hand.

  CSPR-2019-001 "Child E"  aware Fri 1 Mar 2019, notified 5 Mar, local review decided 20 Mar,
      rapid review sent 25 Mar (all the year before); the Panel agrees 5 Apr; commissioned
      8 Apr 2019. Due 6 months from the decision: 20 Sep 2019; extended on 2 Sep to 20 Dec;
      published 10 Dec: within the extension, 81 days after the original date. A1 (EDU, due
      28 Feb 2020) carried forward on 2 Mar 2020.
  CSPR-2019-002 "Child A"  aware Mon 1 Apr 2019, a death, looked after, known to agencies;
      notified Wed 3 Apr (due Mon 8 Apr: on time). Rapid review due 15 working days after
      3 Apr, Good Friday and Easter Monday skipped: Fri 26 Apr; sent 24 Apr with a decision for
      a local review: on time. Commissioned 7 May; published 21 Oct (due 24 Oct): on time.
      A1 (CSC, due 31 Dec 2019) completed 15 Jan 2020: late.
  CSPR-2019-003 "Child B"  aware Thu 20 Jun 2019, serious harm, known to agencies; notified
      Mon 1 Jul (due Thu 27 Jun: late). Rapid review due Mon 22 Jul, sent 2 Aug (late) with no
      local review; the Panel disagrees; decided again 2 Sep for a local review, commissioned
      16 Sep; due 2 Mar 2020 and not published by 31 Mar 2020.
  CSPR-2019-004 "Child D"  aware Mon 2 Sep 2019, a death; notified 4 Sep (on time); withdrawn
      10 Sep (found accidental): its rapid review waived.
  CSPR-2019-005 "Child C"  aware Mon 23 Dec 2019, serious harm, looked after; notified Thu
      2 Jan 2020 (due that day: Christmas, Boxing Day and New Year's Day skipped). Rapid review
      due Thu 23 Jan, sent that day with no local review; the Panel agrees; closed 10 Feb.

So for 1 April 2019 - 31 March 2020: notified 4 (A, B, D, C): death 2, serious harm 2, looked
after 2, known to an agency 2, on time 3; by quarter Apr-Jun 1 (1/0/1), Jul-Sep 2 (1/1/0),
Oct-Dec 0, Jan-Mar 1 (0/1/1). Withdrawn 1. Rapid reviews sent 3 (A, B, C): on time 2, late 1.
Decided 3: local review 2 (A, B), none 1 (C); one taken again (B). Commissioned 3 (E, A, B).
Published 2 (E, A): on time 1 (A), within an extension 1 (E); slippage 81 and 0: average
40.5, longest 81 (E). Unpublished past due 1 (B). Actions due 2: late 1 (A), carried 1 (E).
"""

from __future__ import annotations

import csv
import io
import json

import pendulum
import pytest

from casework.clock import FixedClock
from casework.regimes import open_case
from casework.reports import board_figures
from casework.service import CaseService
from workflows.cspr_figures import CsprFigures

D = pendulum.Date


def cspr_figures(service: CaseService, period_from: D, period_to: D) -> CsprFigures:
    return board_figures(service, period_from, period_to)["cspr"].figures


@pytest.fixture
def year(service: CaseService, agencies, clock: FixedClock) -> CaseService:
    refs: dict[str, str] = {}

    def at(day: str, child: str, name: str, **options) -> None:
        y, m, d = map(int, day.split("-"))
        clock.set(pendulum.datetime(y, m, d, 10, tz="Europe/London"))
        if name == "notify":
            options = {"nature": "serious_harm", "age_band": "5-9y", "incident_area": "Kent",
                       **options}
            refs[child] = open_case(service, "cspr", child, options, actor="c").reference
        elif name == "extend":
            service.extend(refs[child], "completion", to=options["to"], reason="reviewer ill",
                           actor="c")
        else:
            service.advance(refs[child], name, options, actor="c")

    def rapid_review(child: str, day: str, outcome: str) -> None:
        at(day, child, "hold_meeting")
        at(day, child, "decide", outcome=outcome, rationale="r", decided_by="the partners",
           criteria=["recurrent_themes"] if outcome == "lcspr" else [])
        at(day, child, "send_report")

    def published(child: str, planned: str, sent: str) -> None:
        at(planned, child, "plan_publication", date=sent)
        at(planned, child, "send_final_report")
        at(sent, child, "publish")

    at("2019-03-02", "Child E", "notify", aware="2019-03-01")
    at("2019-03-05", "Child E", "notify_panel")
    at("2019-03-20", "Child E", "hold_meeting")
    at("2019-03-20", "Child E", "decide", outcome="lcspr", criteria=["recurrent_themes"],
       rationale="r", decided_by="the partners")
    at("2019-03-25", "Child E", "send_report")
    at("2019-04-02", "Child A", "notify", aware="2019-04-01", nature="death",
       looked_after=True, known_to_agency=True)
    at("2019-04-03", "Child A", "notify_panel")
    at("2019-04-05", "Child E", "record_panel_response", response="agrees")
    at("2019-04-08", "Child E", "commission_lcspr", reviewer=["R Jones"], terms="ToR")
    rapid_review("Child A", "2019-04-24", "lcspr")
    at("2019-05-03", "Child A", "record_panel_response", response="agrees")
    at("2019-05-07", "Child A", "commission_lcspr", reviewer=["S Patel"], terms="ToR")
    at("2019-06-21", "Child B", "notify", aware="2019-06-20", known_to_agency=True)
    at("2019-07-01", "Child B", "notify_panel")
    rapid_review("Child B", "2019-08-02", "no_lcspr")
    at("2019-08-16", "Child B", "record_panel_response", response="disagrees")
    at("2019-08-19", "Child B", "reopen_decision", reason="recurrent themes")
    at("2019-09-02", "Child E", "extend", to="2019-12-20")
    at("2019-09-02", "Child B", "decide", outcome="lcspr", criteria=["recurrent_themes"],
       rationale="r", decided_by="the partners")
    at("2019-09-02", "Child B", "send_report")
    at("2019-09-03", "Child D", "notify", aware="2019-09-02", nature="death")
    at("2019-09-04", "Child D", "notify_panel")
    at("2019-09-10", "Child D", "withdraw", reason="found accidental")
    at("2019-09-13", "Child B", "record_panel_response", response="agrees")
    at("2019-09-16", "Child B", "commission_lcspr", reviewer=["T Khan"], terms="ToR")
    at("2019-10-01", "Child A", "add_action", recommendation="R1", action="Train staff",
       agency="CSC", due="2019-12-31")
    published("Child A", "2019-10-01", "2019-10-21")
    at("2019-11-01", "Child E", "add_action", recommendation="R1", action="Audit referrals",
       agency="EDU", due="2020-02-28")
    published("Child E", "2019-11-20", "2019-12-10")
    at("2019-12-24", "Child C", "notify", aware="2019-12-23", looked_after=True)
    at("2020-01-02", "Child C", "notify_panel")
    at("2020-01-15", "Child A", "complete_action", action=1)
    rapid_review("Child C", "2020-01-23", "no_lcspr")
    at("2020-02-07", "Child C", "record_panel_response", response="agrees")
    at("2020-02-10", "Child C", "close_no_lcspr")
    at("2020-03-02", "Child E", "carry_forward", action=1, reason="new protocol",
       decision="partners, 2 Mar 2020")
    clock.set(pendulum.datetime(2020, 6, 1, 9, tz="Europe/London"))
    assert refs == {"Child E": "CSPR-2019-001", "Child A": "CSPR-2019-002",
                    "Child B": "CSPR-2019-003", "Child D": "CSPR-2019-004",
                    "Child C": "CSPR-2019-005"}
    return service


def test_the_partners_year_worked_by_hand(year):
    f = cspr_figures(year, D(2019, 4, 1), D(2020, 3, 31))
    assert (f.notified, f.death, f.serious_harm, f.looked_after, f.known_to_agency,
            f.notified_on_time, f.withdrawn) == (4, 2, 2, 2, 2, 3, 1)
    assert f.by_quarter == {
        "2019-04": {"notified": 1, "death": 1, "serious_harm": 0, "looked_after": 1},
        "2019-07": {"notified": 2, "death": 1, "serious_harm": 1, "looked_after": 0},
        "2019-10": {"notified": 0, "death": 0, "serious_harm": 0, "looked_after": 0},
        "2020-01": {"notified": 1, "death": 0, "serious_harm": 1, "looked_after": 1}}
    assert (f.rapid_reviews_sent, f.rapid_reviews_on_time, f.rapid_reviews_late) == (3, 2, 1)
    assert f.decided == {"lcspr": 2, "no_lcspr": 1, "national_review": 0}
    assert (f.decided_again, f.commissioned, f.care_leavers_notified) == (1, 3, 0)
    assert (f.completed, f.completed_within_timescale, f.completed_within_extension) == (2, 1, 1)
    assert (f.average_slippage_days, f.longest_slippage_days, f.longest_slippage_case) == (
        40.5, 81, "CSPR-2019-001")
    assert f.unpublished_past_due == 1
    assert (f.actions_due, f.actions_completed_on_time, f.actions_completed_late,
            f.actions_carried_forward, f.actions_open) == (2, 0, 1, 1, 0)
    assert (f.audits_due, f.plans_at_six_months) == (0, 0)
    refs = f.references
    assert refs["notified_late"] == ["CSPR-2019-003"]
    assert refs["rapid_reviews_late"] == ["CSPR-2019-003"]
    assert refs["withdrawn"] == ["CSPR-2019-004"]
    assert refs["commissioned"] == ["CSPR-2019-001", "CSPR-2019-002", "CSPR-2019-003"]
    assert refs["unpublished_past_due"] == ["CSPR-2019-003"]
    assert refs["actions_completed_late"] == ["CSPR-2019-002 A1"]


def test_the_year_before_counts_only_what_happened_in_it(year):
    f = cspr_figures(year, D(2018, 4, 1), D(2019, 3, 31))
    assert (f.notified, f.rapid_reviews_sent, f.decided["lcspr"], f.commissioned) == (
        1, 1, 1, 0)
    assert f.by_quarter["2019-01"]["notified"] == 1 and len(f.by_quarter) == 4


def test_the_partners_figures_on_the_command_line_in_every_format(year, run):
    args = ("report", "figures", "--to", "2020-03-31")
    data = json.loads(run(*args, "--json").stdout)
    assert list(data) == ["period_from", "period_to", "scr", "child_deaths",
                          "child_deaths_2018", "cspr"]
    cspr = data["cspr"]
    assert (cspr["notified"], cspr["rapid_reviews_on_time"], cspr["commissioned"],
            cspr["completed_within_timescale"], cspr["actions_carried_forward"]) == (
        4, 2, 3, 1, 1)
    assert cspr["by_quarter"]["2019-07"]["notified"] == 2
    assert list(cspr)[:3] == ["period_from", "period_to", "notified"]
    assert list(cspr)[-1] == "references" and "outcomes" not in cspr
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    values = {r["Name"]: r["Value"] for r in rows if r["Section"].startswith("Child safe")}
    assert (values["cspr.notified"], values["cspr.by_quarter.2019-07"],
            values["cspr.by_quarter.2020-01"], values["cspr.decided"],
            values["cspr.decided.lcspr"], values["cspr.average_slippage_days"],
            values["cspr.longest_slippage_days"], values["cspr.unpublished_past_due"]) == (
        "4", "2 (1 / 1 / 0)", "1 (0 / 1 / 1)", "3", "2", "40.5", "81 (CSPR-2019-001)", "1")
    text = run(*args).stdout
    lines = text.splitlines()
    section = lines[lines.index("Child safeguarding practice reviews"):]
    assert section[1].split() == ["Serious", "incidents", "notified", "to", "the", "Panel",
                                  "4"]
    assert "    Jul-Sep 2019" in text and "    Jan-Mar 2020" in text
    assert [line.split()[-1] for line in section if "within the timescale (by" in line] == [
        "2"]
    assert [line.split()[-1] for line in section if "Local reviews published" in line] == [
        "2"]
    assert "Action plans six months from publication" in text
    assert all(len(line) <= 80 for line in lines)
    html = run(*args, "--format", "html").stdout
    assert '<section class="figures" id="child-safeguarding-practice-reviews">' in html
    assert '<tr class="depth-2" data-name="cspr.by_quarter.2019-04">' in html
    assert '<tr class="depth-1" data-name="cspr.rapid_reviews_late">' in html


def test_a_care_leavers_death_is_counted_apart(service, clock):
    clock.set(pendulum.datetime(2024, 6, 3, 9, tz="Europe/London"))
    ref = open_case(service, "cspr", "Young person", {
        "aware": "2024-01-08", "nature": "death", "care_leaver_age": "22",
        "incident_area": "Kent"}, actor="c", on="2024-01-09").reference
    service.advance(ref, "notify_care_leaver", {}, actor="c", on="2024-01-12")
    f = cspr_figures(service, D(2023, 4, 1), D(2024, 3, 31))
    assert (f.care_leavers_notified, f.notified, f.death) == (1, 0, 0)
    assert f.references["care_leavers_notified"] == [ref]



def test_the_local_reviews_slippage_on_the_figures_paper(year, run):
    """The later regime's reviews drawn as the SCR's are, from what its definition counts:
    E decided 20 Mar 2019, due 20 Sep (184 days), extended to 20 Dec (91 days), published
    10 Dec: 81 of them used. A decided 24 Apr, published 21 Oct (due 24 Oct): 180 days.
    B decided again 2 Sep, due 2 Mar 2020 (182 days), still open on 31 Mar: 29 days over."""
    import re
    import xml.etree.ElementTree as ET

    html = run("report", "figures", "--to", "2020-03-31", "--format", "html").stdout
    [svg] = re.findall(r'<svg [^>]*id="cspr-slippage".*?</svg>', html, re.S)
    ns = {"s": "http://www.w3.org/2000/svg"}
    spans = ET.fromstring(svg).findall("s:g[@class='span']", ns)
    assert [(g.get("data-reference"), g.get("data-open"),
             [(r.get("data-part"), int(r.get("data-days"))) for r in g.findall("s:rect", ns)])
            for g in spans] == [
        ("CSPR-2019-001", "no", [("timescale", 184), ("extension", 81)]),
        ("CSPR-2019-002", "no", [("timescale", 180)]),
        ("CSPR-2019-003", "yes", [("timescale", 182), ("overrun", 29)])]
    assert '<tr data-case="CSPR-2019-001"><td class="ref">CSPR-2019-001</td><td class="date">' \
           '20 Mar 2019</td><td class="date">20 Sep 2019</td><td class="date">20 Dec 2019' \
           '</td><td class="date">10 Dec 2019</td><td class="number">91</td>' in html
    assert "scr-slippage" not in html  # no SCR under way: no chart
