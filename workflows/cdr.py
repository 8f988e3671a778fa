"""Child death review under Working Together 2006, chapter 7 (DOMAIN.md §2), from 1 April 2008.

    notification (Form A) opens the case at triage, or at transfer_pending when the child lived
    in another panel's area
    triage ─triage→ rapid_response (unexpected) | agency_reports (expected) ; ─transfer→ transferred
    transfer_pending ─transfer→ transferred ; ─triage→ as above, when the child lived here
    rapid_response ─await_post_mortem→ post_mortem ─receive_post_mortem→ final_discussion
    final_discussion ─hold_final_discussion→ agency_reports
    agency_reports ─ready_for_panel→ awaiting_panel ─review (Form C)→ reviewed ─close→ closed
    reviewed ─submit_ncmd→ reviewed: owed by a review completed from 1 April 2019
    (Form B requests, receipts and waivers, and a referral for an SCR, run alongside)

Deadlines (defaults; a board overrides them in its config file):
    notification          24 hours after the death          met by the notification itself
    triage                1 working day after notification  met by triage
    home_visit            24 hours after notification       (unexpected deaths)
    information_sharing   1 working day after notification  (unexpected deaths)
    final_discussion      12 weeks after the death          (unexpected deaths)
    form_b                15 working days after the request, one per agency
    panel_review          the date of the CDOP meeting the case is listed for
    ncmd                  the 31 March after a review completed from 1 April 2019 (the NCMD
                          takes every death still open on that day: the transitional rule)
"""

from __future__ import annotations

import datetime as dt

from workflows import cdr_figures
from workflows.cdr_kit import (
    AGE_BANDS,
    CATEGORIES,
    INTAKE_OPTIONS,
    NCMD,
    NCMD_EXPORT,
    NOTE,
    PANEL_REVIEW,
    SUBMIT_NCMD,
    YES_NO,
    agency_steps,
    at_the_meeting,
    died_before_notification,
    findings_or_none,
    ncmd_submitted,
    notification,
    notified_twice,
    owe_ncmd,
    panel_steps,
    post_mortem,
    transfer,
    waive_open,
)
from workflows.definition import (
    Branch,
    CaseLike,
    Deadline,
    Intake,
    Option,
    Options,
    Stage,
    Step,
    Workflow,
    open_deadlines,
)

__all__ = ["AGE_BANDS", "CATEGORIES", "CDR"]

DOMAINS = {  # Form C's four domains, each scored 0-3
    "intrinsic": "factors intrinsic to the child",
    "parenting": "factors in parenting capacity",
    "environment": "factors in the family and environment",
    "services": "factors in service provision",
}
SCORES = ("0", "1", "2", "3")
# The national returns asked whether a death was "preventable" for reviews completed before
# 1 April 2010, and whether it had "modifiable factors" for reviews from that date.
MODIFIABLE_FROM = dt.date(2010, 4, 1)
RAPID_RESPONSE = ("home_visit", "information_sharing", "final_discussion")
REPORTING = ("rapid_response", "post_mortem", "final_discussion", "agency_reports")
OPEN_STAGES = (*REPORTING, "awaiting_panel", "reviewed")


# Guards: each returns the board's reason for refusing, or None.

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
        waive_open(case, RAPID_RESPONSE, "classified expected at triage")


def convene_team(case: CaseLike, opts: Options) -> None:
    case.record(rapid_response_team={role: opts[role] for role in
                                     ("paediatrician", "police", "social_care")})


def review(case: CaseLike, opts: Options) -> None:
    case.record(category=opts["category"],
                factors={d: int(opts[d]) for d in DOMAINS},
                recommendations=opts["recommendation"],
                **({"preventable": opts["preventable"]} if opts.get("preventable") else
                   {"modifiable": opts["modifiable"]}))
    owe_ncmd(case)


def refer_for_scr(case: CaseLike, opts: Options) -> None:
    reference = case.open_linked("scr", note=opts["reason"], referral_reason=opts["reason"])
    case.record(scr_referral=reference)


INTAKE = Intake(
    options=INTAKE_OPTIONS, prepare=notification(RAPID_RESPONSE),
    guards=(died_before_notification,), duplicate_on=("died_on", "age_band"),
    duplicate_message=notified_twice)


REFERRAL = Step(
    "refer_for_scr", "Referred for a serious case review", ("triage", *OPEN_STAGES),
    options=(Option("reason", "why the SCR criteria may be met", required=True),),
    guards=(not_yet_referred,), records="scr_referral", effect=refer_for_scr, needs="--reason")
REPORT_STEPS = agency_steps("form_b", "Form B", REPORTING)

CDR = Workflow(
    key="cdr", version="2008.1", kind="cdr", kind_name="child death review",
    title="Child death review (Working Together 2006, chapter 7)", short_title="WT2006",
    key_date="death", in_force_from=dt.date(2008, 4, 1),
    in_force_source="LSCB child death functions from 1 April 2008 [P] SI 2006/90 reg 6",
    escalation_role="cdop_chair", roles={"cdop_chair": "CDOP chair"}, intake=INTAKE,
    figures=cdr_figures.figures(tuple(CATEGORIES), MODIFIABLE_FROM), export=NCMD_EXPORT,
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
        PANEL_REVIEW,
        NCMD,
    ),
    initial_records="notification",
    initial_opens=("notification", "triage"),
    events=("death", "notification", "triage", "team_convened", "post_mortem",
            "final_discussion", "request", "listed", "review", "scr_referral", "ncmd", "closure"),
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
             effect=transfer(RAPID_RESPONSE), needs="--to-panel"),
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
        *panel_steps("agency_reports", "form_b", "Form B", "request_reports"),
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
        SUBMIT_NCMD,
        Step("close", "Review closed", ("reviewed",), "closed", options=(NOTE,),
             preconditions=(ncmd_submitted,), records="closure"),
    ),
)
CDR.check()
