"""Example cases for the demo: SCRs, child deaths and partnership reviews at mixed stages,
some of them late.

Dates are counted back from today, so the demo always shows live lateness. Pseudonyms only;
the example agencies' addresses are on the reserved example.org domain.
"""

from __future__ import annotations

import datetime as dt

from casework.clock import today
from casework.service import CaseService

AGENCIES = [
    ("POLICE", "Kent Police", "public-protection@police.example.org"),
    ("CSC", "Children's Social Care", "safeguarding@csc.example.org"),
    ("HEALTH", "Primary Care Trust", "named-nurse@pct.example.org"),
    ("ACUTE", "Acute Hospitals Trust", "safeguarding@acute.example.org"),
    ("EDU", "Education", "child-protection@education.example.org"),
    ("PROB", "Probation", "public-protection@probation.example.org"),
]
BOARD = [
    ("mailbox", "LSCB business unit", "lscb@board.example.org"),
    ("chair", "Independent chair of the board", "chair@board.example.org"),
    ("scr_panel_chair", "SCR subgroup chair", "scr-chair@board.example.org"),
    ("cdop_chair", "CDOP chair", "cdop-chair@board.example.org"),
    ("partners_chair", "Safeguarding partners' chair", "partners-chair@board.example.org"),
]
ACTOR = "demo"


def build_demo(service: CaseService) -> list[str]:
    """Open the example cases; returns their references, the fullest last."""
    day0 = today(service.clock)

    def ago(days: int) -> str:
        return day0.subtract(days=days).isoformat()

    for role, name, address in BOARD:
        service.set_board_contact(role, address, name=name, actor=ACTOR)
    existing = {a.code for a in service.agencies(include_inactive=True)}
    for code, name, email in AGENCIES:
        if code not in existing:
            service.add_agency(code, name, email, f"director@{email.split('@')[1]}",
                               actor=ACTOR)
    opened: list[str] = []

    def step(ref: str, name: str, days_ago: int, **options: object) -> None:
        service.advance(ref, name, options, actor=ACTOR, on=ago(days_ago))

    # Referred today, each review runs under the process in force now (WT2013/15): the
    # local authority tells Ofsted and the board of the incident within 5 working days.
    # 1. Just referred, but the month for the decision has run out.
    late_decision = service.refer_scr("Child B", actor=ACTOR, on=ago(40), referred_by="CSC",
                                      aware=ago(42))
    step(late_decision.reference, "notify_ofsted", 39)
    step(late_decision.reference, "recommend", 20, recommendation="scr",
         criteria=["life_threatening_injury"])
    opened.append(late_decision.reference)

    # 2. No review: below the threshold, closed with the chair's rationale.
    none = service.refer_scr("Child C", actor=ACTOR, on=ago(75), referred_by="HEALTH")
    step(none.reference, "notify_ofsted", 74)
    step(none.reference, "recommend", 60, recommendation="no_review")
    step(none.reference, "decide", 55, outcome="no_review", chair="Board chair",
         rationale="single-agency learning; no inter-agency concerns")
    step(none.reference, "inform_panel", 50)
    opened.append(none.reference)

    # 3. A non-statutory review, panel being formed, on time.
    nsr = service.refer_scr("Child D", actor=ACTOR, on=ago(25), referred_by="EDU")
    step(nsr.reference, "notify_ofsted", 24)
    step(nsr.reference, "recommend", 12, recommendation="non_statutory",
         criteria=["inter_agency_concerns"])
    step(nsr.reference, "decide", 8, outcome="non_statutory", chair="Board chair",
         criteria=["inter_agency_concerns"],
         rationale="below the SCR threshold; worth learning from")
    opened.append(nsr.reference)

    # 4. An SCR waiting on IMRs: two are late, one in.
    imrs = service.refer_scr("Adam", actor=ACTOR, on=ago(150), referred_by="POLICE")
    ref = imrs.reference
    step(ref, "notify_ofsted", 149)
    step(ref, "recommend", 140, recommendation="scr", criteria=["death"])
    step(ref, "decide", 135, outcome="scr", criteria=["death"], chair="Board chair",
         rationale="a child died; neglect is suspected")
    step(ref, "notify_inspectorate", 131)
    step(ref, "form_panel", 110, chair="Independent chair", conflicts="none declared",
         member=["Detective Inspector, POLICE", "Head of Safeguarding, CSC",
                 "Designated Nurse, HEALTH"])
    step(ref, "commission_imrs", 90, terms="ToR v1 agreed by the panel",
         agency=["POLICE", "CSC", "HEALTH", f"ACUTE={ago(10)}"], records_secured=True)
    step(ref, "receive_imr", 45, agency="HEALTH")
    opened.append(ref)

    # 5. Held for criminal proceedings: paused, its clock stopped.
    held = service.refer_scr("Bethany and Cameron", actor=ACTOR, on=ago(100),
                             referred_by="CSC")
    step(held.reference, "notify_ofsted", 98)
    step(held.reference, "recommend", 95, recommendation="scr",
         criteria=["sexual_abuse"])
    step(held.reference, "decide", 92, outcome="scr", criteria=["sexual_abuse"],
         chair="Board chair", rationale="particularly serious sexual abuse")
    service.pause(held.reference, "criminal proceedings: police asked the panel to wait",
                  actor=ACTOR, on=ago(90))
    opened.append(held.reference)

    # 6. Endorsed eight months ago: actions under way, one late, the audit overdue.
    plan = service.refer_scr("Child E", actor=ACTOR, on=ago(420), referred_by="ACUTE")
    ref = plan.reference
    step(ref, "notify_ofsted", 418)
    step(ref, "recommend", 410, recommendation="scr", criteria=["permanent_impairment"])
    step(ref, "decide", 400, outcome="scr", criteria=["permanent_impairment"],
         chair="Board chair", rationale="serious and permanent impairment through neglect")
    step(ref, "notify_inspectorate", 396)
    step(ref, "form_panel", 380, chair="Independent chair", conflicts="none declared",
         member=["Detective Inspector, POLICE", "Service Manager, CSC"])
    step(ref, "commission_imrs", 370, terms="ToR agreed", agency=["POLICE", "CSC", "ACUTE"])
    for agency in ("POLICE", "CSC"):
        step(ref, "receive_imr", 330, agency=agency)
    step(ref, "waive_imr", 325, agency="ACUTE",
         reason="no contact with the family in the period under review")
    step(ref, "commission_overview", 320, author="Independent overview author")
    step(ref, "add_action", 280, recommendation="R1 Health visiting", agency="HEALTH",
         action="Audit health visitor caseloads for missed contacts", due=ago(150))
    step(ref, "add_action", 280, recommendation="R2 Information sharing", agency="CSC",
         action="Joint protocol with police on referrals", due=ago(60))
    step(ref, "add_action", 280, recommendation="R3 Training", agency="EDU",
         action="Neglect training for designated teachers", due=ago(-3))
    step(ref, "submit_overview", 270)
    step(ref, "endorse", 240)
    step(ref, "publish", 230)
    step(ref, "complete_action", 160, action=1)
    step(ref, "update_action", 30, action=2, progress="at_risk")
    opened.append(ref)
    opened[:0] = [*_child_deaths(service, ago, step), *_partnership(service, ago, step)]
    service.warnings.clear()  # its due dates are counted back from today, not typed
    return opened


def _child_deaths(service: CaseService, ago, step) -> list[str]:
    """An expected death awaiting reports, an unexpected one in its joint agency response,
    one reviewed, and one transferred to its home area's panel."""
    from casework.deaths import notify_death, schedule_meetings

    schedule_meetings(service, ago(200), 4, actor=ACTOR)  # quarterly, the next ones ahead
    opened = []

    def notify(pseudonym: str, died: int, notified: int, death: str, **more: str) -> str:
        details = {"age_band": "1-4y", "place": "home", "residence": "Kent",
                   "notifier": "Consultant paediatrician", "notifier_agency": "ACUTE", **more}
        case = notify_death(service, pseudonym=pseudonym, died=f"{ago(died)} 04:30",
                            on=f"{ago(notified)} 10:00", death=death, actor=ACTOR, **details)
        opened.append(case.reference)
        return case.reference

    expected = notify("Child F", 40, 39, "expected", age_band="10-14y", place="hospice")
    step(expected, "triage", 38, death="expected", jar="no")
    step(expected, "request_reports", 36, agency=["HEALTH", "EDU", "CSC"])
    step(expected, "receive_report", 20, agency="HEALTH")

    def joint_response(ref: str, days_ago: int) -> None:
        """Triaged for a JAR the day it was notified; planning and the visit on time."""
        step(ref, "triage", days_ago, death="unexpected", jar="yes",
             criterion=["sudden_unexplained"])
        step(ref, "record_jar_planning", days_ago)
        step(ref, "record_jar_visit", days_ago - 1)

    joint_response(notify("Child G", 30, 28, "unexpected", age_band="0-27d"), 28)

    reviewed = notify("Child H", 190, 190, "unexpected", age_band="5-9y", place="public_place")
    joint_response(reviewed, 190)
    step(reviewed, "receive_initial_post_mortem", 180, findings="injuries not explained")
    step(reviewed, "hold_jar_meeting", 178)
    step(reviewed, "request_reports", 175, agency=["POLICE", "CSC", "EDU"])
    step(reviewed, "receive_post_mortem", 150, findings="injuries not explained by the account")
    service.advance(reviewed, "plan_cdrm", {"date": ago(115)}, actor=ACTOR, on=ago(150))
    step(reviewed, "give_cdrm_notice", 149)
    for agency in ("POLICE", "CSC", "EDU"):
        step(reviewed, "receive_report", 130, agency=agency)
    step(reviewed, "hold_cdrm", 115)
    step(reviewed, "ready_for_panel", 99)
    meeting = dt.date.fromisoformat(service.case(reviewed).data["meeting_on"])
    at_meeting = (today(service.clock) - meeting).days
    step(reviewed, "review", at_meeting, category="deliberately_inflicted",
         factor=["social:2:injuries not explained by the account"], modifiable="yes",
         recommendation=["Share the learning on bruising in non-mobile children"])

    elsewhere = notify("Child J", 12, 12, "expected", residence="Medway", age_band="15-17y")
    step(elsewhere, "transfer", 11, to_panel="Medway CDOP")
    return opened


def _partnership(service: CaseService, ago, step) -> list[str]:
    """Two serious incidents notified to the Panel, each with a rapid review: one converted
    into a local review (LCSPR), one closed with no local review. Both on time."""
    from casework.regimes import open_case

    def notify(pseudonym: str, days_ago: int, **more: object) -> str:
        details = {"aware": ago(days_ago + 1), "age_band": "5-9y", "incident_area": "Kent",
                   **more}
        return open_case(service, "cspr", pseudonym, details, actor=ACTOR,
                         on=ago(days_ago)).reference

    converted = notify("Child K", 120, nature="serious_harm", known_to_agency=True,
                       other_child=["Child M=1-4y"])
    step(converted, "notify_panel", 118)
    step(converted, "request_summaries", 117, agency=["POLICE", "CSC", "HEALTH"])
    for agency in ("POLICE", "CSC", "HEALTH"):
        step(converted, "receive_summary", 108, agency=agency)
    step(converted, "hold_meeting", 104, attended=["Head of Service, CSC",
                                                  "Detective Inspector, POLICE"])
    step(converted, "decide", 103, outcome="lcspr", criteria=["agencies_working_together"],
         rationale="police and children's services did not share what each knew",
         decided_by="the three safeguarding partners")
    step(converted, "send_report", 102)
    step(converted, "record_panel_response", 90, response="agrees")
    step(converted, "commission_lcspr", 85, reviewer=["Independent reviewer"],
         terms="ToR agreed by the partners")
    step(converted, "record_monitoring", 20, check="on time; draft due next month")

    closed = notify("Child L", 70, nature="death", looked_after=True, age_band="15-17y")
    step(closed, "notify_panel", 68)
    step(closed, "request_summaries", 67, agency=["POLICE", "EDU"])
    step(closed, "receive_summary", 60, agency="POLICE")
    step(closed, "waive_summary", 59, agency="EDU", reason="not on a school roll")
    step(closed, "hold_meeting", 55)
    step(closed, "decide", 54, outcome="no_lcspr", decided_by="the three safeguarding partners",
         rationale="the rapid review found the learning; no further review needed")
    step(closed, "send_report", 54)
    step(closed, "record_panel_response", 40, response="agrees")
    step(closed, "close_no_lcspr", 39)
    return [converted, closed]
