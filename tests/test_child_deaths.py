"""Child death reviews through the service: notification, rapid response, reports, the panel.

Dates are worked out by hand in the comments. The clock stands at Monday 3 January 2011.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from casework.config import Settings
from casework.deaths import PossibleDuplicate, add_meeting, meetings, notify_death
from casework.errors import InvalidInput, StepRefused, UnknownAgency
from casework.service import CaseService

D = dt.date


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2011, 1, 3, 9, tz="Europe/London"))
    return clock


def notify(service: CaseService, **given) -> str:
    details = {"pseudonym": "Child B", "died": "2008-04-05 03:20", "age_band": "1-4y",
               "place": "home", "notifier": "Dr Jones, ED consultant",
               "notifier_agency": "ACUTE", "residence": "Kent", "death": "unexpected",
               "actor": "coordinator", "on": "2008-04-06 09:00", **given}
    return notify_death(service, **details).reference


def step(service: CaseService, ref: str, name: str, on: str, **options):
    return service.advance(ref, name, options, actor="coordinator", on=on)


def due(service: CaseService, ref: str) -> dict:
    return {d.key: d for d in service.deadlines_of(service.case(ref))}


@pytest.fixture
def agencies(service):
    for code in ("POLICE", "CSC", "HEALTH", "ACUTE", "EDU"):
        service.add_agency(code, f"{code} name", f"x@{code.lower()}.example.org", None,
                           actor="test")


def through_rapid_response(service: CaseService, ref: str) -> None:
    step(service, ref, "triage", "2008-04-06 10:00", death="unexpected")
    step(service, ref, "convene_team", "2008-04-06 11:00", paediatrician="Dr P",
         police="DS Q", social_care="R S")
    step(service, ref, "record_home_visit", "2008-04-06 15:00")
    step(service, ref, "record_information_sharing", "2008-04-07")
    step(service, ref, "await_post_mortem", "2008-04-08")
    step(service, ref, "receive_post_mortem", "2008-05-20", findings="head injury")
    step(service, ref, "hold_final_discussion", "2008-06-20")


def test_a_late_notification_of_an_unexpected_death_opens_the_rapid_response(service,
                                                                              agencies):
    ref = notify(service)
    assert ref == "CDR-2008-001"
    case = service.case(ref)
    assert case.state == "triage"
    assert (case.workflow_key, case.workflow_version) == ("cdr", "2008.1")
    # Died Sat 5 Apr 2008 03:20 BST, notified Sun 6 Apr 09:00 BST: 29 h 40 min, late.
    assert case.data["hours_to_notify"] == 29.7
    assert case.data["notified_late"] is True
    deadlines = due(service, ref)
    notification = deadlines["notification"]
    assert notification.status == "met"
    # Form A due 24 hours after the death: Sun 6 Apr 03:20 BST = 02:20 UTC.
    assert notification.due_at == dt.datetime(2008, 4, 6, 2, 20, tzinfo=dt.UTC)
    assert notification.closed_at == dt.datetime(2008, 4, 6, 8, 0, tzinfo=dt.UTC)
    # Triage and the information-sharing meeting: 1 working day after Sunday -> Mon 7 Apr.
    assert deadlines["triage"].due_on == D(2008, 4, 7)
    assert deadlines["information_sharing"].due_on == D(2008, 4, 7)
    # The joint home visit: 24 hours after notification, Mon 7 Apr 09:00 BST = 08:00 UTC.
    assert deadlines["home_visit"].due_at == dt.datetime(2008, 4, 7, 8, 0, tzinfo=dt.UTC)
    # The final local case discussion: 12 weeks after Sat 5 Apr -> Sat 28 Jun 2008.
    assert deadlines["final_discussion"].due_on == D(2008, 6, 28)
    history = service.history(ref)[0]
    assert (history.step, history.to_state) == ("notification", "triage")
    assert case.data["events"]["death"] == "2008-04-05T02:20:00+00:00"


def test_an_expected_death_notified_in_time_has_no_rapid_response(service, agencies):
    ref = notify(service, died="2008-04-05 13:20", on="2008-04-06 09:00", death="expected")
    case = service.case(ref)
    assert case.data["notified_late"] is False and case.data["hours_to_notify"] == 19.7
    assert set(due(service, ref)) == {"notification", "triage"}
    step(service, ref, "triage", "2008-04-07", death="expected")
    assert service.case(ref).state == "agency_reports"


def test_found_expected_at_triage_the_rapid_response_is_stood_down(service, agencies):
    ref = notify(service)
    step(service, ref, "triage", "2008-04-06 12:00", death="expected")
    statuses = {k: (d.status, d.note) for k, d in due(service, ref).items()}
    assert statuses["home_visit"] == ("waived", "classified expected at triage")
    assert statuses["final_discussion"][0] == "waived"
    assert service.case(ref).state == "agency_reports"


def test_notification_details_are_checked(service, agencies):
    with pytest.raises(InvalidInput, match=r"--died 7 Apr 2008 10:00 is after the "
                                           r"notification \(6 Apr 2008 09:00\)"):
        notify(service, died="2008-04-07 10:00")
    with pytest.raises(InvalidInput, match="--age-band must be one of: 0-27d, 28-364d, 1-4y, "
                                           "5-9y, 10-14y, 15-17y"):
        notify(service, age_band="toddler")
    with pytest.raises(InvalidInput, match="--place must be one of"):
        notify(service, place="12 Acacia Avenue")
    with pytest.raises(UnknownAgency, match="no agency with code 'NHS'"):
        notify(service, notifier_agency="NHS")
    with pytest.raises(InvalidInput, match="--died '5/4/08'"):
        notify(service, died="5/4/08")


def test_a_second_notification_of_the_same_death_points_to_the_first(service, agencies):
    first = notify(service)
    with pytest.raises(PossibleDuplicate, match=r"may already be notified as CDR-2008-001 "
                                                r"\(Child B, died 5 Apr 2008, age 1-4y, "
                                                r"notified by ACUTE\): if it is a different "
                                                r"child, notify again with --different-child"):
        notify(service, pseudonym="Child C", died="2008-04-05 07:00", notifier_agency="POLICE")
    other_age = notify(service, pseudonym="Child D", age_band="5-9y")
    confirmed = notify(service, pseudonym="Child C", different_child=True)
    other_day = notify(service, pseudonym="Child E", died="2008-04-04 23:50")
    assert (first, other_age, confirmed, other_day) == (
        "CDR-2008-001", "CDR-2008-002", "CDR-2008-003", "CDR-2008-004")
    assert service.case(confirmed).data["confirmed_different_child"] is True


def test_a_child_from_another_area_is_marked_for_transfer(engine, clock, agencies, service):
    kent = Settings(database_url=service.settings.database_url, database_source="test",
                    areas=["Kent", "Medway"])
    board = CaseService(service.session, kent, clock)
    ref = notify(board, residence="East Sussex")
    case = board.case(ref)
    assert case.state == "transfer_pending"
    assert case.data["transfer_to_area"] == "East Sussex"
    assert set(due(board, ref)) == {"notification", "triage"}  # no rapid response here
    assert [s.name for s in board.allowed_steps(case)] == ["triage", "transfer"]
    step(board, ref, "transfer", "2008-04-07", to_panel="East Sussex CDOP")
    case = board.case(ref)
    assert (case.state, case.closed_on) == ("transferred", D(2008, 4, 7))
    assert due(board, ref)["triage"].status == "met"
    # A local child (any case of the configured names) is reviewed here.
    assert board.case(notify(board, pseudonym="Child E", residence="medway",
                             age_band="5-9y")).state == "triage"


def test_the_rapid_response_must_be_recorded_before_waiting_for_the_post_mortem(service,
                                                                               agencies):
    ref = notify(service)
    step(service, ref, "triage", "2008-04-06 10:00", death="unexpected")
    with pytest.raises(StepRefused, match=r"has not recorded the team convened "
                                          r"\(convene_team\); the joint home visit"):
        step(service, ref, "await_post_mortem", "2008-04-06 12:00")
    step(service, ref, "convene_team", "2008-04-06 11:00", paediatrician="Dr P",
         police="DS Q", social_care="R S")
    step(service, ref, "record_home_visit", "2008-04-07 10:30")
    with pytest.raises(StepRefused, match=r"has not recorded the information-sharing meeting"):
        step(service, ref, "await_post_mortem", "2008-04-07 11:00")
    step(service, ref, "record_information_sharing", "2008-04-07 12:00")
    step(service, ref, "await_post_mortem", "2008-04-08")
    deadlines = due(service, ref)
    # The home visit came at 10:30 on Monday, 90 minutes after its 24 hours ran out.
    assert deadlines["home_visit"].closed_at > deadlines["home_visit"].due_at
    assert service.case(ref).data["rapid_response_team"] == {
        "paediatrician": "Dr P", "police": "DS Q", "social_care": "R S"}
    with pytest.raises(StepRefused, match="give the post-mortem's --findings, or --none-held"):
        step(service, ref, "receive_post_mortem", "2008-05-20")
    with pytest.raises(StepRefused, match="--findings, or --none-held"):
        step(service, ref, "receive_post_mortem", "2008-05-20", findings="x", none_held=True)
    step(service, ref, "receive_post_mortem", "2008-05-20", none_held=True)
    assert service.case(ref).data["post_mortem"] == "none held"


def test_agency_reports_must_all_be_in_before_the_panel(service, agencies):
    ref = notify(service)
    through_rapid_response(service, ref)
    assert due(service, ref)["final_discussion"].status == "met"
    add_meeting(service, "2008-09-11", actor="c")
    with pytest.raises(StepRefused, match="no Form B has been requested"):
        step(service, ref, "ready_for_panel", "2008-06-21")
    step(service, ref, "request_reports", "2008-06-20", agency=["POLICE", "CSC",
                                                               "HEALTH=2008-08-01"])
    deadlines = due(service, ref)
    # 15 working days from Fri 20 June 2008: 23-27 (5), 30 Jun-4 Jul (10), 7-11 Jul (15).
    assert deadlines["form_b:POLICE"].due_on == D(2008, 7, 11)
    assert deadlines["form_b:HEALTH"].due_on == D(2008, 8, 1)
    with pytest.raises(StepRefused, match="already been requested from POLICE"):
        step(service, ref, "request_reports", "2008-06-21", agency=["POLICE"])
    with pytest.raises(StepRefused, match=r"no Form B is awaited from EDU \(awaited: CSC, "
                                          r"HEALTH, POLICE\)"):
        step(service, ref, "receive_report", "2008-06-21", agency="EDU")
    step(service, ref, "receive_report", "2008-07-01", agency="POLICE")
    with pytest.raises(StepRefused, match=r"until every Form B is received or waived \(still "
                                          r"awaited: CSC, HEALTH\)"):
        step(service, ref, "ready_for_panel", "2008-07-02")
    step(service, ref, "receive_report", "2008-07-14", agency="CSC")
    step(service, ref, "waive_report", "2008-07-15", agency="HEALTH", reason="no contact")
    step(service, ref, "ready_for_panel", "2008-07-16")
    case = service.case(ref)
    assert (case.state, case.data["meeting_on"]) == ("awaiting_panel", "2008-09-11")
    assert due(service, ref)["panel_review"].due_on == D(2008, 9, 11)
    assert due(service, ref)["form_b:CSC"].closed_on == D(2008, 7, 14)  # 3 days late


def test_no_meeting_no_listing_and_a_deferral_moves_to_the_next_meeting(service, agencies):
    ref = notify(service, death="expected")
    step(service, ref, "triage", "2008-04-07", death="expected")
    with pytest.raises(StepRefused, match=r"no CDOP meeting is scheduled on or after "
                                          r"8 Apr 2008: add one with `casework death "
                                          r"meeting add DATE`"):
        step(service, ref, "ready_for_panel", "2008-04-08", no_reports_reason="known to health")
    add_meeting(service, "2008-06-12", actor="c")
    step(service, ref, "ready_for_panel", "2008-04-08", no_reports_reason="known to health")
    with pytest.raises(StepRefused, match="no CDOP meeting is scheduled after 12 Jun 2008"):
        step(service, ref, "defer", "2008-06-12", reason="inquest pending")
    add_meeting(service, "2008-09-11", actor="c")
    with pytest.raises(StepRefused, match=r"listed for the CDOP meeting on 12 Jun 2008: record "
                                          r"the review on or after that date"):
        step(service, ref, "review", "2008-06-11", category="infection", intrinsic="1",
             parenting="1", environment="1", services="1", preventable="no")
    step(service, ref, "defer", "2008-06-12", reason="inquest pending")
    panel = due(service, ref)["panel_review"]
    assert (panel.due_on, panel.original_due_on, panel.extensions) == (
        D(2008, 9, 11), D(2008, 6, 12), 1)
    assert service.case(ref).data["meeting_on"] == "2008-09-11"
    listed = {m.held_on: m.listed for m in meetings(service)}
    assert listed == {D(2008, 6, 12): [], D(2008, 9, 11): [ref]}


@pytest.mark.parametrize(("review_on", "answer", "wrong", "message"), [
    ("2010-03-31", "preventable", "modifiable",
     "a review completed before 1 April 2010 records whether the death was preventable"),
    ("2010-04-01", "modifiable", "preventable",
     "a review completed from 1 April 2010 records whether there were modifiable factors"),
])
def test_preventable_before_april_2010_modifiable_factors_from_then(
        service, agencies, review_on, answer, wrong, message):
    ref = notify(service, death="expected")
    step(service, ref, "triage", "2008-04-07", death="expected")
    add_meeting(service, review_on, actor="c")
    step(service, ref, "ready_for_panel", "2008-04-08", no_reports_reason="health only")
    form_c = {"category": "chronic_medical", "intrinsic": "3", "parenting": "1",
              "environment": "1", "services": "2"}
    with pytest.raises(StepRefused, match=message):
        step(service, ref, "review", review_on, **form_c, **{wrong: "yes"})
    with pytest.raises(StepRefused, match=message):
        step(service, ref, "review", review_on, **form_c)
    with pytest.raises(InvalidInput, match="--intrinsic must be one of: 0, 1, 2, 3"):
        step(service, ref, "review", review_on, **{**form_c, "intrinsic": "4"}, **{answer: "no"})
    step(service, ref, "review", review_on, **form_c, **{answer: "no"},
         recommendation=["Review transition to adult services", "Share with the CCG"])
    case = service.case(ref)
    assert case.state == "reviewed"
    assert case.data[answer] == "no" and wrong not in case.data
    assert case.data["factors"] == {"intrinsic": 3, "parenting": 1, "environment": 1,
                                    "services": 2}
    assert case.data["recommendations"] == ["Review transition to adult services",
                                            "Share with the CCG"]
    assert due(service, ref)["panel_review"].status == "met"
    step(service, ref, "close", review_on)
    assert service.case(ref).state == "closed"


def test_a_referral_for_an_scr_opens_a_linked_review_in_the_same_step(service, agencies):
    ref = notify(service)
    through_rapid_response(service, ref)
    step(service, ref, "refer_for_scr", "2008-06-23", reason="neglect may have contributed")
    death = service.case(ref)
    assert death.data["scr_referral"] == "SCR-2008-001"
    assert death.state == "agency_reports"
    scr = service.case("SCR-2008-001")
    assert (scr.state, scr.pseudonym, scr.opened_on) == ("screening", "Child B", D(2008, 6, 23))
    assert scr.data["linked_case"] == ref
    assert scr.data["referral_reason"] == "neglect may have contributed"
    # 1 month after Mon 23 June 2008: the decision is due Wed 23 July.
    assert due(service, "SCR-2008-001")["decision"].due_on == D(2008, 7, 23)
    assert [h.actor for h in service.history("SCR-2008-001")] == ["coordinator"]
    with pytest.raises(StepRefused, match="already referred for a serious case review as "
                                          "SCR-2008-001"):
        step(service, ref, "refer_for_scr", "2008-06-24", reason="again")


def test_a_referral_that_fails_leaves_no_half_opened_scr(service, agencies, engine):
    from sqlmodel import Session, select

    from casework.models import Case

    ref = notify(service)
    with pytest.raises(InvalidInput, match="step refer_for_scr needs --reason"):
        step(service, ref, "refer_for_scr", "2008-04-07")
    with Session(engine) as fresh:
        assert [c.reference for c in fresh.exec(select(Case))] == [ref]


def test_the_panel_review_stays_on_the_meeting_date(service, agencies):
    from casework.errors import StepRefused as Refused

    ref = notify(service, death="expected")
    step(service, ref, "triage", "2008-04-07", death="expected")
    add_meeting(service, "2008-06-12", actor="c")
    step(service, ref, "ready_for_panel", "2008-04-09", no_reports_reason="health only")
    service.pause(ref, "inquest opened", actor="c", on="2008-06-01")
    service.resume(ref, actor="c", on="2008-06-10")
    assert due(service, ref)["panel_review"].due_on == D(2008, 6, 12)
    assert due(service, ref)["panel_review"].rule == \
        "the date of the CDOP meeting it is listed for"
    with pytest.raises(Refused, match="panel_review cannot be extended: it is the date of the "
                                      "CDOP meeting: move it with the defer step"):
        service.extend(ref, "panel_review", to="2008-07-01", reason="r", actor="c")


def test_a_child_marked_for_transfer_by_mistake_is_triaged_here(engine, clock, agencies,
                                                                 service):
    kent = Settings(database_url=service.settings.database_url, database_source="test",
                    areas=["Kent"])
    board = CaseService(service.session, kent, clock)
    ref = notify(board, residence="Maidstone")  # a town in Kent, typed as the residence
    assert board.case(ref).state == "transfer_pending"
    assert [s.name for s in board.allowed_steps(board.case(ref))] == ["triage", "transfer"]
    step(board, ref, "triage", "2008-04-06 10:00", death="unexpected")
    case = board.case(ref)
    assert case.state == "rapid_response" and "transfer_to_area" not in case.data
    # The rapid response it had not been given is opened now, counted from the notification.
    assert due(board, ref)["home_visit"].due_at == dt.datetime(2008, 4, 7, 8, 0, tzinfo=dt.UTC)


def test_a_death_notified_without_its_time_is_judged_by_the_day(service, agencies):
    # Died on Wed 2 July 2008, time not given; notified Thu 3 July 08:00: in time.
    ref = notify(service, died="2008-07-02", on="2008-07-03 08:00", age_band="5-9y")
    case = service.case(ref)
    assert case.data["notified_late"] is False
    assert case.data["time_of_death_known"] is False and "hours_to_notify" not in case.data
    notification = due(service, ref)["notification"]
    assert (notification.due_on, notification.status) == (D(2008, 7, 3), "met")
    assert notification.rule == "by the day after the death (time not given)"
    # Notified on Friday 4 July, two days on: late.
    late = notify(service, pseudonym="Child C", died="2008-07-02", on="2008-07-04 08:00",
                  age_band="10-14y")
    assert service.case(late).data["notified_late"] is True
    with pytest.raises(InvalidInput, match=r"--died 5 Jul 2008 is after the notification "
                                           r"\(4 Jul 2008 09:00\)"):
        notify(service, pseudonym="Child D", died="2008-07-05", on="2008-07-04 09:00",
               age_band="15-17y")


def test_no_reports_reason_is_only_for_a_death_no_agency_knew_of(service, agencies):
    ref = notify(service, death="expected")
    step(service, ref, "triage", "2008-04-07", death="expected")
    add_meeting(service, "2008-06-12", actor="c")
    step(service, ref, "request_reports", "2008-04-08", agency=["HEALTH"])
    step(service, ref, "receive_report", "2008-04-20", agency="HEALTH")
    with pytest.raises(StepRefused, match="Form Bs were requested: --no-reports-reason is for "
                                          "a death no agency knew of"):
        step(service, ref, "ready_for_panel", "2008-04-21", no_reports_reason="none")
    step(service, ref, "ready_for_panel", "2008-04-21")
