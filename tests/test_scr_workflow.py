"""The serious case review, stage by stage, through the case service.

Expected due dates are worked out by hand in the comments. The clock stands at Monday
5 January 2009 and steps are recorded after the fact with `on=`, as coordinators do.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from casework.errors import InvalidInput, StepNotAllowed, StepRefused, UnknownAgency
from casework.models import Deadline, History
from casework.service import CaseService

D = dt.date


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    return clock


def step(service: CaseService, ref: str, name: str, on: str, **options):
    return service.advance(ref, name, options, actor="coordinator", on=on)


def deadlines(service: CaseService, ref: str) -> dict[str, Deadline]:
    return {d.key: d for d in service.deadlines_of(service.case(ref))}


def decided_scr(service: CaseService) -> str:
    ref = service.refer_scr("Child A", actor="coordinator", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-03", recommendation="scr", criteria="death")
    step(service, ref, "decide", "2008-04-10", outcome="scr", criteria=["death"],
         rationale="a child died; neglect suspected", chair="J Smith")
    return ref


def ready_for_overview(service: CaseService) -> str:
    ref = decided_scr(service)
    step(service, ref, "notify_inspectorate", "2008-04-14")
    step(service, ref, "form_panel", "2008-05-06", chair="Independent chair",
         member=["DI Jones, POLICE", "Head of Service, CSC"], conflicts="none declared")
    step(service, ref, "commission_imrs", "2008-06-02", terms="ToR v1",
         agency=["POLICE", "CSC"])
    step(service, ref, "receive_imr", "2008-07-10", agency="POLICE")
    step(service, ref, "receive_imr", "2008-07-20", agency="CSC")
    return ref


def test_referral_opens_the_case_at_screening_with_the_decision_due(service, agencies):
    case = service.refer_scr("Child A", actor="coordinator", on="2008-03-20",
                             referred_by="police")
    assert case.reference == "SCR-2008-001"
    assert case.state == "screening"
    assert (case.workflow_key, case.workflow_version) == ("scr", "2006.1")
    assert case.data["referred_by"] == "POLICE"
    # 1 calendar month after Thursday 20 March 2008: Sunday 20 April (months do not roll).
    decision = deadlines(service, case.reference)["decision"]
    assert decision.due_on == D(2008, 4, 20)
    assert decision.original_due_on == D(2008, 4, 20)
    assert decision.anchor_on == D(2008, 3, 20)
    assert decision.rule == "1 month after referral"
    assert decision.status == "open"


def test_references_count_within_each_year(service):
    refs = [service.refer_scr(p, actor="c", on=on).reference
            for p, on in [("A", "2008-03-20"), ("B", "2008-12-31"), ("C", "2009-01-01")]]
    assert refs == ["SCR-2008-001", "SCR-2008-002", "SCR-2009-001"]


def test_the_chair_deciding_on_an_scr_sets_its_deadlines(service, agencies):
    ref = decided_scr(service)
    case = service.case(ref)
    assert case.state == "notification"
    assert case.data["outcome"] == "scr"
    assert case.data["criteria"] == ["death"]
    assert case.data["decided_by"] == "J Smith"
    due = deadlines(service, ref)
    assert due["decision"].status == "met"
    assert due["decision"].closed_on == D(2008, 4, 10)
    # 5 working days from Thursday 10 April 2008: 11, 14, 15, 16, 17 -> Thursday 17 April.
    assert due["notification"].due_on == D(2008, 4, 17)
    # 20 working days from 10 April: 11,14-18 (6), 21-25 (11), 28-30 (14), 1-2 May (16),
    # Monday 5 May is the early May bank holiday, 6-9 May (20) -> Friday 9 May 2008.
    assert due["panel"].due_on == D(2008, 5, 9)
    # 4 calendar months after 10 April: Sunday 10 August 2008.
    assert due["completion"].due_on == D(2008, 8, 10)


def test_a_non_statutory_review_skips_notifying_the_inspectorate(service):
    ref = service.refer_scr("Child B", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-01", recommendation="non-statutory")
    step(service, ref, "decide", "2008-04-10", outcome="non_statutory",
         criteria="inter_agency_concerns", rationale="below threshold", chair="J Smith")
    assert service.case(ref).state == "panel_formation"
    assert set(deadlines(service, ref)) == {"decision", "panel", "completion"}


def test_no_review_ends_the_case_with_its_rationale(service):
    ref = service.refer_scr("Child C", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-01", recommendation="no_review")
    step(service, ref, "decide", "2008-04-02", outcome="no_review",
         rationale="single-agency learning only", chair="J Smith")
    case = service.case(ref)
    assert case.state == "no_review"
    assert case.closed_on == D(2008, 4, 2)
    assert case.data["rationale"] == "single-agency learning only"
    assert [d.status for d in service.deadlines_of(case)] == ["met"]
    with pytest.raises(StepNotAllowed, match=r"allowed: none: the case is closed"):
        step(service, ref, "form_panel", "2008-04-03", chair="x", member="y", conflicts="z")


def test_a_death_through_abuse_or_neglect_always_gets_an_scr(service):
    ref = service.refer_scr("Child D", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-01", recommendation="scr", criteria="death")
    with pytest.raises(StepRefused, match="always holds a serious case review"):
        step(service, ref, "decide", "2008-04-02", outcome="non_statutory",
             criteria="death", rationale="r", chair="J Smith")
    with pytest.raises(StepRefused, match=r"needs the criteria it meets \(--criteria\)"):
        step(service, ref, "decide", "2008-04-02", outcome="scr", rationale="r",
             chair="J Smith")
    assert service.case(ref).state == "decision"


def test_a_step_not_allowed_in_this_stage_lists_the_allowed_ones(service):
    ref = service.refer_scr("Child E", actor="c", on="2008-03-20").reference
    with pytest.raises(StepNotAllowed) as refused:
        step(service, ref, "form_panel", "2008-03-21", chair="x", member="y", conflicts="z")
    assert "stage 'screening'" in str(refused.value)
    assert refused.value.allowed == ["recommend"]
    with pytest.raises(StepNotAllowed, match=r"step 'fly' is not allowed here"):
        step(service, ref, "fly", "2008-03-21")


def test_step_options_are_checked_before_anything_changes(service):
    ref = service.refer_scr("Child F", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-01", recommendation="scr", criteria="death")
    with pytest.raises(InvalidInput, match="step decide needs --rationale, --chair"):
        step(service, ref, "decide", "2008-04-02", outcome="scr", criteria="death")
    with pytest.raises(InvalidInput, match="--outcome must be one of: scr, non_statutory, "
                                           "no_review"):
        step(service, ref, "decide", "2008-04-02", outcome="maybe", rationale="r", chair="c")
    with pytest.raises(InvalidInput, match=r"has no option --colour \(its options: "
                                           r"--outcome, --criteria, --rationale, --chair\)"):
        step(service, ref, "decide", "2008-04-02", colour="red")
    with pytest.raises(InvalidInput, match="--outcome may be given only once"):
        step(service, ref, "decide", "2008-04-02", outcome=["scr", "scr"], rationale="r",
             chair="c", criteria="death")
    assert service.case(ref).state == "decision"
    assert len(service.history(ref)) == 2


def test_imrs_are_commissioned_one_per_agency_each_with_its_due_date(service, agencies):
    ref = decided_scr(service)
    step(service, ref, "notify_inspectorate", "2008-04-14", to="Ofsted and GO-SE")
    step(service, ref, "form_panel", "2008-05-06", chair="Independent chair",
         member="DI Jones, POLICE", conflicts="none")
    with pytest.raises(UnknownAgency, match=r"no agency with code 'PROBATION' \(known: CSC, "
                                            r"EDU, HEALTH, POLICE\)"):
        step(service, ref, "commission_imrs", "2008-06-02", terms="ToR",
             agency=["POLICE", "PROBATION"])
    step(service, ref, "commission_imrs", "2008-06-02", terms="ToR v1",
         agency=["POLICE", "csc=2008-08-29", "HEALTH"], records_secured=True)
    due = deadlines(service, ref)
    # 6 weeks after Monday 2 June 2008: Monday 14 July 2008.
    assert due["imr:POLICE"].due_on == D(2008, 7, 14)
    assert due["imr:HEALTH"].due_on == D(2008, 7, 14)
    assert due["imr:CSC"].due_on == D(2008, 8, 29)
    assert due["imr:CSC"].rule == "date set when commissioned"
    assert service.case(ref).data["records_secured"] is True
    with pytest.raises(StepRefused, match="already been commissioned from POLICE"):
        step(service, ref, "commission_imr", "2008-06-03", agency="POLICE")
    step(service, ref, "commission_imr", "2008-06-09", agency="EDU")
    # A later commission counts from its own day: 9 June + 6 weeks = Monday 21 July.
    assert deadlines(service, ref)["imr:EDU"].due_on == D(2008, 7, 21)


def test_no_overview_report_until_every_imr_is_received_or_waived(service, agencies):
    ref = decided_scr(service)
    step(service, ref, "notify_inspectorate", "2008-04-14")
    step(service, ref, "form_panel", "2008-05-06", chair="c", member="m", conflicts="none")
    step(service, ref, "commission_imrs", "2008-06-02", terms="ToR",
         agency=["POLICE", "CSC", "HEALTH"])
    step(service, ref, "receive_imr", "2008-07-10", agency="POLICE")
    with pytest.raises(StepRefused, match=r"still awaited: CSC, HEALTH"):
        step(service, ref, "commission_overview", "2008-07-11", author="A Writer")
    with pytest.raises(StepRefused, match=r"no IMR is awaited from POLICE "
                                          r"\(awaited: CSC, HEALTH\)"):
        step(service, ref, "receive_imr", "2008-07-11", agency="POLICE")
    step(service, ref, "waive_imr", "2008-07-15", agency="HEALTH",
         reason="no contact in the period")
    # Received six days after its due date of 14 July: recorded as met, late.
    step(service, ref, "receive_imr", "2008-07-20", agency="CSC")
    due = deadlines(service, ref)
    assert (due["imr:HEALTH"].status, due["imr:HEALTH"].note) == ("waived",
                                                                 "no contact in the period")
    assert (due["imr:CSC"].status, due["imr:CSC"].closed_on) == ("met", D(2008, 7, 20))
    step(service, ref, "commission_overview", "2008-07-21", author="A Writer")
    assert service.case(ref).state == "overview"


def test_endorsement_needs_an_action_plan_or_a_reason_for_none(service, agencies):
    ref = ready_for_overview(service)
    step(service, ref, "commission_overview", "2008-07-21", author="A Writer")
    step(service, ref, "submit_overview", "2008-09-01")
    with pytest.raises(StepRefused, match="cannot endorse without an action plan"):
        step(service, ref, "endorse", "2008-09-10")
    step(service, ref, "endorse", "2008-09-10", no_actions_reason="learning already embedded")
    case = service.case(ref)
    assert case.state == "publication"
    assert case.data["no_actions_reason"] == "learning already embedded"


def test_endorsement_meets_completion_and_sets_the_six_month_audit(service, agencies):
    ref = ready_for_overview(service)
    step(service, ref, "commission_overview", "2008-07-21", author="A Writer")
    step(service, ref, "add_action", "2008-08-20", recommendation="R1", action="Audit",
         agency="HEALTH", due="2008-12-31")
    step(service, ref, "add_action", "2008-08-20", recommendation="R2", action="Protocol",
         agency="POLICE", due="2009-02-28")
    step(service, ref, "submit_overview", "2008-08-25")
    step(service, ref, "endorse", "2008-08-31")
    due = deadlines(service, ref)
    # Completion was due 10 August (4 months after the decision): met 21 days late.
    assert (due["completion"].status, due["completion"].closed_on) == ("met", D(2008, 8, 31))
    # Six months after Sunday 31 August 2008: 28 February 2009 (February clamps).
    assert due["audit"].due_on == D(2009, 2, 28)
    assert [(d.number, d.agency_code, d.due_on) for d in due.values() if d.kind == "action"] \
        == [(1, "HEALTH", D(2008, 12, 31)), (2, "POLICE", D(2009, 2, 28))]
    assert due["action:1"].title == "Audit" and due["action:1"].detail == "R1"


def endorsed_with_one_action(service: CaseService) -> str:
    """Endorsed on 1 September 2008 with one action, A1 for HEALTH, due 31 December."""
    ref = ready_for_overview(service)
    step(service, ref, "commission_overview", "2008-07-21", author="A Writer")
    step(service, ref, "add_action", "2008-08-20", recommendation="R1", action="Audit",
         agency="HEALTH", due="2008-12-31")
    step(service, ref, "submit_overview", "2008-08-25")
    step(service, ref, "endorse", "2008-09-01")
    return ref


def test_publication_can_be_held_and_released_while_actions_go_on(service, agencies):
    ref = endorsed_with_one_action(service)
    step(service, ref, "hold_publication", "2008-09-02", reason="criminal proceedings")
    assert service.case(ref).state == "publication_held"
    with pytest.raises(StepNotAllowed):
        step(service, ref, "publish", "2008-09-03")
    step(service, ref, "update_action", "2008-10-01", action="A1", progress="on_track")
    assert deadlines(service, ref)["action:1"].progress == "on_track"
    step(service, ref, "release_publication", "2008-11-03")
    step(service, ref, "publish", "2008-11-04")
    assert service.case(ref).state == "implementation"


def test_closure_waits_for_the_audit_and_every_action(service, agencies, clock):
    clock.set(pendulum.datetime(2009, 6, 1, 9, tz="Europe/London"))
    ref = ready_for_overview(service)
    step(service, ref, "commission_overview", "2008-07-21", author="A Writer")
    for number, agency in ((1, "HEALTH"), (2, "POLICE")):
        step(service, ref, "add_action", "2008-08-20", recommendation=f"R{number}",
             action=f"Action {number}", agency=agency, due="2008-12-31")
    step(service, ref, "submit_overview", "2008-08-25")
    step(service, ref, "endorse", "2008-09-01")
    step(service, ref, "publish", "2008-09-15")
    with pytest.raises(StepRefused, match=r"six-month audit .* has not been recorded"):
        step(service, ref, "close", "2008-12-01")
    step(service, ref, "complete_action", "2008-11-30", action=1)
    # Due 1 March 2009, six months after the endorsement; it may be held from 1 February.
    with pytest.raises(StepRefused, match="the six-month audit is due on 1 Mar 2009; it can "
                                          "be recorded from 1 Feb 2009"):
        step(service, ref, "record_audit", "2008-12-01", outcome="too soon")
    step(service, ref, "record_audit", "2009-02-10", outcome="A1 done; A2 delayed")
    with pytest.raises(StepRefused, match="already been recorded"):
        step(service, ref, "record_audit", "2009-02-11", outcome="again")
    with pytest.raises(StepRefused, match=r"actions still open: A2; complete them or carry "
                                          r"them forward"):
        step(service, ref, "close", "2009-02-11")
    with pytest.raises(StepRefused, match="already closed"):
        step(service, ref, "complete_action", "2009-02-11", action=1)
    with pytest.raises(StepRefused, match=r"no action A7 \(actions: A1, A2\)"):
        step(service, ref, "complete_action", "2009-02-11", action=7)
    step(service, ref, "carry_forward", "2009-02-12", action=2, reason="needs new funding",
         decision="Board meeting 12 Feb 2009")
    step(service, ref, "close", "2009-02-13")
    case = service.case(ref)
    assert (case.state, case.closed_on) == ("closed", D(2009, 2, 13))
    statuses = {d.key: d.status for d in service.deadlines_of(case)}
    assert statuses["action:2"] == "carried_forward"
    assert statuses["audit"] == "met"
    assert all(s != "open" for s in statuses.values())


def test_on_dates_are_checked(service):
    ref = service.refer_scr("Child G", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-01", recommendation="scr", criteria="death")
    with pytest.raises(InvalidInput, match="is before the case's last recorded step "
                                           r"\(1 Apr 2008\)"):
        step(service, ref, "decide", "2008-03-31", outcome="scr", criteria="death",
             rationale="r", chair="c")
    with pytest.raises(InvalidInput, match="is in the future"):
        step(service, ref, "decide", "2009-01-06", outcome="scr", criteria="death",
             rationale="r", chair="c")
    with pytest.raises(InvalidInput, match="malformed --on '2008-02-30': there is no such day"):
        step(service, ref, "decide", "2008-02-30", outcome="scr", criteria="death",
             rationale="r", chair="c")
    with pytest.raises(InvalidInput, match="is in the future"):
        service.refer_scr("Child H", actor="c", on="2009-02-01")


def test_every_step_writes_history_with_both_times(service, clock):
    ref = service.refer_scr("Child I", actor="alice", on="2008-03-20").reference
    service.advance(ref, "recommend", {"recommendation": "scr", "criteria": "death"},
                    actor="bob", on="2008-04-01 14:30", note="panel met")
    rows = service.history(ref)
    assert [(r.step, r.actor, r.from_state, r.to_state) for r in rows] == [
        ("referral", "alice", None, "screening"),
        ("recommend", "bob", "screening", "decision"),
    ]
    recommend = rows[1]
    assert recommend.note == "panel met"
    # Recorded now (5 Jan 2009, 09:00 GMT); happened 1 April 2008 at 14:30 BST = 13:30 UTC.
    assert recommend.at == dt.datetime(2009, 1, 5, 9, tzinfo=dt.UTC)
    assert recommend.effective_at == dt.datetime(2008, 4, 1, 13, 30, tzinfo=dt.UTC)
    assert recommend.data["options"]["recommendation"] == "scr"
    assert service.case(ref).data["events"]["recommendation"].startswith("2008-04-01T13:30")


def test_a_refused_step_changes_nothing(service, engine):
    ref = service.refer_scr("Child J", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-04-01", recommendation="scr", criteria="death")
    before = _snapshot(engine)
    with pytest.raises(StepRefused):
        step(service, ref, "decide", "2008-04-02", outcome="no_review", criteria="death",
             rationale="r", chair="c")
    assert _snapshot(engine) == before


def _snapshot(engine) -> tuple:
    from sqlmodel import Session, select

    from casework.models import Case

    with Session(engine) as fresh:
        return (
            [(c.reference, c.state, c.version, c.data) for c in fresh.exec(select(Case))],
            [(d.key, d.status, d.due_on) for d in fresh.exec(select(Deadline))],
            len(fresh.exec(select(History)).all()),
        )


def test_a_step_that_fails_half_way_leaves_nothing_for_the_next_commit(service, agencies,
                                                                        engine):
    """The effect had staged a new stage and IMR rows when a bad due date stopped it."""
    ref = decided_scr(service)
    step(service, ref, "notify_inspectorate", "2008-04-14")
    step(service, ref, "form_panel", "2008-05-06", chair="c", member="m", conflicts="none")
    with pytest.raises(InvalidInput, match=r"due date 1 May 2008 is before 2 Jun 2008"):
        step(service, ref, "commission_imrs", "2008-06-02", terms="ToR",
             agency=["POLICE", "CSC=2008-05-01"])
    # The same long-lived session carries on with another change, which commits.
    service.pause(ref, "waiting for the terms of reference", actor="c", on="2008-06-03")
    from sqlmodel import Session, select

    from casework.models import Case

    with Session(engine) as fresh:
        case = fresh.exec(select(Case).where(Case.reference == ref)).one()
        keys = [d.key for d in fresh.exec(select(Deadline).where(Deadline.case_id == case.id))]
        assert case.state == "terms_of_reference" and case.paused_on == D(2008, 6, 3)
        assert not [k for k in keys if k.startswith("imr")]
        assert "terms_of_reference" not in case.data


def test_the_panel_cannot_recommend_less_than_an_scr_for_such_a_death(service):
    ref = service.refer_scr("Child K", actor="c", on="2008-03-20").reference
    with pytest.raises(StepRefused, match="always holds a serious case review"):
        step(service, ref, "recommend", "2008-03-25", recommendation="no_review",
             criteria="death")
    assert service.case(ref).state == "screening"


def test_a_decision_without_criteria_stands_on_the_panels(service):
    ref = service.refer_scr("Child L", actor="c", on="2008-03-20").reference
    step(service, ref, "recommend", "2008-03-25", recommendation="scr", criteria="death")
    with pytest.raises(StepRefused, match=r"the panel recorded this criterion \(give the "
                                          r"criteria that do apply with --criteria"):
        step(service, ref, "decide", "2008-04-10", outcome="no_review", rationale="r",
             chair="J Smith")
    # The chair may find the panel's criterion does not hold, saying which ones do.
    step(service, ref, "decide", "2008-04-10", outcome="non_statutory",
         criteria="inter_agency_concerns", rationale="death not due to abuse after all",
         chair="J Smith")
    assert service.case(ref).state == "panel_formation"


def test_an_agency_made_inactive_can_still_have_its_imr_received_or_waived(service,
                                                                           agencies):
    ref = decided_scr(service)
    step(service, ref, "notify_inspectorate", "2008-04-14")
    step(service, ref, "form_panel", "2008-05-06", chair="c", member="m", conflicts="none")
    step(service, ref, "commission_imrs", "2008-06-02", terms="ToR", agency=["POLICE", "CSC"])
    service.update_agency("CSC", actor="c", active=False)
    with pytest.raises(InvalidInput, match="agency CSC is no longer active"):
        step(service, ref, "commission_imr", "2008-06-03", agency="CSC=2008-07-01")
    step(service, ref, "waive_imr", "2008-06-10", agency="CSC", reason="service merged")
    step(service, ref, "receive_imr", "2008-07-10", agency="POLICE")
    step(service, ref, "commission_overview", "2008-07-11", author="A Writer")
    assert service.case(ref).state == "overview"


def test_one_agency_named_twice_in_a_request_is_refused_plainly(service, agencies):
    ref = decided_scr(service)
    step(service, ref, "notify_inspectorate", "2008-04-14")
    step(service, ref, "form_panel", "2008-05-06", chair="c", member="m", conflicts="none")
    with pytest.raises(StepRefused, match="POLICE is named more than once: give each agency "
                                          "once"):
        step(service, ref, "commission_imrs", "2008-06-02", terms="ToR",
             agency=["POLICE", "police=2008-07-01"])
    # The very same value twice is simply one request; criteria likewise.
    step(service, ref, "commission_imrs", "2008-06-02", terms="ToR",
         agency=["POLICE", "POLICE"])
    assert [d.key for d in service.deadlines_of(service.case(ref)) if d.kind == "imr"] == [
        "imr:POLICE"]


def test_action_zero_is_named_as_such(service, agencies):
    ref = endorsed_with_one_action(service)
    with pytest.raises(StepRefused, match=r"no action A0 \(actions: A1\)"):
        step(service, ref, "complete_action", "2008-09-02", action="0")


def test_a_lifted_hold_is_no_longer_shown_as_holding_publication(service, agencies):
    ref = ready_for_overview(service)
    step(service, ref, "commission_overview", "2008-07-21", author="A Writer")
    step(service, ref, "submit_overview", "2008-08-25")
    step(service, ref, "endorse", "2008-09-01", no_actions_reason="none needed")
    step(service, ref, "hold_publication", "2008-09-02", reason="criminal proceedings")
    assert service.case(ref).data["publication_held_for"] == "criminal proceedings"
    step(service, ref, "release_publication", "2008-11-03")
    assert "publication_held_for" not in service.case(ref).data
    assert service.history(ref)[-2].data["options"]["reason"] == "criminal proceedings"
