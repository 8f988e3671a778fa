"""Regimes: which version of a process a case runs under, chosen by the case's own key date
(an SCR's referral, a death's date), the version's own timescales, and a board's own switch
dates (REGIMES.md §1-3, DOMAIN.md §4).

Expected dates are worked out by hand in the comments: day 0 is the anchor's own day, months
clamp to the month's end, working days leave out weekends and England & Wales bank holidays.
The clock stands at Monday 8 January 2018, after every date used; steps are recorded after the
fact with `on=`, as coordinators do.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pendulum
import pytest

from casework.calendar import WorkingCalendar
from casework.errors import InvalidInput, StepRefused
from casework.models import Case, Deadline
from casework.regimes import open_case
from casework.service import CaseService
from workflows.scr import OVERVIEW, SUMMARY

D = dt.date


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2018, 1, 8, 9, tz="Europe/London"))  # Monday 8 January 2018
    return clock


def refer(service: CaseService, on: str, pseudonym: str = "Child A", **options) -> Case:
    return open_case(service, "scr", pseudonym, options, actor="coordinator", on=on)


def step(service: CaseService, ref: str, name: str, on: str, **options):
    return service.advance(ref, name, options, actor="coordinator", on=on)


def deadlines(service: CaseService, ref: str) -> dict[str, Deadline]:
    return {d.key: d for d in service.deadlines_of(service.case(ref))}


def decide(service: CaseService, ref: str, on: str, outcome: str = "scr") -> None:
    """The panel recommends and the chair decides on the same day."""
    if outcome == "scr":
        step(service, ref, "recommend", on, recommendation="scr", criteria="death")
        step(service, ref, "decide", on, outcome="scr", criteria=["death"],
             rationale="a child died; neglect suspected", chair="J Smith")
    elif outcome == "non_statutory":
        step(service, ref, "recommend", on, recommendation="non_statutory")
        step(service, ref, "decide", on, outcome="non_statutory",
             criteria=["inter_agency_concerns"], rationale="below threshold", chair="J Smith")
    else:
        step(service, ref, "recommend", on, recommendation="no_review")
        step(service, ref, "decide", on, outcome="no_review",
             rationale="single-agency learning only", chair="J Smith")


def case_count(run) -> int:
    return len(json.loads(run("case", "list", "--json").stdout)["cases"])


def cdr_options(died: str) -> list[str]:
    return ["--died", died, "--age-band", "1-4y", "--place", "home", "--notifier",
            "Dr X, paediatrician", "--notifier-agency", "HEALTH", "--residence", "Kent",
            "--death", "expected"]


# -- 1. the version is chosen by the referral's own date --------------------------------


@pytest.mark.parametrize(("referred", "version", "regime"), [
    ("2009-11-30", "2006.1", "WT2006"),  # the last day before the revised chapter 8
    ("2009-12-01", "2010.1", "WT2010"),  # its (assumed) first day
    ("2013-02-28", "2010.1", "WT2010"),  # the last day before WT2013
    ("2013-03-01", "2013.1", "WT2013/15"),
])
def test_the_referral_date_chooses_the_version(service, referred, version, regime):
    case = refer(service, referred)
    assert (case.workflow_key, case.workflow_version) == ("scr", version)
    assert service.workflow_of(case).short_title == regime


def test_a_referral_late_in_the_evening_counts_by_its_london_date(service):
    # 23:30 on Monday 30 November 2009 (GMT) is still 30 November: WT2006.
    case = refer(service, "2009-11-30 23:30")
    assert (case.opened_on, case.workflow_version) == (D(2009, 11, 30), "2006.1")


def test_a_case_keeps_its_version_when_decided_after_the_switch(service):
    ref = refer(service, "2009-11-25").reference  # Wednesday 25 November 2009: WT2006
    decide(service, ref, "2010-01-12")  # Tuesday 12 January 2010, after the switch
    case = service.case(ref)
    assert case.workflow_version == "2006.1"
    # WT2006: 4 calendar months after Tuesday 12 January 2010 -> Wednesday 12 May 2010
    # (WT2010 would have given 12 July 2010).
    completion = deadlines(service, ref)["completion"]
    assert (completion.due_on, completion.rule) == (D(2010, 5, 12), "4 months after decision")


def test_a_wt2006_case_initiated_before_10_june_2010_records_nothing_of_publication(service):
    # WT2006's own stage already says "executive summary": nothing more to record.
    ref = refer(service, "2009-11-30").reference
    decide(service, ref, "2010-06-09")
    assert "publishes" not in service.case(ref).data


# REGIMES.md §1: the initiation (decision) date selects the 10 June 2010 publication rule,
# whatever the referral's date.
def test_a_wt2006_case_initiated_from_10_june_2010_publishes_the_overview_report(service):
    ref = refer(service, "2009-11-30").reference
    decide(service, ref, "2010-06-10")
    assert service.case(ref).data.get("publishes") == OVERVIEW


# -- 2. completion deadlines ------------------------------------------------------------


def test_wt2006_completion_is_4_months_after_the_decision_clamped_to_february(service):
    ref = refer(service, "2009-10-05").reference  # Monday 5 October 2009: WT2006
    decide(service, ref, "2009-10-30")
    # Friday 30 October 2009 + 4 months = "30 February 2010": clamped to Sunday 28 February
    # (2010 is not a leap year).
    completion = deadlines(service, ref)["completion"]
    assert (completion.due_on, completion.rule) == (D(2010, 2, 28), "4 months after decision")


@pytest.mark.parametrize(("referred", "decided", "due"), [
    # Wednesday 31 August 2011 + 6 months = "31 February 2012": 2012 is a leap year (divisible
    # by 4, not a century), so clamped to Wednesday 29 February 2012.
    ("2011-08-01", "2011-08-31", D(2012, 2, 29)),
    # Friday 31 August 2012 + 6 months = "31 February 2013": 2013 is not a leap year, so
    # Thursday 28 February 2013 (the referral, 1 August 2012, is before WT2013: WT2010).
    ("2012-08-01", "2012-08-31", D(2013, 2, 28)),
    # Tuesday 15 June 2010 + 6 months = Wednesday 15 December 2010 (no clamp).
    ("2010-06-01", "2010-06-15", D(2010, 12, 15)),
])
def test_wt2010_completion_is_6_months_after_the_decision(service, referred, decided, due):
    ref = refer(service, referred).reference
    assert service.case(ref).workflow_version == "2010.1"
    decide(service, ref, decided)
    completion = deadlines(service, ref)["completion"]
    assert (completion.due_on, completion.rule) == (due, "6 months after decision")


# -- 3. the 9/10 June 2010 publication switch under WT2010 -------------------------------


@pytest.mark.parametrize(("decided", "outcome", "publishes"), [
    ("2010-06-09", "scr", SUMMARY),  # Wednesday 9 June 2010: initiated before the letter
    ("2010-06-10", "scr", OVERVIEW),  # Thursday 10 June 2010: the letter's own day
    ("2010-06-10", "non_statutory", OVERVIEW),
])
def test_the_decision_day_says_what_a_wt2010_review_publishes(service, decided, outcome,
                                                              publishes):
    ref = refer(service, "2010-05-04").reference  # Tuesday 4 May 2010: WT2010
    decide(service, ref, decided, outcome)
    assert service.case(ref).data["publishes"] == publishes


def test_the_publication_texts(service):
    assert SUMMARY == "the executive summary (reviews initiated before 10 June 2010)"
    assert OVERVIEW == "the overview report, anonymised (reviews initiated from 10 June 2010)"


def test_a_wt2010_no_review_decision_records_nothing_of_publication(service):
    ref = refer(service, "2010-05-04").reference
    decide(service, ref, "2010-06-10", "no_review")
    case = service.case(ref)
    assert case.state == "no_review"
    assert "publishes" not in case.data


def test_case_show_prints_what_a_wt2010_review_publishes(run):
    ref = run("case", "open", "scr", "--pseudonym", "Child A",
              "--on", "2010-05-04").stdout.split()[0]
    run("case", "advance", ref, "recommend", "--recommendation", "scr", "--criteria", "death",
        "--on", "2010-06-09")
    run("case", "advance", ref, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "a child died", "--chair", "J Smith", "--on", "2010-06-09")
    out = run("case", "show", ref, "--as-of", "2010-06-09").stdout
    assert ("Regime                Serious case review (Working Together 2010, revised\n"
            "                      chapter 8) (scr 2010.1)\n"
            "Publishes             the executive summary (reviews initiated before 10 June\n"
            "                      2010)\n") in out


def test_case_show_prints_the_publishes_line_once(run):
    ref = run("case", "open", "scr", "--pseudonym", "Child A",
              "--on", "2010-05-04").stdout.split()[0]
    run("case", "advance", ref, "recommend", "--recommendation", "scr", "--criteria", "death",
        "--on", "2010-06-10")
    run("case", "advance", ref, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "a child died", "--chair", "J Smith", "--on", "2010-06-10")
    out = run("case", "show", ref, "--as-of", "2010-06-10").stdout
    assert out.count("Publishes") == 1


# -- 4. WT2013/15 -----------------------------------------------------------------------


def test_the_incident_notification_counts_5_working_days_from_awareness_over_christmas(
        service):
    # Aware Thursday 22 December 2016. Friday 23 Dec (1); Sat 24, Sun 25 weekend; Monday 26
    # Boxing Day; Tuesday 27 the substitute day for Christmas Day (a Sunday); Wed 28 (2),
    # Thu 29 (3), Fri 30 (4); Sat 31, Sun 1 weekend; Monday 2 January 2017 the substitute day
    # for New Year's Day (a Sunday); Tuesday 3 January 2017 (5).
    calendar = WorkingCalendar()
    assert [calendar.closure(D(2016, 12, 26)), calendar.closure(D(2016, 12, 27)),
            calendar.closure(D(2017, 1, 2))] == [
        "Boxing Day", "Christmas Day (observed)", "New Year's Day (observed)"]
    assert calendar.add_working_days(D(2016, 12, 22), 5) == D(2017, 1, 3)
    case = refer(service, "2016-12-23", aware="2016-12-22")
    assert case.workflow_version == "2013.1"
    notice = deadlines(service, case.reference)["incident_notification"]
    assert (notice.due_on, notice.anchor_on, notice.rule) == (
        D(2017, 1, 3), D(2016, 12, 22), "5 working days after aware")
    step(service, case.reference, "notify_ofsted", "2017-01-03")
    notice = deadlines(service, case.reference)["incident_notification"]
    assert (notice.status, notice.closed_on) == ("met", D(2017, 1, 3))
    assert service.case(case.reference).state == "screening"  # the case stays where it was


def test_awareness_defaults_to_the_referral(service):
    # Referred Friday 6 January 2017, aware the same day: Mon 9 (1) ... Fri 13 January (5).
    case = refer(service, "2017-01-06")
    notice = deadlines(service, case.reference)["incident_notification"]
    assert (notice.anchor_on, notice.due_on) == (D(2017, 1, 6), D(2017, 1, 13))


def test_the_incident_is_notified_once(service):
    ref = refer(service, "2017-01-06").reference
    step(service, ref, "notify_ofsted", "2017-01-09")
    with pytest.raises(StepRefused, match="Ofsted and the board have already been notified"):
        step(service, ref, "notify_ofsted", "2017-01-10")


def test_awareness_after_the_referral_is_refused_and_nothing_is_written(run):
    before = case_count(run)
    result = run("case", "open", "scr", "--pseudonym", "Child B", "--on", "2016-12-22",
                 "--aware", "2016-12-23", expect=2)
    assert result.stderr == ("Error: --aware is after the referral: the local authority was "
                             "aware of it first\n")
    assert case_count(run) == before == 0
    # The next case still takes the year's first reference.
    assert run("case", "open", "scr", "--pseudonym", "Child B", "--on", "2016-12-22",
               "--aware", "2016-12-22").stdout.split()[0] == "SCR-2016-001"


def test_aware_is_not_an_option_of_the_older_versions(run):
    # A referral on 22 December 2009 runs WT2010, whose intake has no --aware.
    result = run("case", "open", "scr", "--pseudonym", "Child C", "--on", "2009-12-22",
                 "--aware", "2009-12-21", expect=2)
    assert result.stderr == ("Error: a serious case review under WT2010 (referral 22 Dec "
                             "2009) has no option --aware (its options: --referred-by)\n")
    assert case_count(run) == 0


def test_the_wt2013_decision_is_due_normally_within_one_month(service):
    # Referred Tuesday 31 January 2017: + 1 month = "31 February", clamped to Tuesday
    # 28 February 2017.
    ref = refer(service, "2017-01-31").reference
    decision = deadlines(service, ref)["decision"]
    assert (decision.due_on, decision.rule) == (D(2017, 2, 28), "1 month after referral")
    assert service.workflow_of(service.case(ref)).deadline("decision").strength_text == (
        "statutory guidance: normally (WT2015, quoted by Richmond LSCB [S])")


def test_a_no_scr_decision_tells_the_national_panel_within_14_days(service):
    ref = refer(service, "2017-04-03").reference  # Monday 3 April 2017
    step(service, ref, "notify_ofsted", "2017-04-04")
    decide(service, ref, "2017-04-13", "no_review")
    case = service.case(ref)
    assert (case.state, case.closed_on) == ("informing_panel", None)
    # 14 calendar days from Thursday 13 April 2017: Good Friday (14th) and Easter Monday
    # (17th) count like any day -> Thursday 27 April 2017.
    notice = deadlines(service, ref)["no_scr_notice"]
    assert (notice.due_on, notice.rule, notice.status) == (
        D(2017, 4, 27), "14 days after decision", "open")
    step(service, ref, "inform_panel", "2017-04-20")
    case = service.case(ref)
    assert (case.state, case.closed_on) == ("no_review", D(2017, 4, 20))
    assert {d.key: d.status for d in service.deadlines_of(case)} == {
        "decision": "met", "incident_notification": "met", "no_scr_notice": "met"}


def test_an_scr_decision_opens_no_no_scr_notice(service):
    ref = refer(service, "2017-04-03").reference
    decide(service, ref, "2017-04-13")
    assert service.case(ref).state == "notification"
    assert "no_scr_notice" not in deadlines(service, ref)


def test_the_incident_can_be_notified_after_the_chair_decided(service):
    ref = refer(service, "2017-01-09").reference  # Monday 9 January 2017; due Monday 16th
    decide(service, ref, "2017-01-10")
    step(service, ref, "notify_ofsted", "2017-01-11")
    assert deadlines(service, ref)["incident_notification"].status == "met"


def test_the_incident_can_be_notified_late_while_the_review_runs(service, agencies):
    ref = refer(service, "2017-01-09").reference  # due Monday 16 January 2017
    decide(service, ref, "2017-01-10")
    step(service, ref, "notify_inspectorate", "2017-01-11")
    step(service, ref, "notify_ofsted", "2017-01-20")  # Friday: four working days late
    notified = deadlines(service, ref)["incident_notification"]
    assert (notified.status, notified.due_on) == ("met", D(2017, 1, 16))
    with pytest.raises(StepRefused, match="already been notified"):
        step(service, ref, "notify_ofsted", "2017-01-23")


def test_a_case_closed_at_no_review_has_nothing_late(run, clock):
    clock.set(pendulum.datetime(2017, 2, 1, 9, tz="Europe/London"))
    ref = run("case", "open", "scr", "--pseudonym", "Child B",
              "--on", "2017-01-09").stdout.split()[0]
    run("case", "advance", ref, "recommend", "--recommendation", "no_review",
        "--on", "2017-01-09")
    run("case", "advance", ref, "decide", "--outcome", "no_review", "--rationale", "r",
        "--chair", "J Smith", "--on", "2017-01-10")
    ended = run("case", "advance", ref, "inform_panel", "--on", "2017-01-12").stdout
    assert "lapsed incident_notification (due 16 Jan 2017)" in ended
    late = json.loads(run("deadlines", "--overdue", "--json").stdout)
    assert ref not in json.dumps(late)
    # The incident notification (due Monday 16 January) lapsed the day the case ended, with
    # why; the day before, it was still open and not yet late.
    shown = json.loads(run("case", "show", ref, "--json").stdout)
    lapsed = next(d for d in shown["deadlines"] if d["key"] == "incident_notification")
    assert (lapsed["status"], lapsed["closed_on"], lapsed["note"]) == (
        "lapsed", "2017-01-12", "the case ended at no_review: Closed: no review")
    before = json.loads(run("case", "show", ref, "--as-of", "2017-01-11", "--json").stdout)
    assert [d["status"] for d in before["deadlines"]
            if d["key"] == "incident_notification"] == ["open"]


def _published_wt2013(service: CaseService, published: str) -> str:
    ref = refer(service, "2015-01-05", aware="2015-01-02").reference
    step(service, ref, "notify_ofsted", "2015-01-06")
    decide(service, ref, "2015-02-02")
    step(service, ref, "notify_inspectorate", "2015-02-03")
    step(service, ref, "form_panel", "2015-02-10", chair="Independent chair",
         member=["DI Jones, POLICE"], conflicts="none declared")
    step(service, ref, "commission_imrs", "2015-02-11", terms="ToR v1", agency=["POLICE"])
    step(service, ref, "receive_imr", "2015-03-11", agency="POLICE")
    step(service, ref, "commission_overview", "2015-03-12", author="A Author")
    step(service, ref, "add_action", "2015-04-01", recommendation="R1", action="Train staff",
         agency="CSC", due="2016-01-01")
    step(service, ref, "submit_overview", "2015-05-01")
    step(service, ref, "endorse", "2015-06-01")
    step(service, ref, "publish", published)
    return ref


@pytest.mark.parametrize(("published", "until"), [
    ("2016-02-29", D(2017, 2, 28)),  # Mon 29 Feb 2016 + 12 months: 2017 is not a leap year
    ("2015-09-15", D(2016, 9, 15)),  # Tuesday 15 September 2015 + 12 months
])
def test_publishing_records_how_long_the_report_stays_published(service, agencies, published,
                                                                until):
    ref = _published_wt2013(service, published)
    case = service.case(ref)
    assert case.state == "implementation"
    assert case.data["keep_published_until"] == until.isoformat()


def test_case_show_says_until_when_the_report_stays_published(run, service, agencies):
    ref = _published_wt2013(service, "2016-02-29")
    out = run("case", "show", ref, "--as-of", "2016-03-01").stdout
    assert ("                      2013.1)\n"
            "Keep published until  28 Feb 2017 at least\n") in out


def test_case_show_prints_keep_published_until_once(run, service, agencies):
    ref = _published_wt2013(service, "2016-02-29")
    out = run("case", "show", ref, "--as-of", "2016-03-01").stdout
    assert out.count("Keep published until") == 1


# -- 5. a board's own switch date -------------------------------------------------------


def test_a_board_switch_date_moves_the_version_a_referral_runs(service, settings):
    settings.switches[("scr", "2010.1")] = D(2010, 1, 4)  # Monday 4 January 2010
    assert refer(service, "2009-12-15").workflow_version == "2006.1"
    assert refer(service, "2010-01-02").workflow_version == "2006.1"  # Saturday 2 January
    assert refer(service, "2010-01-04").workflow_version == "2010.1"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_file_switch_date_through_the_command_line(run, tmp_path):
    config = _config(tmp_path, '[regimes.scr]\n"2010.1" = 2010-01-04\n')
    early = run("--config", config, "case", "open", "scr", "--pseudonym", "Child X",
                "--on", "2010-01-02", "--json")
    late = run("--config", config, "case", "open", "scr", "--pseudonym", "Child Y",
               "--on", "2010-01-04", "--json")
    assert [json.loads(r.stdout)["version"] for r in (early, late)] == ["2006.1", "2010.1"]
    # Without the config file, 2 January 2010 is after the default switch (1 December 2009).
    assert json.loads(run("case", "open", "scr", "--pseudonym", "Child Z", "--on",
                          "2010-01-02", "--json").stdout)["version"] == "2010.1"


def test_workflow_list_shows_the_board_switch_date(run, tmp_path):
    config = _config(tmp_path, '[regimes.scr]\n"2010.1" = 2010-01-04\n')
    listed = json.loads(run("--config", config, "workflow", "list", "--json").stdout)
    spans = {(v["key"], v["version"]): (v["in_force_from"], v["in_force_to"],
                                         v["switch_moved_by_board"]) for v in listed}
    assert spans == {
        ("scr", "2006.1"): (None, "2010-01-03", False),
        ("scr", "2010.1"): ("2010-01-04", "2013-02-28", True),
        ("scr", "2013.1"): ("2013-03-01", "2019-09-28", False),  # SCRs ended
        ("cdr", "2008.1"): ("2008-04-01", "2018-09-30", False),
        ("cdr", "2018.1"): ("2018-10-01", None, False),
        ("cspr", "2018.1"): ("2018-06-29", "2023-12-14", False),
        ("cspr", "2023.1"): ("2023-12-15", None, False),
    }
    text = run("--config", config, "workflow", "list").stdout
    assert "scr   2010.1   Serious case review (Working Together …  4 Jan 2010*  28 Feb 2013" \
        in text
    assert text.endswith("* the board's own switch date (config file [regimes])\n")


def test_workflow_list_without_a_config_file(run):
    listed = json.loads(run("workflow", "list", "--json").stdout)
    assert [(v["version"], v["in_force_from"], v["in_force_to"], v["switch_moved_by_board"],
             v["key_date"]) for v in listed] == [
        ("2006.1", None, "2009-11-30", False, "referral"),
        ("2010.1", "2009-12-01", "2013-02-28", False, "referral"),
        ("2013.1", "2013-03-01", "2019-09-28", False, "referral"),  # SCRs ended
        ("2008.1", "2008-04-01", "2018-09-30", False, "death"),
        ("2018.1", "2018-10-01", None, False, "death"),
        ("2018.1", "2018-06-29", "2023-12-14", False, "aware"),
        ("2023.1", "2023-12-15", None, False, "aware"),
    ]


def test_an_unknown_version_in_regimes_is_refused(run, tmp_path):
    config = _config(tmp_path, '[regimes.scr]\n"2011.1" = 2010-01-04\n')
    result = run("--config", config, "workflow", "list", expect=2)
    assert result.stderr == (f"Error: config file {config}: [regimes]: no version '2011.1' "
                             "of workflow 'scr' (versions: 2006.1, 2010.1, 2013.1)\n")
    assert result.stdout == ""


def test_an_unknown_workflow_in_regimes_is_refused(run, tmp_path):
    config = _config(tmp_path, '[regimes.xyz]\n"1" = 2010-01-04\n')
    result = run("--config", config, "workflow", "list", expect=2)
    assert result.stderr == (f"Error: config file {config}: [regimes]: no workflow 'xyz' "
                             "(known: scr, cdr, cspr)\n")


@pytest.mark.parametrize(("table", "said"), [
    # WT2013 before WT2010's default 1 December 2009
    ('"2013.1" = 2009-06-01', "2010.1 from 1 Dec 2009, 2013.1 from 1 Jun 2009"),
    # the same day as WT2013's default
    ('"2010.1" = 2013-03-01', "2010.1 from 1 Mar 2013, 2013.1 from 1 Mar 2013"),
])
def test_switch_dates_out_of_order_are_refused(run, tmp_path, table, said):
    config = _config(tmp_path, f"[regimes.scr]\n{table}\n")
    result = run("--config", config, "case", "open", "scr", "--pseudonym", "Child A",
                 "--on", "2010-01-04", expect=2)
    assert result.stderr.startswith(f"Error: config file {config}: [regimes]: the versions "
                                    "of scr would no longer start in order: ")
    assert result.stderr.endswith(f"2006.1 from the earliest, {said}\n")
    assert result.stdout == ""


def test_a_switch_that_is_not_a_date_is_refused(run, tmp_path):
    config = _config(tmp_path, '[regimes.scr]\n"2010.1" = "January"\n')
    result = run("--config", config, "workflow", "list", expect=2)
    assert result.stderr == (f"Error: config file {config}: [regimes].scr \"2010.1\": give a "
                             "date, e.g. 2010-01-04 (not 'January')\n")


# -- 6. `case open` through the real command line ---------------------------------------


def test_case_open_prints_the_reference_the_regime_and_the_decision_due(run, agencies):
    result = run("case", "open", "scr", "--pseudonym", "Child A", "--referred-by", "POLICE",
                 "--on", "2010-03-01")
    # Monday 1 March 2010 + 1 month = Thursday 1 April 2010.
    assert result.stdout == (
        "SCR-2010-001\n"
        "Child A: serious case review opened 1 Mar 2010, under Serious case review (Working "
        "Together 2010, revised chapter 8).\n"
        "  Decision whether to hold a review due 1 Apr 2010\n")
    data = json.loads(run("case", "show", "SCR-2010-001", "--json").stdout)
    assert (data["workflow_version"], data["record"]["referred_by"]) == ("2010.1", "POLICE")


def test_case_open_of_an_unknown_workflow_names_the_known_ones(run):
    result = run("case", "open", "xyz", "--pseudonym", "Child A", expect=3)
    assert result.stderr == "Error: no workflow 'xyz' (known: scr, cdr, cspr)\n"


def test_a_death_before_april_2008_has_no_process(run, agencies):
    result = run("case", "open", "cdr", "--pseudonym", "Child B", *cdr_options("2008-03-31"),
                 "--on", "2008-04-02", expect=2)
    assert result.stderr == (
        "Error: no child death review process is in force for a death on 31 Mar 2008: "
        "casework's first (WT2006) applies from 1 Apr 2008; a board whose arrangements began "
        "earlier sets [regimes.cdr] \"2008.1\" in its config file\n")
    assert case_count(run) == 0


def test_a_death_on_1_april_2008_runs_the_2008_process(run, agencies):
    result = run("case", "open", "cdr", "--pseudonym", "Child B", *cdr_options("2008-04-01"),
                 "--on", "2008-04-02", "--json")
    data = json.loads(result.stdout)
    assert (data["reference"], data["workflow"], data["version"], data["regime"]) == (
        "CDR-2008-001", "cdr", "2008.1",
        "Child death review (Working Together 2006, chapter 7)")


def test_a_board_moves_the_start_of_child_death_reviews(run, agencies, tmp_path):
    config = _config(tmp_path, '[regimes.cdr]\n"2008.1" = 2008-03-01\n')
    result = run("--config", config, "case", "open", "cdr", "--pseudonym", "Child B",
                 *cdr_options("2008-03-31"), "--on", "2008-04-02", "--json")
    assert json.loads(result.stdout)["version"] == "2008.1"


def test_the_service_door_refuses_a_death_before_any_version(service, agencies):
    options = {"died": "2008-03-31", "age_band": "1-4y", "place": "home",
               "notifier": "Dr X", "notifier_agency": "HEALTH", "residence": "Kent",
               "death": "expected"}
    with pytest.raises(InvalidInput, match=r"\[regimes\.cdr\] \"2008\.1\""):
        open_case(service, "cdr", "Child B", options, actor="c", on="2008-04-02")


# -- 7. `workflow show` ------------------------------------------------------------------


def test_workflow_show_names_the_version_in_force_and_how_sure_each_timescale_is(run):
    out = run("workflow", "show", "scr", "--on", "2014-01-01").stdout
    assert out.startswith(
        "Serious case review (Working Together 2013 and 2015)\n"
        "scr 2013.1: cases whose referral is from 1 Mar 2013 to 28 Sep 2019\n")
    assert ("      --aware: when the local authority became aware of the incident (default:\n"
            "          the referral)\n") in out
    assert ("\nHow sure each timescale is\n"
            "  incident_notification: statutory guidance: should (WT2015, via Warrington and\n"
            "    Newcastle LSCB procedures [S])\n"
            "  decision: statutory guidance: normally (WT2015, quoted by Richmond LSCB [S])\n"
            "  notification: default: no source confirms it (national figure not found)\n"
            "  no_scr_notice: statutory guidance: should (national SCR panel flowchart 1 [S])\n"
            "  panel: default: no source confirms it\n") in out
    assert ("  completion: statutory guidance: should (Hansard written answer 27 Mar 2017\n"
            "    (Timpson) [P])\n") in out


def test_workflow_show_of_wt2010_gives_its_span_and_strengths(run):
    out = run("workflow", "show", "scr", "--on", "2010-06-10").stdout
    assert out.startswith(
        "Serious case review (Working Together 2010, revised chapter 8)\n"
        "scr 2010.1: cases whose referral is from 1 Dec 2009 to 28 Feb 2013\n")
    assert ("  completion: statutory guidance: should (revised WT chapter 8, Hansard written\n"
            "    answer 23 Feb 2010 [P])\n") in out
    # Ofsted's "within one month" is an observation, not a rule: a default, with its source.
    assert ("  decision: default: no rule; taken from observed practice (Ofsted's\n"
            "    observation, April 2010, via Community Care [S])\n") in out


def test_workflow_show_json_gives_span_intake_and_strengths(run):
    data = json.loads(run("workflow", "show", "scr", "--on", "2014-01-01", "--json").stdout)
    assert (data["version"], data["in_force_from"], data["in_force_to"], data["key_date"]) == (
        "2013.1", "2013-03-01", "2019-09-28", "referral")
    assert [o["name"] for o in data["intake"]] == ["--referred-by", "--aware"]
    assert {k: (d["rule"], d["strength"]) for k, d in data["deadlines"].items()} == {
        "incident_notification": ("5 working days after aware", "should"),
        "decision": ("1 month after referral", "normally"),
        "notification": ("5 working days after decision", "default"),
        "no_scr_notice": ("14 days after decision", "should"),
        "panel": ("20 working days after decision", "default"),
        "imr": ("6 weeks after commissioning", "default"),
        "completion": ("6 months after decision", "should"),
        "audit": ("6 months after endorsement", "local"),
        "action": ("date set in the action plan", "local"),
    }
    assert data["deadlines"]["completion"]["strength_text"] == (
        "statutory guidance: should (Hansard written answer 27 Mar 2017 (Timpson) [P])")
    assert data["deadlines"]["panel"]["strength_text"] == "default: no source confirms it"


def test_workflow_show_json_of_wt2006_has_no_earlier_limit(run):
    data = json.loads(run("workflow", "show", "scr", "--on", "2009-11-30", "--json").stdout)
    assert (data["version"], data["in_force_from"], data["in_force_to"]) == (
        "2006.1", None, "2009-11-30")
    assert [o["name"] for o in data["intake"]] == ["--referred-by"]
    assert data["deadlines"]["completion"]["rule"] == "4 months after decision"


def test_workflow_show_with_a_board_switch_date(run, tmp_path):
    config = _config(tmp_path, '[regimes.scr]\n"2010.1" = 2010-01-04\n')
    out = run("--config", config, "workflow", "show", "scr", "--on", "2010-01-04").stdout
    assert out.startswith(
        "Serious case review (Working Together 2010, revised chapter 8)\n"
        "scr 2010.1: cases whose referral is from 4 Jan 2010 (the board's own date) to\n"
        "28 Feb 2013\n")  # wrapped at a space: 80 columns
    before = run("--config", config, "workflow", "show", "scr", "--on", "2010-01-03").stdout
    assert before.splitlines()[1:3] == ["scr 2006.1: cases whose referral is on or before "
                                        "3 Jan 2010 (the board's own", "date)"]
    data = json.loads(run("--config", config, "workflow", "show", "scr", "--on", "2010-01-03",
                          "--json").stdout)
    assert (data["version"], data["in_force_to"]) == ("2006.1", "2010-01-03")


def test_the_deadlines_listing_gives_each_timescale_its_strength(run, tmp_path):
    config = _config(tmp_path, '[timescales.scr]\ndecision = "20 working days"\n')
    # Monday 9 January 2017, WT2013/15: the decision (the board's own 20 working days: Monday
    # 6 February) and the incident notification (5 working days: Monday 16 January).
    run("--config", config, "case", "open", "scr", "--pseudonym", "Child A",
        "--on", "2017-01-09")
    listed = json.loads(run("--config", config, "deadlines", "--as-of", "2017-01-09",
                            "--within", "60", "--json").stdout)["deadlines"]
    assert [(d["key"], d["due_on"], d["strength"]) for d in listed] == [
        ("incident_notification", "2017-01-16", "statutory guidance: should (WT2015, via "
                                                 "Warrington and Newcastle LSCB procedures [S])"),
        ("decision", "2017-02-06", "the board's own timescale (its config file)"),
    ]
