"""Child safeguarding practice review: what its versions (WT2018, WT2023) share (REGIMES.md §4).

    notification ─notify_panel→ rapid_review ─send_report→ panel_response
        └─withdraw (not a serious incident)→ withdrawn   (also from rapid_review)
    rapid_review: request/receive/waive agency summaries, hold_meeting, decide (reg 11)
    panel_response: record_panel_response; then by the decision and the Panel's answer
        commission_lcspr→ lcspr | close_no_lcspr→ no_lcspr | refer_national→ national_review
        | reopen_decision (the Panel disagreed)→ rapid_review
    lcspr (monitoring, reg 14) ─plan_publication→ publication ⇄ publication_held
    publication ─publish→ implementation ─close→ closed   (the action plan as the SCR's)

A notification with the awareness day, incident area and age band of an open one is refused
unless the coordinator confirms it is another (`--different-child`, as for a child's death).
A version's own module adds what differs (WT2023: a care leaver's death). Timescales, their
sources and strengths are below; a board changes a duration, or the rapid review's disputed
anchor, in its config file ([timescales.cspr] rapid_review = { anchor = "aware" }).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from workflows import actions, cspr_figures
from workflows.children import AGE_BANDS
from workflows.definition import (
    CaseLike,
    Deadline,
    IntakeLike,
    Opening,
    Option,
    Options,
    Stage,
    Step,
    open_deadlines,
    record_options,
    still_open,
)
from workflows.formats import short
from workflows.requests import all_answered, answer_awaited, ask, asked_once, receive, waive

NATURES = ("death", "serious_harm")
OUTCOMES = ("lcspr", "no_lcspr", "national_review")
RESPONSES = ("agrees", "disagrees", "national_review")
CRITERIA = {  # SI 2018/789 reg 11 [P]
    "improvements_needed": "improvements needed to safeguard children, incl. ones already "
                           "identified",
    "recurrent_themes": "recurrent themes in safeguarding children",
    "agencies_working_together": "concerns about two or more agencies working together",
    "panel_view": "the Panel concluded a local review may be more appropriate",
}
HOLD_REASONS = ("criminal_proceedings", "inquest", "other")
REQUESTED = ("none", "information", "draft_report")  # reg 14: asked for in writing
MAX_CHILDREN = 4  # one notification, up to four children [P gov.uk]
NOTE = actions.NOTE
LONDON = ZoneInfo("Europe/London")
AFTER_PUBLICATION_PLANNED = ("publication", "publication_held", "implementation")


# Guards: each returns the board's reason for refusing, or None.

summary_not_yet_requested = asked_once("summary", "a summary has already been requested")
summary_awaited = answer_awaited("summary", "summary of involvement")
all_summaries_in = all_answered("summary", "every agency summary must be received or waived "
                                           "before the partners decide")


def meeting_held(case: CaseLike, opts: Options) -> str | None:
    if not case.data.get("rapid_review_meeting"):
        return "the rapid review meeting has not been held (hold_meeting)"
    return None


def lcspr_needs_criteria(case: CaseLike, opts: Options) -> str | None:
    if opts.get("outcome") == "lcspr" and not opts.get("criteria"):
        return "a local review needs the reg 11 criteria it meets (--criteria)"
    return None


def decided(case: CaseLike, opts: Options) -> str | None:
    if not case.data.get("decision"):
        return "the partners have not decided whether to hold a local review (decide)"
    return None


def answered(*pairs: tuple[str, str]):
    """A precondition: the decision and the Panel's response are one of `pairs`."""
    def guard(case: CaseLike, opts: Options) -> str | None:
        now = (case.data.get("decision"), case.data.get("panel_response"))
        if now in pairs:
            return None
        if now[1] is None:
            return "the Panel's response has not been recorded (record_panel_response)"
        return (f"the partners decided {now[0]} and the Panel {now[1]}: "
                + " or ".join(f"this step needs {d} and the Panel {r}" for d, r in pairs))
    return guard


def panel_disagreed(case: CaseLike, opts: Options) -> str | None:
    if case.data.get("panel_response") != "disagrees":
        return "only a Panel that disagrees reopens the decision"
    return None


report_not_yet_sent = still_open(
    "final_report", "the final report has already been sent to the Panel and the Secretary "
                    "of State")


def final_report_sent(case: CaseLike, opts: Options) -> str | None:
    if open_deadlines(case, "final_report"):
        return ("the final report must be sent to the Panel and the Secretary of State before "
                "publication (send_final_report)")
    return None


def not_in_the_past(case: CaseLike, opts: Options) -> str | None:
    if opts["date"] < case.effective_on:
        return "the planned publication date is before the day it is planned"
    return None


# Effects.

def withdraw(case: CaseLike, opts: Options) -> None:
    case.record(withdrawn_reason=opts["reason"])
    for kind in ("notification", "care_leaver_notification", "rapid_review", "summary"):
        for row in open_deadlines(case, kind):
            case.close_deadline(kind, agency=row.agency_code, status="waived",
                                note=f"withdrawn: {opts['reason']}")


def reopen(case: CaseLike, opts: Options) -> None:
    earlier = list(case.data.get("earlier_decisions", []))
    earlier.append({"decision": case.data.get("decision"), "panel": "disagrees",
                    "reopened_because": opts["reason"]})
    case.record(earlier_decisions=earlier, decision=None, panel_response=None)


def monitor(case: CaseLike, opts: Options) -> None:
    checks = list(case.data.get("monitoring", []))
    checks.append({"on": case.effective_on.isoformat(), "check": opts["check"],
                   "requested": opts["requested"] or "none"})
    case.record(monitoring=checks)


# The notification: what opening a case asks for.

def children(opts: Options) -> list[dict[str, str]]:
    """The other children as `PSEUDONYM=AGE_BAND`, parsed (the guard has checked them)."""
    found = []
    for text in opts.get("other_child") or ():
        pseudonym, _, band = text.rpartition("=")
        found.append({"pseudonym": pseudonym.strip(), "age_band": band.strip().lower()})
    return found


def aware_not_after_opening(intake: IntakeLike, opts: Options) -> str | None:
    if opts["aware"] > intake.effective_on:
        return "--aware is after the day the case is opened: the authority was aware first"
    return None


def children_given(intake: IntakeLike, opts: Options) -> str | None:
    others = opts.get("other_child") or []
    if 1 + len(others) > MAX_CHILDREN:
        return (f"one notification covers at most {MAX_CHILDREN} children ({1 + len(others)} "
                "given): notify the others in a further notification")
    for text in others:
        pseudonym, sep, band = text.rpartition("=")
        if not sep or not pseudonym.strip() or band.strip().lower() not in AGE_BANDS:
            return (f"--other-child {text!r}: give PSEUDONYM=AGE_BAND, the age band one of "
                    f"{', '.join(AGE_BANDS)} (never a name or date of birth)")
    if not opts.get("care_leaver_age") and not opts.get("age_band"):
        return "a serious incident notification needs the child's --age-band"
    return None


def prepare(intake: IntakeLike, opts: Options) -> Opening:
    # The awareness day is kept as a fact too, so the duplicate check can match on it.
    data: dict[str, Any] = {"other_child": None, "home_area": opts.get("home_area")
                            or opts["incident_area"], "aware_on": opts["aware"].isoformat()}
    if opts.get("other_child"):
        data["other_children"] = children(opts)
    if opts.get("care_leaver_age") is not None:
        return Opening(data=data, events={"aware": opts["aware"]},
                       opens=("care_leaver_notification",), stage="care_leaver")
    return Opening(data=data, events={"aware": opts["aware"]}, opens=("notification",))


def notified_twice(reference: str, pseudonym: str, data: Mapping[str, Any]) -> str:
    """The refusal when an open notification has the same awareness day, area and band."""
    aware = dt.date.fromisoformat(data["aware_on"])
    return (f"this incident may already be notified as {reference} ({pseudonym}, aware "
            f"{short(aware)}, {data['incident_area']}, age {data['age_band']}): if it is a "
            "different child or incident, notify again with --different-child")


DUPLICATE_ON = ("aware_on", "incident_area", "age_band")
INTAKE_OPTIONS = (
    Option("aware", "when the local authority became aware of the incident", kind="date",
           required=True, event="aware"),
    Option("nature", "what happened to the child", kind="choice", choices=NATURES,
           required=True),
    Option("age_band", "the child's age band (no date of birth)", kind="choice",
           choices=AGE_BANDS),
    Option("other_child", "another child in the incident, PSEUDONYM=AGE_BAND (up to 3)",
           multiple=True),
    Option("looked_after", "the child is looked after", kind="flag"),
    Option("known_to_agency", "a child was known to any agency before the incident (a "
                              "dimension of the DfE's statistics)", kind="flag"),
    Option("incident_area", "the area where the incident happened", required=True),
    Option("home_area", "the area the child lives in (default: the incident's)"),
)


def notes(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """What `case show` says of the other children and the monitoring record."""
    found = {}
    if data.get("other_children"):
        found["other_children"] = ("Other children", ", ".join(
            f"{c['pseudonym']} ({c['age_band']})" for c in data["other_children"]))
    sent, answered = (data.get("events", {}).get(e) for e in ("report_sent", "panel_response"))
    if sent and answered and data.get("panel_response"):
        took = (_day(answered) - _day(sent)).days
        found["panel_response"] = ("Panel's response", f"{data['panel_response']}, "
                                   f"{took} days after the rapid review was sent")
    if data.get("monitoring"):
        found["monitoring"] = ("Monitoring (reg 14)", f"{len(data['monitoring'])} check(s), "
                               f"last {data['monitoring'][-1]['on']}")
    return found


def _day(stamp: str) -> dt.date:
    """An event's stamp (UTC) as its day in England."""
    return dt.datetime.fromisoformat(stamp).astimezone(LONDON).date()


# The timescales every version shares.

NOTIFICATION = Deadline(
    "notification", "Serious incident notified to the Panel and the partners",
    "5 working days", "aware", strength="should",
    source="gov.uk 'Report a serious child safeguarding incident'; duty: Children Act 2004 "
           "s.16C [P] - high")
RAPID_REVIEW = Deadline(
    "rapid_review", "Rapid review sent to the Panel", "15 working days", "notification_sent",
    strength="expected",
    source="Panel FAQ [P]; anchor disputed: the notification sent (Cambs [S]) or awareness "
           "(Trafford [S]) - a board may set it")
SUMMARY = Deadline(
    "summary", "Agency summary of involvement", "9 working days", "summaries_requested",
    per_agency=True, strength="local",
    source="Devon & Torbay flowchart: asked day 1, in by day 10 [L]")
COMPLETION = Deadline(
    "completion", "Local review complete and published", "6 months", "decision",
    strength="should",
    source="'publish within 6 months of initiation': Trafford 2020 [S]; WT2018/2023 wording "
           "not read - medium")
FINAL_REPORT = Deadline(
    "final_report", "Final report sent to the Panel and the Secretary of State",
    "7 working days", "publication", before=True, strength="default",
    source="advance notice: Trafford [S]; the figure 7 working days not found [M] - "
           "low-medium")
AUDIT = Deadline(
    "audit", "Six-month audit of the action plan", "6 months", "publication", strength="default",
    source="SCR practice carried over (Kent and Medway LSCB [L]); no CSPR figure found")
DEADLINES = (NOTIFICATION, RAPID_REVIEW, SUMMARY, COMPLETION, FINAL_REPORT, AUDIT,
             actions.ACTION_DEADLINE)
EVENTS = ("aware", "recorded", "notification_sent", "summaries_requested",
          "rapid_review_meeting", "decision", "report_sent", "panel_response", "commissioned",
          "publication", "final_report_sent", "audit", "closure", "withdrawn")
STAGES = (
    Stage("notification", "Serious incident: notifying the Panel"),
    Stage("rapid_review", "Rapid review"),
    Stage("panel_response", "Rapid review sent: awaiting the Panel's response",
          awaits="the Panel's response: no national timescale found"),
    Stage("lcspr", "Local child safeguarding practice review"),
    Stage("publication", "Publication of the local review"),
    Stage("publication_held", "Publication held"),
    Stage("implementation", "Action plan implementation"),
    Stage("closed", "Closed", final=True),
    Stage("withdrawn", "Withdrawn: not a serious incident", final=True),
    Stage("no_lcspr", "Closed: no local review", final=True),
    Stage("national_review", "Closed here: the Panel holds a national review", final=True),
)
ROLES = {"partners_chair": "Safeguarding partners' chair"}
FIGURES = cspr_figures.figures({"lcspr": "a local review (LCSPR)",
                                "no_lcspr": "no local review",
                                "national_review": "for a national review"})


def common(**differences: Any) -> dict[str, Any]:
    """What every version of the CSPR is, with a version's own differences on top."""
    return {"key": "cspr", "kind": "cspr", "kind_name": "child safeguarding practice review",
            "initial_records": "recorded", "events": EVENTS, "stages": STAGES,
            "key_date": "aware", "escalation_role": "partners_chair", "roles": ROLES,
            "deadlines": DEADLINES, "notes": notes, "figures": FIGURES,
            "labels": {"incident_area": "Incident area", "home_area": "Home area",
                       "aware_on": "Authority aware on", "known_to_agency": "Known to "
                       "any agency", "confirmed_different_child": "Confirmed not a "
                       "duplicate"},
            **differences}


# The steps every version shares.

WITHDRAW = Step(
    "withdraw", "Withdrawn: found not to meet the criteria for a notification",
    ("notification", "rapid_review"), "withdrawn",
    options=(Option("reason", "why it does not meet the criteria", required=True),),
    records="withdrawn", effect=withdraw, needs="--reason")
PUBLICATION_DATE = Option("date", "the planned publication date", kind="date", required=True,
                          event="publication")


def steps(*, withdraw_from: tuple[str, ...] = (), extra: tuple[Step, ...] = ()
          ) -> tuple[Step, ...]:
    """The CSPR's steps; a version adds stages the withdrawal runs from, and its own steps."""
    withdrawal = replace(WITHDRAW, sources=(*WITHDRAW.sources, *withdraw_from))
    return (
        Step("notify_panel", "Serious incident notified to the Panel and the partners",
             ("notification",), "rapid_review", options=(NOTE,), records="notification_sent",
             meets=("notification",), opens=("rapid_review",),
             needs="within 5 working days of becoming aware"),
        withdrawal,
        Step("request_summaries", "Agencies asked for summaries of involvement",
             ("rapid_review",),
             options=(Option("agency", "an agency asked, CODE or CODE=DUE-DATE",
                             kind="agency_due", required=True, multiple=True),),
             guards=(summary_not_yet_requested,), records="summaries_requested",
             effect=ask("summary"), needs="--agency CODE[=DATE] (repeat)"),
        Step("receive_summary", "Agency summary received", ("rapid_review",),
             options=(Option("agency", "whose summary arrived", kind="asked_agency",
                             required=True), NOTE),
             guards=(summary_awaited,), effect=receive("summary"), needs="--agency CODE"),
        Step("waive_summary", "Agency summary waived", ("rapid_review",),
             options=(Option("agency", "the agency", kind="asked_agency", required=True),
                      Option("reason", "why it is not needed", required=True)),
             guards=(summary_awaited,), effect=waive("summary"), needs="--agency CODE, --reason"),
        Step("hold_meeting", "Rapid review meeting held", ("rapid_review",),
             options=(Option("attended", "who attended: role and agency",
                             multiple=True), NOTE),
             records="rapid_review_meeting",
             effect=lambda case, opts: case.record(rapid_review_meeting=case.effective_on,
                                                   **({"attended": opts["attended"]}
                                                      if opts["attended"] else {}))),
        Step("decide", "Partners decide whether to hold a local review", ("rapid_review",),
             options=(
                 Option("outcome", "the partners' decision", kind="choice", choices=OUTCOMES,
                        required=True),
                 Option("criteria", "reg 11 criteria met", kind="choice",
                        choices=tuple(CRITERIA), multiple=True),
                 Option("rationale", "why: sent to the Panel with the rapid review",
                        required=True),
                 Option("decided_by", "the partners who decided", required=True)),
             preconditions=(meeting_held, all_summaries_in), guards=(lcspr_needs_criteria,),
             records="decision",
             effect=record_options(outcome="decision", criteria="criteria", rationale="rationale",
                         decided_by="decided_by"),
             needs="--outcome, --rationale, --decided-by; --criteria for a local review"),
        Step("send_report", "Rapid review report sent to the Panel", ("rapid_review",),
             "panel_response", options=(NOTE,), preconditions=(decided,),
             records="report_sent", meets=("rapid_review",), needs="a decision recorded"),
        Step("record_panel_response", "The Panel's response recorded", ("panel_response",),
             options=(Option("response", "what the Panel said", kind="choice",
                             choices=RESPONSES, required=True),
                      Option("reasons", "the Panel's reasons, if given"), NOTE),
             records="panel_response",
             effect=record_options(response="panel_response", reasons="panel_reasons"),
             needs="--response agrees|disagrees|national_review"),
        Step("reopen_decision", "Decision reopened after the Panel disagreed",
             ("panel_response",), "rapid_review",
             options=(Option("reason", "what the partners will reconsider", required=True),),
             preconditions=(panel_disagreed,), effect=reopen, needs="--reason"),
        Step("commission_lcspr", "Local review commissioned", ("panel_response",), "lcspr",
             options=(Option("reviewer", "a reviewer", required=True,
                             multiple=True),
                      Option("terms", "the terms of reference (reference or summary)",
                             required=True)),
             preconditions=(answered(("lcspr", "agrees")),), records="commissioned",
             opens=("completion",),
             effect=record_options(reviewer="reviewers", terms="terms_of_reference"),
             needs="--reviewer (repeat), --terms; the Panel agreed"),
        Step("close_no_lcspr", "Closed: no local review", ("panel_response",), "no_lcspr",
             options=(NOTE,), preconditions=(answered(("no_lcspr", "agrees")),),
             records="closure", needs="the Panel agreed"),
        Step("refer_national", "Closed here: the Panel holds a national review",
             ("panel_response",), "national_review", options=(NOTE,),
             preconditions=(answered(*((d, "national_review") for d in OUTCOMES),
                                     ("national_review", "agrees")),),
             records="closure", needs="the Panel takes a national review"),
        Step("record_monitoring", "Review monitored (reg 14)",
             ("lcspr", "publication", "publication_held"),
             options=(Option("check", "what the partners checked: time and quality",
                             required=True),
                      Option("requested", "what was asked for in writing", kind="choice",
                             choices=REQUESTED), NOTE),
             effect=monitor, needs="--check"),
        actions.add_step(("lcspr", *AFTER_PUBLICATION_PLANNED)),
        Step("plan_publication", "Publication planned", ("lcspr",), "publication",
             options=(PUBLICATION_DATE,), guards=(not_in_the_past,), opens=("final_report",),
             needs="--date"),
        Step("replan_publication", "Publication date moved",
             ("publication", "publication_held"), options=(PUBLICATION_DATE, NOTE),
             guards=(not_in_the_past,), needs="--date"),
        Step("send_final_report", "Final report sent to the Panel and the Secretary of State",
             ("publication", "publication_held"), options=(NOTE,),
             preconditions=(report_not_yet_sent,), records="final_report_sent",
             meets=("final_report",)),
        Step("hold_publication", "Publication held", ("publication",), "publication_held",
             options=(Option("because", "why", kind="choice", choices=HOLD_REASONS,
                             required=True),
                      Option("reason", "the explanation given to the Panel and the SoS",
                             required=True)),
             effect=record_options(because="publication_held_for",
                                   reason="publication_held_reason"),
             needs="--because, --reason"),
        Step("release_publication", "Hold on publication lifted", ("publication_held",),
             "publication", options=(NOTE,),
             effect=lambda case, opts: case.record(publication_held_for=None,
                                                   publication_held_reason=None)),
        Step("publish", "Local review published", ("publication",), "implementation",
             options=(Option("link", "where it is published", disclosure=False), NOTE),
             preconditions=(final_report_sent,), records="publication",
             meets=("completion",), opens=("audit",), effect=record_options(link="published_at"),
             needs="the final report sent first"),
        *actions.tracking_steps(AFTER_PUBLICATION_PLANNED),
        actions.close_step("implementation"),
        *extra,
    )
