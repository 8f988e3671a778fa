"""Child death review under Working Together 2006, chapter 7 (DOMAIN.md §2), from 1 April 2008.

    notification (Form A) opens the case at triage, or at transfer_pending when the child lived
    in another panel's area
    triage ─triage→ rapid_response (unexpected) | agency_reports (expected) ; ─transfer→ transferred
    transfer_pending ─transfer→ transferred ; ─triage→ as above, when the child lived here
    rapid_response ─await_post_mortem→ post_mortem ─receive_post_mortem→ final_discussion
    final_discussion ─hold_final_discussion→ agency_reports
    agency_reports ─ready_for_panel→ awaiting_panel ─review (Form C)→ reviewed ─close→ closed
    (Form B requests, receipts and waivers, and a referral for an SCR, run alongside)

Deadlines (defaults; a board overrides them in its config file):
    notification          24 hours after the death          met by the notification itself
    triage                1 working day after notification  met by triage
    home_visit            24 hours after notification       (unexpected deaths)
    information_sharing   1 working day after notification  (unexpected deaths)
    final_discussion      12 weeks after the death          (unexpected deaths)
    form_b                15 working days after the request, one per agency
    panel_review          the date of the CDOP meeting the case is listed for
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from workflows import cdr_figures
from workflows.children import AGE_BANDS
from workflows.definition import (
    Branch,
    CaseLike,
    Deadline,
    Intake,
    IntakeLike,
    Opening,
    Option,
    Options,
    Stage,
    Step,
    Workflow,
    open_deadlines,
)
from workflows.formats import short, short_moment
from workflows.requests import all_answered, answer_awaited, ask, asked_once, receive, waive

CATEGORIES = {
    "deliberately_inflicted": "deliberately inflicted injury, abuse or neglect",
    "suicide": "suicide or deliberate self-inflicted harm",
    "trauma": "trauma and other external factors",
    "malignancy": "malignancy",
    "acute_medical": "acute medical or surgical condition",
    "chronic_medical": "chronic medical condition",
    "congenital": "chromosomal, genetic and congenital anomalies",
    "perinatal": "perinatal/neonatal event",
    "infection": "infection",
    "sudden_unexplained": "sudden unexpected, unexplained death",
}
DOMAINS = {  # Form C's four domains, each scored 0-3
    "intrinsic": "factors intrinsic to the child",
    "parenting": "factors in parenting capacity",
    "environment": "factors in the family and environment",
    "services": "factors in service provision",
}
SCORES = ("0", "1", "2", "3")
PLACES = ("home", "hospital", "hospice", "public_place", "other")
EXPECTATION = ("expected", "unexpected", "not_known")
YES_NO = ("yes", "no")
# The national returns asked whether a death was "preventable" for reviews completed before
# 1 April 2010, and whether it had "modifiable factors" for reviews from that date.
MODIFIABLE_FROM = dt.date(2010, 4, 1)
RAPID_RESPONSE = ("home_visit", "information_sharing", "final_discussion")
REPORTING = ("rapid_response", "post_mortem", "final_discussion", "agency_reports")
OPEN_STAGES = (*REPORTING, "awaiting_panel", "reviewed")

NOTE = Option("note", "a note for the history")


# Guards: each returns the board's reason for refusing, or None.

reports_not_yet_requested = asked_once("form_b", "a Form B has already been requested")
report_awaited = answer_awaited("form_b", "Form B")
all_reports_in = all_answered("form_b", "the panel cannot review until every Form B is "
                                        "received or waived")


def team_recorded(case: CaseLike, opts: Options) -> str | None:
    missing = [text for done, text in (
        ("rapid_response_team" in case.data, "the team convened (convene_team)"),
        (not open_deadlines(case, "home_visit"), "the joint home visit (record_home_visit)"),
        (not open_deadlines(case, "information_sharing"),
         "the information-sharing meeting (record_information_sharing)"),
    ) if not done]
    if missing:
        return "the rapid response has not recorded " + "; ".join(missing)
    return None


def findings_or_none(case: CaseLike, opts: Options) -> str | None:
    if bool(opts.get("findings")) == bool(opts.get("none_held")):
        return "give the post-mortem's --findings, or --none-held if the coroner held none"
    return None


def some_reports_or_reason(case: CaseLike, opts: Options) -> str | None:
    requested = bool(case.deadlines("form_b"))
    if not requested and not opts.get("no_reports_reason"):
        return ("no Form B has been requested: request them (request_reports) or give "
                "--no-reports-reason")
    if requested and opts.get("no_reports_reason"):
        return "Form Bs were requested: --no-reports-reason is for a death no agency knew of"
    return None


def meeting_scheduled(case: CaseLike, opts: Options) -> str | None:
    if case.next_meeting(case.effective_on) is None:
        return (f"no CDOP meeting is scheduled on or after {short(case.effective_on)}: add one "
                "with `casework death meeting add DATE`")
    return None


def later_meeting_scheduled(case: CaseLike, opts: Options) -> str | None:
    listed = dt.date.fromisoformat(case.data["meeting_on"])
    if case.next_meeting(listed + dt.timedelta(days=1)) is None:
        return (f"no CDOP meeting is scheduled after {short(listed)}: add one with "
                "`casework death meeting add DATE`")
    return None


def at_the_meeting(case: CaseLike, opts: Options) -> str | None:
    listed = dt.date.fromisoformat(case.data["meeting_on"])
    if case.effective_on < listed:
        return (f"the case is listed for the CDOP meeting on {short(listed)}: record the "
                "review on or after that date (or defer it)")
    return None


def preventable_or_modifiable(case: CaseLike, opts: Options) -> str | None:
    if case.effective_on < MODIFIABLE_FROM:
        if opts.get("modifiable") or not opts.get("preventable"):
            return ("a review completed before 1 April 2010 records whether the death was "
                    "preventable (--preventable yes|no), not modifiable factors")
    elif opts.get("preventable") or not opts.get("modifiable"):
        return ("a review completed from 1 April 2010 records whether there were modifiable "
                "factors (--modifiable yes|no), not whether the death was preventable")
    return None


def not_yet_referred(case: CaseLike, opts: Options) -> str | None:
    if case.data.get("scr_referral"):
        return f"already referred for a serious case review as {case.data['scr_referral']}"
    return None


# Effects: what a step does beyond moving stage and opening/meeting its deadlines.

def triage(case: CaseLike, opts: Options) -> None:
    # From transfer_pending: the child lived here after all (a residence mistyped, say).
    case.record(classified=opts["death"], transfer_to_area=None)
    if opts["death"] == "unexpected":
        for key in RAPID_RESPONSE:
            if not case.deadlines(key):
                case.open_deadline(key)
    else:  # notified as unexpected, found expected: the rapid response is not needed
        _waive_open(case, RAPID_RESPONSE, "classified expected at triage")


def transfer(case: CaseLike, opts: Options) -> None:
    case.record(transferred_to=opts["to_panel"])
    if open_deadlines(case, "triage"):  # sending it to the right panel is this death's triage
        case.close_deadline("triage", status="met", note=f"transferred to {opts['to_panel']}")
    _waive_open(case, RAPID_RESPONSE, f"transferred to {opts['to_panel']}")


def _waive_open(case: CaseLike, keys: tuple[str, ...], note: str) -> None:
    for key in keys:
        if open_deadlines(case, key):
            case.close_deadline(key, status="waived", note=note)


def convene_team(case: CaseLike, opts: Options) -> None:
    case.record(rapid_response_team={role: opts[role] for role in
                                     ("paediatrician", "police", "social_care")})


def post_mortem(case: CaseLike, opts: Options) -> None:
    case.record(post_mortem=opts.get("findings") or "none held")


def list_for_panel(case: CaseLike, opts: Options) -> None:
    meeting = case.next_meeting(case.effective_on)
    case.record(meeting_on=meeting.isoformat(),
                **({"no_reports_reason": opts["no_reports_reason"]}
                   if opts.get("no_reports_reason") else {}))
    case.open_deadline("panel_review", due=meeting)


def defer(case: CaseLike, opts: Options) -> None:
    listed = dt.date.fromisoformat(case.data["meeting_on"])
    meeting = case.next_meeting(listed + dt.timedelta(days=1))
    case.record(meeting_on=meeting.isoformat())
    case.move_deadline("panel_review", meeting, opts["reason"])


def review(case: CaseLike, opts: Options) -> None:
    case.record(category=opts["category"],
                factors={d: int(opts[d]) for d in DOMAINS},
                recommendations=opts["recommendation"],
                **({"preventable": opts["preventable"]} if opts.get("preventable") else
                   {"modifiable": opts["modifiable"]}))


def refer_for_scr(case: CaseLike, opts: Options) -> None:
    reference = case.open_linked("scr", note=opts["reason"], referral_reason=opts["reason"])
    case.record(scr_referral=reference)


# The notification (Form A): what opening a child death review asks for.

LONDON = ZoneInfo("Europe/London")


def _local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(LONDON)


def died_before_notification(intake: IntakeLike, opts: Options) -> str | None:
    died, notified = opts["died"], intake.effective_at
    if died.at > notified or (not died.time_known
                              and _local(died.at).date() > _local(notified).date()):
        return (f"--died {_moment(died.at, died.time_known)} is after the notification "
                f"({_moment(notified, True)})")
    return None


def _moment(instant: dt.datetime, with_time: bool) -> str:
    return short_moment(instant) if with_time else short(_local(instant).date())


def notification(intake: IntakeLike, opts: Options) -> Opening:
    """Form A: how promptly the death was notified (24 hours; by the end of the next day
    when its time is not known), and whether the child lived in the board's area (else it
    is marked for transfer to that area's panel)."""
    died, notified = opts["died"], intake.effective_at
    died_on = _local(died.at).date()
    data: dict[str, Any] = {"died_on": died_on.isoformat(), "notified_as": opts["death"],
                            "death": None}
    dues = {}
    if died.time_known:
        hours = (notified - died.at).total_seconds() / 3600
        data["hours_to_notify"] = round(hours, 1)
        data["notified_late"] = hours > 24
    else:  # 24 hours from an unknown time: by the end of the day after the death at the latest
        next_day = died_on + dt.timedelta(days=1)
        data["time_of_death_known"] = False
        data["notified_late"] = _local(notified).date() > next_day
        dues["notification"] = (next_day, "by the day after the death (time not given)")
    areas = {a.lower() for a in intake.areas}
    local = not areas or opts["residence"].lower() in areas
    if not local:
        data["transfer_to_area"] = opts["residence"]
    return Opening(data=data, events={"death": died.at},
                   opens=RAPID_RESPONSE if opts["death"] == "unexpected" and local else (),
                   meets=("notification",), stage=None if local else "transfer_pending",
                   dues=dues)


def notified_twice(reference: str, pseudonym: str, data: Mapping[str, Any]) -> str:
    died = dt.date.fromisoformat(data["died_on"])
    return (f"this death may already be notified as {reference} ({pseudonym}, died "
            f"{short(died)}, age {data['age_band']}, notified by "
            f"{data.get('notifier_agency')}): if it is a different child, notify again with "
            "--different-child")


INTAKE = Intake(
    options=(
        Option("died", "date and time of the death: 'YYYY-MM-DD HH:MM' (or a date alone)",
               kind="moment", required=True, event="death"),
        Option("age_band", "the child's age band (no date of birth)", kind="choice",
               choices=AGE_BANDS, required=True),
        Option("place", "where the child died", kind="choice", choices=PLACES,
               required=True),
        Option("notifier", "the professional who notified: name and role", required=True),
        Option("notifier_agency", "the notifying professional's agency", kind="agency",
               required=True),
        Option("residence", "the area the child normally lived in (e.g. Kent)",
               required=True),
        Option("death", "expected or unexpected, as the notifier sees it", kind="choice",
               choices=EXPECTATION, required=True),
    ),
    prepare=notification, guards=(died_before_notification,),
    duplicate_on=("died_on", "age_band"), duplicate_message=notified_twice)


REFERRAL = Step(
    "refer_for_scr", "Referred for a serious case review", ("triage", *OPEN_STAGES),
    options=(Option("reason", "why the SCR criteria may be met", required=True),),
    guards=(not_yet_referred,), records="scr_referral", effect=refer_for_scr, needs="--reason")
REPORT_STEPS = (
    Step("request_reports", "Form B requested from agencies", REPORTING,
         options=(Option("agency", "an agency that knew the child, CODE or CODE=DUE-DATE "
                                   "(repeatable)", kind="agency_due", required=True,
                         multiple=True),),
         guards=(reports_not_yet_requested,), effect=ask("form_b"),
         needs="--agency CODE[=DATE] (repeat)"),
    Step("receive_report", "Form B received", REPORTING,
         options=(Option("agency", "whose Form B arrived", kind="asked_agency", required=True),
                  NOTE),
         guards=(report_awaited,), effect=receive("form_b"), needs="--agency CODE"),
    Step("waive_report", "Form B waived", REPORTING,
         options=(Option("agency", "the agency", kind="asked_agency", required=True),
                  Option("reason", "why it is not needed", required=True)),
         guards=(report_awaited,), effect=waive("form_b"), needs="--agency CODE, --reason"),
)

CDR = Workflow(
    key="cdr", version="2008.1", kind="cdr", kind_name="child death review",
    title="Child death review (Working Together 2006, chapter 7)", short_title="WT2006",
    key_date="death", in_force_from=dt.date(2008, 4, 1),
    in_force_source="LSCB child death functions from 1 April 2008 [P] SI 2006/90 reg 6",
    escalation_role="cdop_chair", roles={"cdop_chair": "CDOP chair"}, intake=INTAKE,
    figures=cdr_figures.figures(tuple(CATEGORIES), MODIFIABLE_FROM),
    labels={"scr_referral": "Referred for SCR as", "hours_to_notify": "Hours to notify",
            "died_on": "Died on"},
    stages=(
        Stage("triage", "Triage: expected or unexpected"),
        Stage("transfer_pending", "Resident elsewhere: to transfer to that area's panel"),
        Stage("rapid_response", "Rapid response"),
        Stage("post_mortem", "Awaiting the post-mortem",
              awaits="the post-mortem and the coroner: no deadline, as long as it takes"),
        Stage("final_discussion", "Final local case discussion"),
        Stage("agency_reports", "Agency reports (Form B)"),
        Stage("awaiting_panel", "Listed for the CDOP meeting"),
        Stage("reviewed", "Reviewed by the panel (Form C)"),
        Stage("closed", "Closed", final=True),
        Stage("transferred", "Transferred to another panel", final=True),
    ),
    deadlines=(
        Deadline("notification", "Death notified (Form A)", "24 hours", "death"),
        Deadline("triage", "Triage: expected or unexpected", "1 working day", "notification"),
        Deadline("home_visit", "Joint home visit", "24 hours", "notification"),
        Deadline("information_sharing", "Initial information-sharing meeting",
                 "1 working day", "notification"),
        Deadline("final_discussion", "Final local case discussion", "12 weeks", "death"),
        Deadline("form_b", "Agency report (Form B)", "15 working days", "request",
                 per_agency=True),
        Deadline("panel_review", "Review at the CDOP meeting", "", "",
                 set_by="the date of the CDOP meeting it is listed for",
                 fixed="it is the date of the CDOP meeting: move it with the defer step"),
    ),
    initial_records="notification",
    initial_opens=("notification", "triage"),
    events=("death", "notification", "triage", "team_convened", "post_mortem",
            "final_discussion", "request", "listed", "review", "scr_referral", "closure"),
    steps=(
        Step("triage", "Triaged", ("triage", "transfer_pending"), branch_on="death",
             branches=(Branch("unexpected", "rapid_response"),
                       Branch("expected", "agency_reports")),
             options=(Option("death", "how the death is classified", kind="choice",
                             choices=("expected", "unexpected"), required=True), NOTE),
             records="triage", meets=("triage",), effect=triage,
             needs="--death expected|unexpected"),
        Step("transfer", "Transferred to the panel of the child's home area",
             ("triage", "transfer_pending"), "transferred",
             options=(Option("to_panel", "the panel it went to", required=True), NOTE),
             effect=transfer, needs="--to-panel"),
        Step("convene_team", "Rapid response team convened", ("rapid_response",),
             options=(Option("paediatrician", "the designated paediatrician", required=True),
                      Option("police", "the police officer", required=True),
                      Option("social_care", "the children's social care lead",
                             required=True)),
             records="team_convened", effect=convene_team,
             needs="--paediatrician, --police, --social-care"),
        Step("record_home_visit", "Joint home visit made", ("rapid_response",),
             options=(NOTE,), meets=("home_visit",)),
        Step("record_information_sharing", "Initial information-sharing meeting held",
             ("rapid_response",), options=(NOTE,), meets=("information_sharing",)),
        Step("await_post_mortem", "Waiting for the post-mortem", ("rapid_response",),
             "post_mortem", options=(NOTE,), preconditions=(team_recorded,),
             needs="team convened, home visit and meeting recorded"),
        Step("receive_post_mortem", "Post-mortem findings received", ("post_mortem",),
             "final_discussion",
             options=(Option("findings", "what the post-mortem found"),
                      Option("none_held", "the coroner held no post-mortem", kind="flag")),
             guards=(findings_or_none,), records="post_mortem", effect=post_mortem,
             needs="--findings, or --none-held"),
        Step("hold_final_discussion", "Final local case discussion held; draft Form C",
             ("final_discussion",), "agency_reports", options=(NOTE,),
             records="final_discussion", meets=("final_discussion",)),
        *REPORT_STEPS,
        Step("ready_for_panel", "Listed for the next CDOP meeting", ("agency_reports",),
             "awaiting_panel",
             options=(Option("no_reports_reason", "why no Form B was needed"),),
             preconditions=(all_reports_in,), guards=(some_reports_or_reason, meeting_scheduled),
             records="listed", effect=list_for_panel,
             needs="every Form B received or waived; a meeting scheduled"),
        Step("defer", "Deferred to the following CDOP meeting", ("awaiting_panel",),
             options=(Option("reason", "why the panel deferred it", required=True),),
             guards=(later_meeting_scheduled,), effect=defer, moves=("panel_review",),
             needs="--reason"),
        Step("review", "Reviewed by the panel (Form C)", ("awaiting_panel",), "reviewed",
             options=(
                 Option("category", "category of death (the highest that applies)",
                        kind="choice", choices=tuple(CATEGORIES), required=True),
                 *(Option(d, f"score 0-3 for {text}", kind="choice", choices=SCORES,
                          required=True) for d, text in DOMAINS.items()),
                 Option("preventable", "reviews before 1 April 2010: was it preventable",
                        kind="choice", choices=YES_NO),
                 Option("modifiable", "reviews from 1 April 2010: modifiable factors found",
                        kind="choice", choices=YES_NO),
                 Option("recommendation", "a recommendation (repeatable)", multiple=True)),
             guards=(at_the_meeting, preventable_or_modifiable), records="review",
             meets=("panel_review",),
             effect=review,
             needs="--category, --intrinsic/--parenting/--environment/--services 0-3, "
                   "--preventable (before Apr 2010) or --modifiable"),
        REFERRAL,
        Step("close", "Review closed", ("reviewed",), "closed", options=(NOTE,),
             records="closure"),
    ),
)
CDR.check()
