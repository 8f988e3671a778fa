"""The board's serious case review figures for 2008/09, for five reviews built by hand.

  SCR-2007-001 "Child O"  referred 1 Oct 2007, SCR decided 1 Nov 2007 (review due 4 months on:
      1 Mar 2008); endorsed 14 Apr 2008: completed 44 days late. Its one action (HEALTH, due
      30 Sep 2008) is carried forward on 1 Oct 2008; its six-month audit (due 14 Oct 2008) is
      recorded on 1 Dec 2008, late.
  SCR-2008-001 "Child P"  referred 2 Apr 2008, SCR decided 30 Apr (review due 30 Aug);
      endorsed 28 Aug: within timescale. A1 (POLICE, due 31 Oct) completed 20 Oct: on time;
      A2 (CSC, due 31 Dec) completed 15 Jan 2009: late. Audit due 28 Feb 2009, recorded
      20 Feb: on time, and both actions were implemented by then.
  SCR-2008-002 "Child Q"  referred 1 May 2008, non-statutory review decided 2 Jun (due 2 Oct);
      extended on 15 Sep to 19 Dec; endorsed 10 Dec: within the extension, 69 days after the
      original date. A1 (EDU, due 13 Mar 2009) is open on 31 Mar 2009; on 20 Apr 2009 it is
      extended to 29 May and on 5 May completed - neither changes 2008/09.
  SCR-2008-003 "Child R"  referred 10 Jul 2008; no review decided 5 Aug.
  SCR-2009-001 "Child S"  referred 1 Mar 2009; undecided on 31 Mar.

So for 1 April 2008 - 31 March 2009: referred 4 (P, Q, R, S); decided: SCR 1 (P),
non-statutory 1 (Q), no review 1 (R); completed 3 (O, P, Q): within timescale 1 (P), within an
extension 1 (Q); slippage 44, 0 and 69 days: average 37.7, longest 69 (Q). Actions due in the
period 4: on time 1 (P A1), late 1 (P A2), carried forward 1 (O A1), open 1 (Q A1). Plans
whose six months ended in the period 2 (O on 14 Oct, P on 28 Feb): reviewed within 6 months
1 (P); their actions 3, implemented within 6 months 2 (P's). Audits due 2, done 2, on time 1.
"""

from __future__ import annotations

import csv
import io
import json

import pendulum
import pytest

from casework.clock import FixedClock
from casework.reports import board_figures
from casework.service import CaseService
from workflows.scr_figures import ScrFigures

D = pendulum.Date


def scr_figures(service: CaseService, period_from: D, period_to: D) -> ScrFigures:
    """The SCR's section of the board's figures: what the scr definition counts."""
    return board_figures(service, period_from, period_to)["scr"].figures


@pytest.fixture
def year(service: CaseService, agencies, clock: FixedClock) -> CaseService:
    refs: dict[str, str] = {}

    def at(day: str, pseudonym: str, name: str, **options) -> None:
        y, m, d = map(int, day.split("-"))
        clock.set(pendulum.datetime(y, m, d, 10, tz="Europe/London"))
        if name == "refer":
            refs[pseudonym] = service.refer_scr(pseudonym, actor="c").reference
        elif name == "extend":
            service.extend(refs[pseudonym], options["key"], to=options["to"], reason="panel",
                           actor="c")
        else:
            service.advance(refs[pseudonym], name, options, actor="c")

    def through_imrs(child: str, outcome: str, days: tuple[str, ...], agency: str) -> None:
        recommend, decide, *rest = days
        at(recommend, child, "recommend", recommendation=outcome)
        at(decide, child, "decide", outcome=outcome, criteria=["inter_agency_concerns"],
           rationale="concerns about working together", chair="Chair")
        if outcome == "scr":
            at(rest.pop(0), child, "notify_inspectorate")
        at(rest[0], child, "form_panel", chair="Independent", member="DI Jones, POLICE",
           conflicts="none")
        at(rest[1], child, "commission_imrs", terms="ToR", agency=[agency])

    def action(day: str, child: str, agency: str, due: str) -> None:
        at(day, child, "add_action", recommendation="R", action="Audit referrals",
           agency=agency, due=due)

    at("2007-10-01", "Child O", "refer")
    through_imrs("Child O", "scr", ("2007-10-20", "2007-11-01", "2007-11-05", "2007-11-20",
                                     "2007-11-21"), "POLICE=2008-01-11")
    at("2008-01-10", "Child O", "receive_imr", agency="POLICE")
    at("2008-01-14", "Child O", "commission_overview", author="Author")
    action("2008-03-20", "Child O", "HEALTH", "2008-09-30")
    at("2008-03-25", "Child O", "submit_overview")
    at("2008-04-02", "Child P", "refer")
    at("2008-04-14", "Child O", "endorse")
    through_imrs("Child P", "scr", ("2008-04-20", "2008-04-30", "2008-05-02", "2008-05-09",
                                     "2008-05-12"), "POLICE=2008-06-20")
    at("2008-05-01", "Child Q", "refer")
    through_imrs("Child Q", "non_statutory", ("2008-05-20", "2008-06-02", "2008-06-10",
                                               "2008-06-11"), "CSC=2008-07-31")
    at("2008-06-20", "Child P", "receive_imr", agency="POLICE")
    at("2008-06-23", "Child P", "commission_overview", author="Author")
    action("2008-06-24", "Child P", "POLICE", "2008-10-31")
    action("2008-06-24", "Child P", "CSC", "2008-12-31")
    at("2008-07-10", "Child R", "refer")
    at("2008-07-20", "Child R", "recommend", recommendation="no_review")
    at("2008-07-31", "Child Q", "receive_imr", agency="CSC")
    at("2008-08-04", "Child Q", "commission_overview", author="Author")
    at("2008-08-05", "Child R", "decide", outcome="no_review", rationale="below threshold",
       chair="Chair")
    at("2008-08-15", "Child P", "submit_overview")
    at("2008-08-28", "Child P", "endorse")
    at("2008-09-01", "Child P", "publish")
    at("2008-09-15", "Child Q", "extend", key="completion", to="2008-12-19")
    at("2008-10-01", "Child O", "carry_forward", action=1, reason="new protocol",
       decision="board, 1 Oct 2008")
    at("2008-10-20", "Child P", "complete_action", action=1)
    action("2008-11-20", "Child Q", "EDU", "2009-03-13")
    at("2008-12-01", "Child Q", "submit_overview")
    at("2008-12-01", "Child O", "record_audit", outcome="late but done")
    at("2008-12-10", "Child Q", "endorse")
    at("2009-01-15", "Child P", "complete_action", action=2)
    at("2009-02-20", "Child P", "record_audit", outcome="on track")
    at("2009-03-01", "Child S", "refer")
    at("2009-04-20", "Child Q", "extend", key="A1", to="2009-05-29")
    at("2009-05-05", "Child Q", "complete_action", action=1)
    clock.set(pendulum.datetime(2009, 6, 1, 9, tz="Europe/London"))
    assert refs == {"Child O": "SCR-2007-001", "Child P": "SCR-2008-001",
                    "Child Q": "SCR-2008-002", "Child R": "SCR-2008-003",
                    "Child S": "SCR-2009-001"}
    return service


def test_the_years_figures_worked_by_hand(year):
    f = scr_figures(year, D(2008, 4, 1), D(2009, 3, 31))
    assert f.referred == 4
    assert f.decided == {"scr": 1, "non_statutory": 1, "no_review": 1}
    assert (f.completed, f.completed_within_timescale, f.completed_within_extension) == (3, 1, 1)
    assert (f.average_slippage_days, f.longest_slippage_days, f.longest_slippage_case) == (
        37.7, 69, "SCR-2008-002")
    assert (f.actions_due, f.actions_completed_on_time, f.actions_completed_late,
            f.actions_carried_forward, f.actions_open) == (4, 1, 1, 1, 1)
    assert (f.plans_at_six_months, f.plans_reviewed_within_six_months, f.plan_actions,
            f.plan_actions_implemented_within_six_months) == (2, 1, 3, 2)
    assert (f.audits_due, f.audits_done, f.audits_done_on_time) == (2, 2, 1)
    assert f.references["actions_open"] == ["SCR-2008-002 A1"]
    assert f.references["actions_completed_late"] == ["SCR-2008-001 A2"]
    assert f.references["audits_done_late"] == ["SCR-2007-001"]


def test_a_later_extension_does_not_rewrite_the_year(year):
    """Child Q's action was due 13 March 2009 when the year ended; it was extended (20 April)
    and completed (5 May) after. Reading the row as it stands would lose it from 2008/09."""
    q_action = next(d for d in year.deadlines_of(year.case("SCR-2008-002")) if d.number == 1)
    assert (q_action.due_on, q_action.status) == (D(2009, 5, 29), "met")
    f = scr_figures(year, D(2008, 4, 1), D(2009, 3, 31))
    assert f.actions_open == 1 and f.actions_due == 4
    # 2009/10 reads it under the date agreed since, 29 May 2009, met on 5 May: on time.
    later = scr_figures(year, D(2009, 4, 1), D(2010, 3, 31))
    assert (later.referred, later.actions_due, later.actions_completed_on_time,
            later.completed) == (0, 1, 1, 0)
    assert (later.audits_due, later.audits_done) == (1, 0)  # Q's, due 10 June 2009


def test_the_figures_on_the_command_line_in_every_format(year, run, tmp_path):
    args = ("report", "figures", "--to", "2009-03-31")
    data = json.loads(run(*args, "--json").stdout)
    assert (data["period_from"], data["period_to"]) == ("2008-04-01", "2009-03-31")
    assert data["scr"]["plans_reviewed_within_six_months"] == 1
    assert data["child_deaths"]["notified"] == 0
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    values = {r["Name"]: r["Value"] for r in rows}
    assert (values["scr.referred"], values["scr.completed_within_timescale"],
            values["scr.average_slippage_days"], values["scr.longest_slippage_days"]) == (
        "4", "1", "37.7", "69 (SCR-2008-002)")
    assert {r["From"] for r in rows} == {"2008-04-01"} and {r["To"] for r in rows} == {
        "2009-03-31"}
    text = run(*args).stdout
    lines = text.splitlines()
    assert lines[0] == "Figures for 1 Apr 2008 to 31 Mar 2009"
    assert lines[2] == "Serious case reviews"
    assert lines[3].split() == ["Referred", "4"]
    assert "  actions implemented within 6 months" in text
    assert all(len(line) <= 80 for line in lines)
    html = run(*args, "--format", "html").stdout
    assert "<h1>Figures for 1 Apr 2008 to 31 Mar 2009</h1>" in html
    assert '<tr class="depth-1" data-name="scr.plans_reviewed_within_six_months">' in html
    assert ('<section class="figures" id="serious-case-reviews">' in html
            and '<section class="figures" id="child-deaths">' in html)
