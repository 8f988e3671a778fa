"""Example cases for the demo: child deaths and partnership reviews at mixed stages, some of
them late, and the board's last serious case reviews.

The live cases' dates are counted back from today, so the demo always shows live lateness.
Serious case reviews ended in 2019, so the SCRs are dated then (`demo_scr`). Pseudonyms only;
the example agencies' addresses are on the reserved example.org domain.
"""

from __future__ import annotations

import datetime as dt

from casework.clock import today
from casework.demo_scr import serious_case_reviews
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

    # Serious case reviews ended in 2019 (the CSPR replaced them): the board's are history,
    # all closed (one over-ran into 2020); the live, late work is below.
    opened.extend(serious_case_reviews(service, ACTOR))
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
    """Serious incidents notified to the Panel: one just recorded, one whose rapid review is
    late, one converted into a local review (LCSPR), one such review paused for criminal
    proceedings, and one closed with no local review."""
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

    # Held for criminal proceedings: the local review paused, its clock stopped.
    held = notify("Bethany and Cameron", 100, nature="serious_harm", age_band="10-14y",
                  other_child=["Cameron=5-9y"])
    step(held, "notify_panel", 99)
    step(held, "request_summaries", 98, agency=["POLICE", "CSC"])
    for agency in ("POLICE", "CSC"):
        step(held, "receive_summary", 90, agency=agency)
    step(held, "hold_meeting", 85)
    step(held, "decide", 84, outcome="lcspr", criteria=["agencies_working_together"],
         rationale="particularly serious sexual abuse; agencies missed the signs",
         decided_by="the three safeguarding partners")
    step(held, "send_report", 84)
    step(held, "record_panel_response", 70, response="agrees")
    step(held, "commission_lcspr", 65, reviewer=["Independent reviewer"],
         terms="ToR agreed by the partners")
    service.pause(held, "criminal proceedings: police asked the reviewer to wait",
                  actor=ACTOR, on=ago(60))

    # Late: a summary of involvement and so the rapid review itself; health's, given longer
    # (its records are held elsewhere), is due in three days.
    late = notify("Child B", 30, nature="serious_harm", age_band="1-4y")
    step(late, "notify_panel", 30)
    step(late, "request_summaries", 29, agency=["POLICE", "CSC", f"HEALTH={ago(-3)}"])
    step(late, "receive_summary", 12, agency="CSC")

    # Recorded yesterday: the Panel is to be told within 5 working days of awareness.
    just = notify("Child D", 1, nature="death", age_band="0-27d")

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
    return [late, just, converted, held, closed]
