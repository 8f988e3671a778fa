"""Child safeguarding practice reviews (REGIMES.md §4): the notification, the rapid review,
the Panel's response, the local review, publication and the action plan.

Expected dates are worked out by hand in the comments: day 0 is the anchor's own day, working
days leave out weekends and England & Wales bank holidays (Christmas Eve is a working day).
The clock stands at Monday 3 June 2024, after every date used; steps are recorded after the
fact with `on=`.
"""

from __future__ import annotations

import datetime as dt
import json

import pendulum
import pytest
from sqlmodel import select

from casework.errors import InvalidInput, StepNotAllowed, StepRefused
from casework.models import Case, Deadline, History, OutboxEmail
from casework.queries import case_detail
from casework.regimes import open_case
from casework.service import CaseService
from notifications.scheduler import sweep

D = dt.date


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2024, 6, 3, 9, tz="Europe/London"))  # Monday 3 June 2024
    return clock


def notify(service: CaseService, on: str, aware: str, pseudonym: str = "Child A",
           **options) -> Case:
    options = {"aware": aware, "nature": "serious_harm", "age_band": "1-4y",
               "incident_area": "Kent", **options}
    options = {k: v for k, v in options.items() if v is not None}
    return open_case(service, "cspr", pseudonym, options, actor="coordinator", on=on)


def step(service: CaseService, ref: str, name: str, on: str, **options):
    return service.advance(ref, name, options, actor="coordinator", on=on)


def deadlines(service: CaseService, ref: str) -> dict[str, Deadline]:
    return {d.key: d for d in service.deadlines_of(service.case(ref))}


def written(service: CaseService) -> tuple[int, int]:
    cases = service.session.exec(select(Case)).all()
    return len(cases), len(service.session.exec(select(History)).all())


def rapid_review(service: CaseService, ref: str, on: str, outcome: str = "lcspr") -> None:
    """The meeting, the partners' decision and the report sent, all on one day."""
    step(service, ref, "hold_meeting", on)
    decide(service, ref, on, outcome)
    step(service, ref, "send_report", on)


def decide(service: CaseService, ref: str, on: str, outcome: str) -> None:
    criteria = ["agencies_working_together"] if outcome == "lcspr" else []
    step(service, ref, "decide", on, outcome=outcome, criteria=criteria,
         rationale="learning about agencies working together", decided_by="the partners")


# -- the notification -------------------------------------------------------------------


def test_the_version_is_chosen_by_the_awareness_date(service):
    # 28 June 2018 is before the duty to notify the Panel began: no process.
    with pytest.raises(InvalidInput, match="no child safeguarding practice review process is "
                                           "in force for a aware on 28 Jun 2018"):
        notify(service, "2018-07-02", aware="2018-06-28")
    assert notify(service, "2018-07-02", aware="2018-06-29").workflow_version == "2018.1"
    # Thursday 14 December 2023 is WT2018; Friday 15 December WT2023.
    assert notify(service, "2023-12-18", aware="2023-12-14").workflow_version == "2018.1"
    assert notify(service, "2023-12-18", aware="2023-12-15").workflow_version == "2023.1"


def test_notification_and_rapid_review_across_easter_and_the_may_bank_holiday(service):
    # Aware Tuesday 16 April 2019 (day 0): Wed 17 (1), Thu 18 (2), Good Friday 19 and Easter
    # Monday 22 skipped, Tue 23 (3), Wed 24 (4), Thu 25 April (5).
    case = notify(service, "2019-04-17", aware="2019-04-16", looked_after=True,
                  other_child=["Child B=5-9y", "Child C=10-14y"], home_area="Medway")
    assert (case.reference, case.state, case.workflow_version) == (
        "CSPR-2019-001", "notification", "2018.1")
    assert case.data["other_children"] == [{"pseudonym": "Child B", "age_band": "5-9y"},
                                           {"pseudonym": "Child C", "age_band": "10-14y"}]
    assert (case.data["looked_after"], case.data["home_area"]) == (True, "Medway")
    notification = deadlines(service, case.reference)["notification"]
    assert (notification.due_on, notification.rule) == (D(2019, 4, 25),
                                                        "5 working days after aware")
    step(service, case.reference, "notify_panel", "2019-04-25")
    # From the notification sent on Thursday 25 April: Fri 26 (1), Mon 29 (2), Tue 30 (3),
    # Wed 1 May (4), Thu 2 (5), Fri 3 (6), Monday 6 May (early May bank holiday) skipped,
    # Tue 7 (7) ... Fri 10 (10), Mon 13 (11) ... Fri 17 May (15).
    review = deadlines(service, ref := case.reference)["rapid_review"]
    assert (review.due_on, review.rule) == (D(2019, 5, 17),
                                            "15 working days after notification sent")
    assert deadlines(service, ref)["notification"].status == "met"
    assert service.case(ref).state == "rapid_review"


def test_a_board_counts_the_rapid_review_from_awareness(service, settings):
    settings.timescales = {"cspr": {"rapid_review": {"anchor": "aware"}}}
    case = notify(service, "2019-04-17", aware="2019-04-16")
    step(service, case.reference, "notify_panel", "2019-04-25")
    # From Tuesday 16 April 2019: Wed 17 (1), Thu 18 (2), Tue 23 (3) ... Fri 26 (6), Mon 29 (7),
    # Tue 30 (8), Wed 1 May (9), Thu 2 (10), Fri 3 (11), Tue 7 (12) ... Fri 10 May (15).
    review = deadlines(service, case.reference)["rapid_review"]
    assert (review.due_on, review.rule) == (D(2019, 5, 10), "15 working days after aware")


def test_notification_and_rapid_review_across_christmas_and_new_year(service):
    # Aware Monday 23 December 2019: Tue 24 (1; Christmas Eve is a working day), Christmas and
    # Boxing Day skipped, Fri 27 (2), Mon 30 (3), Tue 31 (4), New Year's Day skipped,
    # Thu 2 January 2020 (5).
    ref = notify(service, "2019-12-24", aware="2019-12-23").reference
    assert deadlines(service, ref)["notification"].due_on == D(2020, 1, 2)
    step(service, ref, "notify_panel", "2020-01-02")
    # Fri 3 January (1), Mon 6 (2) ... Fri 10 (6), Mon 13 (7) ... Fri 17 (11), Mon 20 (12),
    # Tue 21 (13), Wed 22 (14), Thu 23 January 2020 (15).
    assert deadlines(service, ref)["rapid_review"].due_on == D(2020, 1, 23)


def test_agencies_summaries_each_have_their_own_deadline(service, agencies):
    ref = notify(service, "2019-04-17", aware="2019-04-16").reference
    step(service, ref, "notify_panel", "2019-04-25")
    step(service, ref, "request_summaries", "2019-04-26", agency=["POLICE", "CSC=2019-05-03"])
    # POLICE: 9 working days after Friday 26 April: Mon 29 (1), Tue 30 (2), Wed 1 May (3),
    # Thu 2 (4), Fri 3 (5), Tue 7 (6; 6 May skipped), Wed 8 (7), Thu 9 (8), Fri 10 May (9).
    due = deadlines(service, ref)
    assert (due["summary:POLICE"].due_on, due["summary:CSC"].due_on) == (
        D(2019, 5, 10), D(2019, 5, 3))
    step(service, ref, "hold_meeting", "2019-05-08")
    with pytest.raises(StepRefused, match=r"every agency summary .* \(still awaited: CSC, "
                                          r"POLICE\)"):
        decide(service, ref, "2019-05-08", "lcspr")
    step(service, ref, "receive_summary", "2019-05-08", agency="POLICE")
    step(service, ref, "waive_summary", "2019-05-08", agency="CSC", reason="no involvement")
    decide(service, ref, "2019-05-09", "lcspr")
    with pytest.raises(StepRefused, match="summary has already been requested from POLICE"):
        step(service, ref, "request_summaries", "2019-05-09", agency=["POLICE"])


# -- bad input: a plain error, nothing written --------------------------------------------


def test_more_than_four_children_is_refused(service):
    before = written(service)
    with pytest.raises(InvalidInput, match=r"at most 4 children \(5 given\)"):
        notify(service, "2019-04-17", aware="2019-04-16",
               other_child=["Child B=1-4y", "Child C=1-4y", "Child D=5-9y", "Child E=5-9y"])
    assert written(service) == before
    with pytest.raises(InvalidInput, match="PSEUDONYM=AGE_BAND"):
        notify(service, "2019-04-17", aware="2019-04-16", other_child=["Child B"])


def test_a_withdrawn_notification_closes_with_no_rapid_review(service, agencies):
    ref = notify(service, "2019-04-17", aware="2019-04-16").reference
    step(service, ref, "notify_panel", "2019-04-18")
    step(service, ref, "withdraw", "2019-04-23", reason="injury found to be accidental")
    case = service.case(ref)
    assert (case.state, case.closed_on) == ("withdrawn", D(2019, 4, 23))
    assert case.data["withdrawn_reason"] == "injury found to be accidental"
    review = deadlines(service, ref)["rapid_review"]
    assert (review.status, review.note) == ("waived", "withdrawn: injury found to be accidental")
    before = written(service)
    with pytest.raises(StepNotAllowed):
        step(service, ref, "request_summaries", "2019-04-24", agency=["POLICE"])
    assert written(service) == before


def test_a_local_review_step_needs_a_decision(service):
    ref = notify(service, "2019-04-17", aware="2019-04-16").reference
    step(service, ref, "notify_panel", "2019-04-18")
    with pytest.raises(StepNotAllowed):
        step(service, ref, "commission_lcspr", "2019-04-19", reviewer=["R Jones"], terms="ToR")
    step(service, ref, "hold_meeting", "2019-04-19")
    with pytest.raises(StepRefused, match="partners have not decided"):
        step(service, ref, "send_report", "2019-04-19")
    with pytest.raises(StepRefused, match="needs the reg 11 criteria"):
        step(service, ref, "decide", "2019-04-19", outcome="lcspr", rationale="r",
             decided_by="the partners")
    rapid_review(service, ref, "2019-04-19", "no_lcspr")
    step(service, ref, "record_panel_response", "2019-04-26", response="agrees")
    before = written(service)
    with pytest.raises(StepRefused, match="partners decided no_lcspr and the Panel agrees"):
        step(service, ref, "commission_lcspr", "2019-04-29", reviewer=["R Jones"], terms="ToR")
    assert written(service) == before
    step(service, ref, "close_no_lcspr", "2019-04-29")
    assert service.case(ref).state == "no_lcspr"


def test_the_same_incident_notified_twice_is_refused_unless_confirmed_different(service):
    first = notify(service, "2019-04-17", aware="2019-04-16", known_to_agency=True)
    assert (first.data["aware_on"], first.data["known_to_agency"]) == ("2019-04-16", True)
    before = written(service)
    with pytest.raises(StepRefused, match=r"may already be notified as CSPR-2019-001 \(Child "
                                          r"A, aware 16 Apr 2019, Kent, age 1-4y\): .* "
                                          r"--different-child"):
        notify(service, "2019-04-18", aware="2019-04-16", pseudonym="Child Z")
    assert written(service) == before
    # Another area, another age band or another day is another incident.
    notify(service, "2019-04-18", aware="2019-04-16", incident_area="Medway")
    notify(service, "2019-04-18", aware="2019-04-16", age_band="5-9y")
    notify(service, "2019-04-18", aware="2019-04-15")
    confirmed = open_case(service, "cspr", "Child Z", {
        "aware": "2019-04-16", "nature": "death", "age_band": "1-4y",
        "incident_area": "Kent"}, actor="coordinator", on="2019-04-18", different=True)
    assert confirmed.data["confirmed_different_child"] is True
    # A withdrawn notification is closed: it no longer blocks one about the same incident.
    step(service, first.reference, "withdraw", "2019-04-19", reason="not serious harm")
    step(service, confirmed.reference, "withdraw", "2019-04-19", reason="not serious harm")
    assert notify(service, "2019-04-22", aware="2019-04-16").reference == "CSPR-2019-006"


def test_the_duplicate_check_through_the_cli(run):
    args = ("case", "open", "cspr", "--pseudonym", "Child A", "--aware", "2019-04-16",
            "--nature", "death", "--age-band", "5-9y", "--incident-area", "Kent",
            "--on", "2019-04-17")
    run(*args)
    refused = run(*args, expect=5)
    assert refused.stderr.startswith("Error: this incident may already be notified as "
                                     "CSPR-2019-001")
    assert run(*args, "--different-child").stdout.startswith("CSPR-2019-002")


# -- WT2023: a care leaver's death ---------------------------------------------------------


def test_a_care_leavers_death_is_notified_in_5_working_days_with_no_rapid_review(service):
    # Aware Monday 8 January 2024: Tue 9 (1), Wed 10 (2), Thu 11 (3), Fri 12 (4), Mon 15 (5).
    case = notify(service, "2024-01-09", aware="2024-01-08", nature="death", age_band=None,
                  care_leaver_age="22")
    assert (case.workflow_version, case.state) == ("2023.1", "care_leaver")
    due = deadlines(service, case.reference)
    assert set(due) == {"care_leaver_notification"}
    assert due["care_leaver_notification"].due_on == D(2024, 1, 15)
    step(service, case.reference, "notify_care_leaver", "2024-01-12")
    case = service.case(case.reference)
    assert (case.state, case.closed_on) == ("care_leaver_notified", D(2024, 1, 12))
    assert "rapid_review" not in deadlines(service, case.reference)


def test_a_care_leaver_over_24_is_refused(service):
    before = written(service)
    with pytest.raises(InvalidInput, match="up to and including age 24"):
        notify(service, "2024-01-09", aware="2024-01-08", nature="death", care_leaver_age="25")
    with pytest.raises(InvalidInput, match="for the death of a care leaver"):
        notify(service, "2024-01-09", aware="2024-01-08", care_leaver_age="20")
    assert written(service) == before
    # Under WT2018 there is no such notification.
    with pytest.raises(InvalidInput, match="has no option --care-leaver-age"):
        notify(service, "2023-12-15", aware="2023-12-14", nature="death", care_leaver_age="20")


# -- the Panel's response, the local review, publication -----------------------------------


def test_a_panel_disagreement_reopens_the_decision_and_the_review_converts(service):
    ref = notify(service, "2019-04-17", aware="2019-04-16").reference
    step(service, ref, "notify_panel", "2019-04-25")
    rapid_review(service, ref, "2019-05-15", "no_lcspr")
    assert deadlines(service, ref)["rapid_review"].status == "met"
    step(service, ref, "record_panel_response", "2019-05-24", response="disagrees",
         reasons="recurrent themes not considered")
    with pytest.raises(StepRefused, match="partners decided no_lcspr and the Panel disagrees"):
        step(service, ref, "close_no_lcspr", "2019-05-24")
    step(service, ref, "reopen_decision", "2019-05-24", reason="consider recurrent themes")
    case = service.case(ref)
    assert (case.state, case.data.get("decision")) == ("rapid_review", None)
    assert case.data["earlier_decisions"] == [{"decision": "no_lcspr", "panel": "disagrees",
                                               "reopened_because": "consider recurrent themes"}]
    decide(service, ref, "2019-05-29", "lcspr")
    step(service, ref, "send_report", "2019-05-29")
    # While the Panel has not answered, the case says since when it has waited.
    shown = case_detail(service, ref, D(2019, 6, 5))
    assert (shown.waiting_since, shown.waiting_for) == (
        D(2019, 5, 29), "the Panel's response: no national timescale found")
    step(service, ref, "record_panel_response", "2019-06-07", response="agrees")
    assert dict(case_detail(service, ref, D(2019, 6, 7)).notes)["Panel's response"] == (
        "agrees, 9 days after the rapid review was sent")
    step(service, ref, "commission_lcspr", "2019-06-10", reviewer=["R Jones", "S Patel"],
         terms="ToR v1")
    case = service.case(ref)
    assert (case.state, case.data["reviewers"]) == ("lcspr", ["R Jones", "S Patel"])
    # 6 months after the decision to hold it, Wednesday 29 May 2019: Friday 29 November 2019.
    completion = deadlines(service, ref)["completion"]
    assert (completion.due_on, completion.rule) == (D(2019, 11, 29), "6 months after decision")


def lcspr(service: CaseService, on: str = "2019-06-10") -> str:
    ref = notify(service, "2019-04-17", aware="2019-04-16").reference
    step(service, ref, "notify_panel", "2019-04-25")
    rapid_review(service, ref, "2019-05-15")
    step(service, ref, "record_panel_response", "2019-05-24", response="agrees")
    step(service, ref, "commission_lcspr", on, reviewer=["R Jones"], terms="ToR v1")
    return ref


def test_the_final_report_deadline_moves_with_the_planned_publication(service):
    ref = lcspr(service)
    step(service, ref, "record_monitoring", "2019-09-02", check="on time; draft due October",
         requested="draft_report")
    step(service, ref, "record_monitoring", "2020-01-06", check="quality reviewed")
    assert [c["requested"] for c in service.case(ref).data["monitoring"]] == [
        "draft_report", "none"]
    step(service, ref, "plan_publication", "2020-03-02", date="2020-04-14")
    # Publication Tuesday 14 April 2020; Easter Monday 13 and Good Friday 10 April skipped:
    # Thu 9 (1), Wed 8 (2), Tue 7 (3), Mon 6 (4), Fri 3 (5), Thu 2 (6), Wed 1 April (7).
    report = deadlines(service, ref)["final_report"]
    assert (report.due_on, report.rule) == (D(2020, 4, 1), "7 working days before publication")
    # Moved to Monday 11 May 2020; Friday 8 May (VE Day, the early May bank holiday that
    # year) skipped: Thu 7 (1), Wed 6 (2), Tue 5 (3), Mon 4 (4), Fri 1 May (5), Thu 30 (6),
    # Wed 29 April (7).
    step(service, ref, "hold_publication", "2020-03-16", because="criminal_proceedings",
         reason="trial listed for April")
    step(service, ref, "replan_publication", "2020-03-16", date="2020-05-11")
    assert deadlines(service, ref)["final_report"].due_on == D(2020, 4, 29)
    with pytest.raises(StepNotAllowed):
        step(service, ref, "publish", "2020-03-17")
    step(service, ref, "release_publication", "2020-04-20")
    with pytest.raises(StepRefused, match="final report must be sent"):
        step(service, ref, "publish", "2020-04-20")
    step(service, ref, "send_final_report", "2020-04-28")
    step(service, ref, "publish", "2020-05-11")
    due = deadlines(service, ref)
    assert (due["final_report"].status, due["completion"].status) == ("met", "met")
    # 6 months after publication, Monday 11 May 2020: Wednesday 11 November 2020.
    assert due["audit"].due_on == D(2020, 11, 11)


def test_a_late_cspr_deadline_escalates_to_the_partners_chair(service, clock):
    service.set_board_contact("mailbox", "unit@partners.example.org", actor="t")
    service.set_board_contact("partners_chair", "chair@partners.example.org", actor="t")
    ref = notify(service, "2024-05-13", aware="2024-05-13").reference
    # Aware Monday 13 May 2024: Tue 14 (1) ... Mon 20 May (5). Escalated 5 working days
    # later: Tue 21 (1) ... Fri 24 (4), Monday 27 May (spring bank holiday) skipped,
    # Tue 28 May (5); swept on Monday 3 June.
    assert deadlines(service, ref)["notification"].due_on == D(2024, 5, 20)
    sweep(service, clock.now())
    emails = service.session.exec(select(OutboxEmail)).all()
    escalation = [e for e in emails if e.cc == "unit@partners.example.org"
                  or e.recipients == "chair@partners.example.org"]
    assert escalation, [(e.key, e.recipients, e.cc) for e in emails]
    assert all(ref in e.subject for e in emails)
    assert any("child safeguarding practice review" in e.text_body for e in emails)


def test_summaries_and_actions_are_emailed_chased_escalated_and_listed(service, agencies,
                                                                      clock, run):
    """The notifier, the sweep and the overdue listing serve the partners as they serve an
    SCR board, with nothing outside workflows/ naming the process."""
    service.set_board_contact("mailbox", "unit@partners.example.org", actor="t")
    service.set_board_contact("partners_chair", "chair@partners.example.org", actor="t")
    ref = notify(service, "2024-04-16", aware="2024-04-15").reference
    step(service, ref, "notify_panel", "2024-04-17")
    step(service, ref, "request_summaries", "2024-04-18", agency=["POLICE", "CSC"])
    step(service, ref, "receive_summary", "2024-04-25", agency="CSC")
    asked = service.session.exec(select(OutboxEmail).where(OutboxEmail.kind == "request")).all()
    assert sorted(e.recipients for e in asked) == ["duty@csc.example.org",
                                                   "pp@police.example.org"]
    assert all("Agency summary of involvement" in e.text_body for e in asked)
    # POLICE's summary: 9 working days after Thursday 18 April 2024, Wednesday 1 May; by
    # Monday 3 June it is late, and escalated to the force's escalation contact with the
    # partners' chair (not an SCR panel chair) in copy.
    sweep(service, clock.now())
    service.commit()
    police = [e for e in service.session.exec(select(OutboxEmail)).all()
              if e.recipients == "chief@police.example.org"]
    assert police and {e.cc for e in police} == {"chair@partners.example.org"}
    listing = json.loads(run("report", "overdue", "--json").stdout)
    items = [i for g in listing["agencies"] for i in g["items"] if i["reference"] == ref]
    assert sorted((i["case_kind"], i["key"]) for i in items) == [
        ("cspr", "rapid_review"), ("cspr", "summary:POLICE")]


def test_an_action_in_the_partners_plan_is_emailed_to_its_agency(service, agencies):
    ref = lcspr(service)
    step(service, ref, "add_action", "2019-07-01", recommendation="R1", action="Train staff",
         agency="EDU", due="2019-12-31")
    sent = service.session.exec(select(OutboxEmail).where(
        OutboxEmail.recipients == "cp@edu.example.org")).all()
    assert len(sent) == 1 and ref in sent[0].subject and "Train staff" in sent[0].text_body


# -- a whole case through the command line -------------------------------------------------


def test_a_full_case_from_notification_to_closure_through_the_cli(run, agencies):
    out = run("case", "open", "cspr", "--pseudonym", "Child A", "--aware", "2019-04-16",
              "--nature", "death", "--age-band", "5-9y", "--other-child", "Child B=1-4y",
              "--incident-area", "Kent", "--on", "2019-04-17").stdout
    ref = out.split()[0]
    assert ref == "CSPR-2019-001"

    def advance(name: str, on: str, *options: str) -> None:
        run("case", "advance", ref, name, *options, "--on", on)

    advance("notify_panel", "2019-04-25")
    advance("request_summaries", "2019-04-26", "--agency", "POLICE", "--agency", "HEALTH")
    advance("receive_summary", "2019-05-08", "--agency", "POLICE")
    advance("receive_summary", "2019-05-09", "--agency", "HEALTH")
    advance("hold_meeting", "2019-05-10", "--attended", "DCS, CSC")
    advance("decide", "2019-05-13", "--outcome", "lcspr", "--criteria", "recurrent_themes",
            "--rationale", "recurrent themes", "--decided-by", "the three partners")
    advance("send_report", "2019-05-16")
    advance("record_panel_response", "2019-05-24", "--response", "agrees")
    advance("commission_lcspr", "2019-06-03", "--reviewer", "R Jones", "--terms", "ToR v1")
    advance("record_monitoring", "2019-09-02", "--check", "on time")
    advance("add_action", "2019-10-01", "--recommendation", "R1", "--action", "train staff",
            "--agency", "CSC", "--due", "2020-01-31")
    advance("plan_publication", "2019-10-01", "--date", "2019-11-20")
    advance("send_final_report", "2019-11-08")
    advance("publish", "2019-11-20", "--link", "https://partners.example.org/cspr")
    advance("complete_action", "2020-01-20", "--action", "A1")
    refused = run("case", "advance", ref, "close", "--on", "2020-04-20", expect=5)
    assert "six-month audit" in refused.stderr
    advance("record_audit", "2020-05-20", "--outcome", "embedded")
    advance("close", "2020-05-21")
    shown = json.loads(run("case", "show", ref, "--json").stdout)
    assert (shown["stage"], shown["closed_on"], shown["overdue"]) == ("closed", "2020-05-21", 0)
    text = run("case", "show", ref).stdout
    assert "Child B (1-4y)" in text
    assert "Incident area" in text
