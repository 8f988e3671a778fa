"""Child death review under the 2018 guidance, beside the 2006 one: the version chosen by the
date of death, the JAR's hand-worked deadlines, the CDRM guard, the analysis form, the NCMD.

Dates are worked out by hand in the comments. The clock stands at Monday 1 June 2020.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from casework.deaths import add_meeting, notify_death
from casework.errors import InvalidInput, StepRefused
from casework.reports import board_figures
from casework.service import CaseService

D = dt.date


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2020, 6, 1, 9, tz="Europe/London"))
    return clock


def notify(service: CaseService, died: str, on: str, **given) -> str:
    details = {"pseudonym": "Child D", "died": died, "age_band": "1-4y", "place": "home",
               "notifier": "Dr Jones, ED consultant", "notifier_agency": "HEALTH",
               "residence": "Kent", "death": "unexpected", "actor": "coordinator", "on": on,
               **given}
    return notify_death(service, **details).reference


def step(service: CaseService, ref: str, name: str, on: str, **options):
    return service.advance(ref, name, options, actor="coordinator", on=on)


def due(service: CaseService, ref: str) -> dict:
    return {d.key: d for d in service.deadlines_of(service.case(ref))}


def version(service: CaseService, ref: str) -> str:
    return service.case(ref).workflow_version


def test_a_death_on_each_side_of_the_switch_gets_its_own_process(service, agencies):
    # Sunday 30 September 2018: the day before the 2018 guidance (assumed 1 October).
    old = notify(service, "2018-09-30 10:00", "2018-09-30 20:00")
    # Monday 1 October 2018, the switch date itself: the 2018 version.
    new = notify(service, "2018-10-01 10:00", "2018-10-01 20:00", pseudonym="Child E")
    assert (version(service, old), version(service, new)) == ("2008.1", "2018.1")
    # The old case keeps the rapid response; the new one decides on a JAR at triage.
    assert {"home_visit", "final_discussion"} <= set(due(service, old))
    assert set(due(service, new)) == {"notification", "triage"}
    with pytest.raises(InvalidInput, match="has no option --jar"):
        step(service, old, "triage", "2018-10-01", death="unexpected", jar="yes")


def test_a_board_s_own_switch_date(service, agencies, settings):
    settings.switches[("cdr", "2018.1")] = D(2019, 9, 29)  # Sunday 29 September 2019
    before = notify(service, "2019-09-28 10:00", "2019-09-28 20:00")
    on_the_day = notify(service, "2019-09-29 10:00", "2019-09-29 20:00", pseudonym="Child E")
    assert (version(service, before), version(service, on_the_day)) == ("2008.1", "2018.1")


def test_jar_deadlines_across_a_weekend_and_a_bank_holiday(service, agencies):
    # Died Friday 3 May 2019, 22:00 BST; Monday 6 May was the early May bank holiday.
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    deadlines = due(service, ref)
    # Triage: 1 working day after the notification on Saturday 4 May -> Tuesday 7 May.
    assert deadlines["triage"].due_on == D(2019, 5, 7)
    outcome = step(service, ref, "triage", "2019-05-04 10:00", death="unexpected", jar="yes",
                   criterion=["sudden_unexplained"])
    assert outcome.to_state == "jar"
    deadlines = due(service, ref)
    # Information sharing and planning: 48 hours after the death, Sunday 5 May 22:00 BST
    # = 21:00 UTC.
    assert deadlines["jar_planning"].due_at == dt.datetime(2019, 5, 5, 21, 0, tzinfo=dt.UTC)
    # The home or scene visit: the next working day after Friday 3 May -> Tuesday 7 May.
    assert deadlines["jar_visit"].due_on == D(2019, 5, 7)
    assert service.case(ref).data["jar_criteria"] == ["sudden_unexplained"]


def test_triage_needs_criteria_for_a_jar(service, agencies):
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    with pytest.raises(StepRefused, match="a JAR needs the criteria"):
        step(service, ref, "triage", "2019-05-04 10:00", death="unexpected", jar="yes")
    with pytest.raises(StepRefused, match="--criterion is for a death that gets a JAR"):
        step(service, ref, "triage", "2019-05-04 10:00", death="expected", jar="no",
             criterion=["custody"])
    assert service.case(ref).state == "triage"


def through_jar(service: CaseService, ref: str) -> None:
    step(service, ref, "triage", "2019-05-04 10:00", death="unexpected", jar="yes",
         criterion=["sudden_unexplained", "suspicious"])
    step(service, ref, "record_jar_planning", "2019-05-05 12:00")
    step(service, ref, "record_jar_visit", "2019-05-07 11:00")
    with pytest.raises(StepRefused, match="initial post-mortem results"):
        step(service, ref, "hold_jar_meeting", "2019-05-08")
    step(service, ref, "receive_initial_post_mortem", "2019-05-09", findings="no injury")
    step(service, ref, "hold_jar_meeting", "2019-05-10")


def test_no_cdrm_before_the_post_mortem_report(service, agencies):
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    through_jar(service, ref)
    history = len(service.history(ref))
    with pytest.raises(StepRefused, match="a CDRM is not held before it"):
        step(service, ref, "plan_cdrm", "2019-05-13", date="2019-07-01")
    with pytest.raises(StepRefused, match="a CDRM is not held before it"):
        step(service, ref, "hold_cdrm", "2019-05-13")
    assert len(service.history(ref)) == history
    step(service, ref, "receive_post_mortem", "2019-06-03", findings="SUDI")
    # Planned on Monday 3 June for Friday 12 July: notice due a month before, 12 June.
    step(service, ref, "plan_cdrm", "2019-06-03", date="2019-07-12")
    deadlines = due(service, ref)
    assert deadlines["cdrm_notice"].due_on == D(2019, 6, 12)
    assert deadlines["cdrm"].due_on == D(2019, 7, 12)


def full_review(service: CaseService, ref: str, reviewed: str) -> None:
    through_jar(service, ref)
    step(service, ref, "request_reports", "2019-05-13", agency=["POLICE", "CSC"])
    step(service, ref, "request_supplementary", "2019-05-13", agency=["HEALTH"],
         form="sudden unexpected death in infancy")
    step(service, ref, "receive_post_mortem", "2019-06-03", findings="SUDI")
    step(service, ref, "plan_cdrm", "2019-06-03", date="2019-07-12")
    step(service, ref, "give_cdrm_notice", "2019-06-04")
    step(service, ref, "receive_report", "2019-06-05", agency="POLICE")
    step(service, ref, "waive_report", "2019-06-05", agency="CSC", reason="not known")
    step(service, ref, "hold_cdrm", "2019-07-12")
    with pytest.raises(StepRefused, match="supplementary form"):
        step(service, ref, "ready_for_panel", "2019-07-15")
    step(service, ref, "receive_supplementary", "2019-07-15", agency="HEALTH")
    step(service, ref, "ready_for_panel", "2019-07-15")
    step(service, ref, "review", reviewed, category="sudden_unexplained",
         factor=["social:2:unsafe sleeping arrangement", "intrinsic:0:none known"],
         modifiable="yes", learning=["safe sleep advice"],
         recommendation=["safe sleep campaign"])


def test_the_analysis_form_and_the_ncmd(service, agencies):
    add_meeting(service, "2019-09-12", actor="test")
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    full_review(service, ref, "2019-09-12")
    case = service.case(ref)
    assert case.data["factors"] == [
        {"domain": "social", "grade": 2, "factor": "unsafe sleeping arrangement"},
        {"domain": "intrinsic", "grade": 0, "factor": "none known"}]
    # Reviewed Thursday 12 September 2019: due at the NCMD by its data cut, 31 March 2020.
    assert due(service, ref)["ncmd"].due_on == D(2020, 3, 31)
    with pytest.raises(StepRefused, match="not been submitted to the NCMD"):
        step(service, ref, "close", "2019-09-13")
    step(service, ref, "submit_ncmd", "2019-09-13")
    step(service, ref, "close", "2019-09-16")
    figures = board_figures(service, D(2019, 4, 1), D(2020, 3, 31))
    new = figures["child_deaths_2018"].figures.as_dict()
    assert (new["notified"], new["jars"], new["cdrms_held"], new["reviewed"],
            new["reviewed_within_12_months"], new["submitted_to_ncmd"]) == (1, 1, 1, 1, 1, 1)
    assert new["by_category"]["sudden_unexplained"] == 1
    assert new["modifiable"] == {"yes": 1, "no": 0}
    assert figures["child_deaths"].figures.as_dict()["notified"] == 0


def test_a_review_before_the_ncmd_began_owes_it_nothing(service, agencies):
    add_meeting(service, "2019-03-14", actor="test")
    ref = notify(service, "2018-11-02 22:00", "2018-11-03 09:00")
    step(service, ref, "triage", "2018-11-03 10:00", death="expected", jar="no")
    step(service, ref, "request_reports", "2018-11-05", agency=["POLICE"])
    step(service, ref, "receive_report", "2018-11-20", agency="POLICE")
    step(service, ref, "receive_post_mortem", "2018-11-20", none_held=True)
    step(service, ref, "plan_cdrm", "2018-11-20", date="2019-01-10")
    step(service, ref, "hold_cdrm", "2019-01-10")
    step(service, ref, "ready_for_panel", "2019-01-11")
    step(service, ref, "review", "2019-03-14", category="chronic_medical", modifiable="no")
    assert "ncmd" not in due(service, ref)
    step(service, ref, "close", "2019-03-15")
    # The notice was never recorded as sent: it lapses with the closure.
    assert due(service, ref)["cdrm_notice"].status == "lapsed"


@pytest.mark.parametrize(("options", "message"), [
    ({"factor": ["social:3:overcrowding"]}, "the grade must be 0, 1 or 2"),
    ({"factor": ["family:1:overcrowding"]}, "the domain must be one of"),
    ({"intrinsic": "1"}, "has no option --intrinsic"),
])
def test_a_bad_analysis_form_is_refused_and_nothing_written(service, agencies, options,
                                                             message):
    add_meeting(service, "2019-09-12", actor="test")
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    full_review(service, ref, "2019-09-12")  # reviewed; now a second, bad, case
    other = notify(service, "2019-05-03 22:00", "2019-05-04 09:00", different_child=True)
    step(service, other, "triage", "2019-05-04 10:00", death="expected", jar="no")
    step(service, other, "receive_post_mortem", "2019-05-10", none_held=True)
    step(service, other, "plan_cdrm", "2019-05-10", date="2019-06-14")
    step(service, other, "hold_cdrm", "2019-06-14")
    step(service, other, "ready_for_panel", "2019-06-14", no_reports_reason="none knew")
    history = len(service.history(other))
    with pytest.raises((StepRefused, InvalidInput), match=message):
        step(service, other, "review", "2019-09-12", category="infection", modifiable="no",
             **options)
    assert len(service.history(other)) == history
    assert service.case(other).state == "awaiting_panel"


def test_form_c_scores_stay_with_the_2006_review(service, agencies):
    add_meeting(service, "2018-12-13", actor="test")
    ref = notify(service, "2018-09-30 10:00", "2018-09-30 20:00", death="expected")
    step(service, ref, "triage", "2018-10-01", death="expected")
    step(service, ref, "ready_for_panel", "2018-10-02", no_reports_reason="none knew")
    with pytest.raises(InvalidInput, match="has no option --factor"):
        step(service, ref, "review", "2018-12-13", category="infection", intrinsic="0",
             parenting="0", environment="0", services="0", modifiable="no",
             factor=["social:1:x"])


def test_abuse_or_neglect_found_notifies_a_serious_incident_linked_both_ways(service,
                                                                              agencies):
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    step(service, ref, "triage", "2019-05-04 10:00", death="unexpected", jar="yes",
         criterion=["suspicious"])
    with pytest.raises(InvalidInput, match="needs --reason, --incident-area"):
        step(service, ref, "refer_for_cspr", "2019-05-07")
    # Tuesday 7 May 2019, aware Friday 3 May: 5 working days (6 May a bank holiday) to
    # notify the Panel, so Monday 13 May; the CSPR's intake read from the step's options.
    step(service, ref, "refer_for_cspr", "2019-05-07", reason="injuries suggest abuse",
         aware="2019-05-03", incident_area="Kent", looked_after=True)
    death = service.case(ref)
    assert death.state == "jar"
    linked = death.data["cspr_referral"]
    cspr = service.case(linked)
    assert (cspr.workflow_key, cspr.workflow_version, cspr.pseudonym) == (
        "cspr", "2018.1", "Child D")
    assert (cspr.data["linked_case"], cspr.data["referral_reason"]) == (
        ref, "injuries suggest abuse")
    assert (cspr.data["nature"], cspr.data["age_band"], cspr.data["incident_area"],
            cspr.data["looked_after"], cspr.data["home_area"]) == (
        "death", "1-4y", "Kent", True, "Kent")
    assert due(service, linked)["notification"].due_on == D(2019, 5, 13)
    with pytest.raises(StepRefused, match=f"already notified as a serious incident: {linked}"):
        step(service, ref, "refer_for_cspr", "2019-05-08", reason="again",
             incident_area="Kent")


def test_a_cdrm_moved_moves_its_notice(service, agencies):
    ref = notify(service, "2019-05-03 22:00", "2019-05-04 09:00")
    through_jar(service, ref)
    with pytest.raises(StepRefused, match="no CDRM is planned"):
        step(service, ref, "replan_cdrm", "2019-06-03", date="2019-07-19", reason="chair away")
    step(service, ref, "receive_post_mortem", "2019-06-03", findings="SUDI")
    step(service, ref, "plan_cdrm", "2019-06-03", date="2019-07-12")
    with pytest.raises(StepRefused, match="is in the past"):
        step(service, ref, "replan_cdrm", "2019-06-04", date="2019-06-03", reason="x")
    with pytest.raises(StepRefused, match="already planned for 12 Jul 2019"):
        step(service, ref, "replan_cdrm", "2019-06-04", date="2019-07-12", reason="x")
    # Moved on Tuesday 4 June to Friday 26 July: notice a month before, Wednesday 26 June.
    step(service, ref, "replan_cdrm", "2019-06-04", date="2019-07-26", reason="chair away")
    deadlines = due(service, ref)
    assert (deadlines["cdrm"].due_on, deadlines["cdrm_notice"].due_on) == (
        D(2019, 7, 26), D(2019, 6, 26))
    assert service.case(ref).data["cdrm_on"] == "2019-07-26"
    step(service, ref, "hold_cdrm", "2019-07-26")
    assert due(service, ref)["cdrm"].status == "met"
