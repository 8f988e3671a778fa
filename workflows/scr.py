"""The serious case review: what its three versions (WT2006, WT2010, WT2013/15) share.

Each version is its own module (`scr2006`, `scr2010`, `scr2013`) holding its timescales, their
sources and strengths, and its differences; this module holds the stages, steps, guards and
effects common to them (DOMAIN.md §1, REGIMES.md §2-3). The WT2006 shape:

    screening ─recommend→ decision ─decide→ notification ─notify_inspectorate→ panel_formation
                                      ├──(non-statutory)──────────────────────→ panel_formation
                                      └──(no review)→ no_review
    panel_formation ─form_panel→ terms_of_reference ─commission_imrs→ imrs
    imrs ─commission_overview→ overview ─submit_overview→ endorsement ─endorse→ publication
    publication ⇄ publication_held (hold / release) ; publication ─publish→ implementation
    implementation ─close→ closed       (the six-month audit and the actions run alongside)

The deadlines each version sets are in its module; a board overrides their durations in its
config file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from workflows import actions, scr_figures
from workflows.definition import (
    Branch,
    CaseLike,
    Deadline,
    Effect,
    Intake,
    Option,
    Options,
    Stage,
    Step,
    record_options,
)
from workflows.formats import short
from workflows.requests import all_answered, answer_awaited, ask, asked_once, receive, waive

CRITERIA = {
    "death": "the child died and abuse or neglect is known or suspected to be a factor",
    "life_threatening_injury": "potentially life-threatening injury through abuse or neglect",
    "permanent_impairment": "serious and permanent impairment of health or development",
    "sexual_abuse": "particularly serious sexual abuse",
    "parent_murdered": "a parent murdered and a domestic homicide review initiated",
    "killed_by_parent_mental_illness": "the child killed by a parent with a mental illness",
    "inter_agency_concerns": "the case gives rise to concerns about inter-agency working",
}
OUTCOMES = ("scr", "non_statutory", "no_review")
FIGURES = scr_figures.figures({"scr": "serious case review",
                               "non_statutory": "non-statutory review",
                               "no_review": "no review"})
AFTER_ENDORSEMENT = ("publication", "publication_held", "implementation")

NOTE = actions.NOTE


# Guards: each returns the board's reason for refusing, or None.

imr_not_yet_commissioned = asked_once("imr", "an IMR has already been commissioned")
imr_awaited = answer_awaited("imr", "IMR")
all_imrs_in = all_answered("imr", "every commissioned IMR must be received or formally waived "
                                  "before the overview report")


ALWAYS = ("a child died and abuse or neglect is known or suspected: the board always holds "
          "a serious case review (Working Together 2006, 8.9)")


def death_means_scr(case: CaseLike, opts: Options) -> str | None:
    """For the panel's recommendation and the chair's decision alike. A decision that names
    no criteria of its own stands on the panel's."""
    chosen = opts.get("outcome") or opts.get("recommendation")
    criteria = opts.get("criteria") or case.data.get("recommended_criteria", ())
    if "death" in criteria and chosen != "scr":
        if opts.get("criteria"):
            return ALWAYS
        return (f"{ALWAYS}; the panel recorded this criterion (give the criteria that do "
                "apply with --criteria if it no longer does)")
    return None


def scr_needs_criteria(case: CaseLike, opts: Options) -> str | None:
    if opts.get("outcome") == "scr" and not opts.get("criteria"):
        return "a serious case review needs the criteria it meets (--criteria)"
    return None


# Effects: what a step does beyond moving stage and opening/meeting its deadlines.

def commission(case: CaseLike, opts: Options) -> None:
    if opts.get("terms"):
        case.record(terms_of_reference=opts["terms"],
                    records_secured=bool(opts.get("records_secured")))
    ask("imr")(case, opts)


def endorse(case: CaseLike, opts: Options) -> None:
    if opts.get("no_actions_reason"):
        case.record(no_actions_reason=opts["no_actions_reason"])


# The 10 June 2010 letter (Loughton) changed what is published for reviews *initiated* from
# that day, whatever chapter 8 their referral ran under: the rule's selection key is the
# initiation (decision) date, not the referral's (REGIMES.md §1) [S Knowsley SIRG 8.1; CYP Now
# 15 Sep 2010]. So WT2006 carries it too, for the rare review decided that late.
OVERVIEW_PUBLISHED_FROM = dt.date(2010, 6, 10)
OVERVIEW = "the overview report, anonymised (reviews initiated from 10 June 2010)"
SUMMARY = "the executive summary (reviews initiated before 10 June 2010)"


def what_is_published(*, record_summary: bool = True) -> Effect:
    """An effect for `decide`: a review is initiated by the decision to hold it, and that
    day says what is published. A version whose stages already say "executive summary"
    records only the overview (`record_summary=False`)."""
    def effect(case: CaseLike, opts: Options) -> None:
        if opts["outcome"] == "no_review":
            return
        if case.effective_on >= OVERVIEW_PUBLISHED_FROM:
            case.record(publishes=OVERVIEW)
        elif record_summary:
            case.record(publishes=SUMMARY)
    return effect


def keep_published(months: int):
    """An effect for `publish`: the date until which the report must stay on the board's
    website (WT2013/15: at least 12 months)."""
    def effect(case: CaseLike, opts: Options) -> None:
        case.record(keep_published_until=_months_after(case.effective_on, months).isoformat())
    return effect


def _months_after(day: dt.date, months: int) -> dt.date:
    """Month arithmetic that clamps to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def publication_notes(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """What `case show` says of the published report, where the version records it: for
    each fact of the record it reads, the line that says it."""
    notes = {}
    if data.get("publishes"):
        notes["publishes"] = ("Publishes", data["publishes"])
    if data.get("keep_published_until"):
        until = dt.date.fromisoformat(data["keep_published_until"])
        notes["keep_published_until"] = ("Keep published until", f"{short(until)} at least")
    return notes


# The parts every version shares.

STAGES = (
    Stage("screening", "Screening against the SCR criteria"),
    Stage("decision", "Awaiting the chair's decision"),
    Stage("notification", "Notifying the inspectorate of the decision"),
    Stage("panel_formation", "Forming the review panel"),
    Stage("terms_of_reference", "Terms of reference; commissioning IMRs"),
    Stage("imrs", "Individual management reviews awaited"),
    Stage("overview", "Overview report and executive summary"),
    Stage("endorsement", "Board endorsement and action plan"),
    Stage("publication", "Publication of the executive summary"),
    Stage("publication_held", "Publication held"),
    Stage("implementation", "Action plan implementation"),
    Stage("closed", "Closed", final=True),
    Stage("no_review", "Closed: no review", final=True),
)
EVENTS = ("referral", "recommendation", "decision", "notification", "panel_formed",
          "commissioning", "overview_commissioned", "overview_submitted", "endorsement",
          "publication", "audit", "closure")
ACTION_DEADLINE = actions.ACTION_DEADLINE
IMR_DEADLINE = Deadline("imr", "Individual management review", "6 weeks", "commissioning",
                        per_agency=True, strength="default",
                        source="set per agency by the panel (DOMAIN.md §1)")
PANEL_DEADLINE = Deadline("panel", "Review panel formed", "20 working days", "decision")
AUDIT_DEADLINE = Deadline(
    "audit", "Six-month audit of the action plan", "6 months", "endorsement", strength="local",
    source="Kent and Medway LSCB, seed 002 objective 3.3 [L]")
INTAKE = Intake(options=(
    Option("referred_by", "the agency that referred the serious incident", kind="agency"),))
ROLES = {"scr_panel_chair": "SCR panel chair"}


def common(**differences: Any) -> dict[str, Any]:
    """What every version of the SCR is, with a version's own differences on top."""
    return {"key": "scr", "kind": "scr", "kind_name": "serious case review",
            "initial_records": "referral", "initial_opens": ("decision",), "events": EVENTS,
            "stages": STAGES, "key_date": "referral", "escalation_role": "scr_panel_chair",
            "roles": ROLES, "intake": INTAKE, "figures": FIGURES, **differences}


NOTIFY = Step(
    "notify_inspectorate", "Inspectorate notified", ("notification",), "panel_formation",
    options=(Option("to", "who was notified (default: Ofsted and the Government Office)"),
             NOTE),
    records="notification", meets=("notification",), effect=record_options(to="notified"),
    needs="--to (optional)")
NO_REVIEW = Branch("no_review", "no_review")


def steps(*, notify: Step = NOTIFY, no_review: Branch = NO_REVIEW,
          decided: Effect | None = None, publish: Step | None = None,
          extra: tuple[Step, ...] = ()) -> tuple[Step, ...]:
    """The SCR's steps, with a version's own notification, no-review branch, decision effect
    and publication step."""
    decided_effect = record_options(outcome="outcome", criteria="criteria",
                                    rationale="rationale", chair="decided_by")

    def decide_effect(case: CaseLike, opts: Options) -> None:
        decided_effect(case, opts)
        if decided is not None:
            decided(case, opts)

    return (
        Step("recommend", "Panel recommends to the chair", ("screening",), "decision",
             options=(
                 Option("recommendation", "what the panel recommends", kind="choice",
                        choices=OUTCOMES, required=True),
                 Option("criteria", "criteria met (repeatable)", kind="choice",
                        choices=tuple(CRITERIA), multiple=True),
                 NOTE),
             guards=(death_means_scr,), records="recommendation",
             effect=record_options(recommendation="recommendation",
                                   criteria="recommended_criteria"),
             needs="--recommendation scr|non_statutory|no_review"),
        Step("decide", "Chair decides", ("decision",), branch_on="outcome",
             branches=(
                 Branch("scr", "notification", ("notification", "panel", "completion")),
                 Branch("non_statutory", "panel_formation", ("panel", "completion")),
                 no_review,
             ),
             options=(
                 Option("outcome", "the chair's decision", kind="choice", choices=OUTCOMES,
                        required=True),
                 Option("criteria", "criteria that apply (repeatable)", kind="choice",
                        choices=tuple(CRITERIA), multiple=True),
                 Option("rationale", "why: recorded for the board and the inspectorate",
                        required=True),
                 Option("chair", "the board chair who decided", required=True)),
             guards=(death_means_scr, scr_needs_criteria),
             records="decision", meets=("decision",), effect=decide_effect,
             needs="--outcome, --rationale, --chair; --criteria for an SCR"),
        notify,
        Step("form_panel", "Review panel formed", ("panel_formation",), "terms_of_reference",
             options=(
                 Option("chair", "the panel's independent chair", required=True),
                 Option("member", "a member: name, role and agency (repeatable)",
                        required=True, multiple=True),
                 Option("conflicts", "conflicts of interest declared (or 'none')",
                        required=True)),
             records="panel_formed", meets=("panel",),
             effect=record_options(chair="panel_chair", member="panel_members",
                                   conflicts="conflicts_declared"),
             needs="--chair, --member (repeat), --conflicts"),
        Step("commission_imrs", "Terms of reference agreed; IMRs commissioned",
             ("terms_of_reference",), "imrs",
             options=(
                 Option("terms", "the terms of reference (document reference or summary)",
                        required=True),
                 Option("agency", "an agency asked for an IMR, CODE or CODE=DUE-DATE "
                                  "(repeatable)", kind="agency_due", required=True,
                        multiple=True),
                 Option("records_secured", "the agencies' records have been secured",
                        kind="flag")),
             guards=(imr_not_yet_commissioned,), records="commissioning", effect=commission,
             needs="--terms, --agency CODE[=DATE] (repeat)"),
        Step("commission_imr", "A further IMR commissioned", ("imrs",),
             options=(Option("agency", "CODE or CODE=DUE-DATE (repeatable)",
                             kind="agency_due", required=True, multiple=True),),
             guards=(imr_not_yet_commissioned,), effect=commission,
             needs="--agency CODE[=DATE]"),
        Step("receive_imr", "IMR received", ("imrs",),
             options=(Option("agency", "the agency whose IMR arrived", kind="asked_agency",
                             required=True), NOTE),
             guards=(imr_awaited,), effect=receive("imr"), needs="--agency CODE"),
        Step("waive_imr", "IMR formally waived", ("imrs",),
             options=(Option("agency", "the agency", kind="asked_agency", required=True),
                      Option("reason", "why the panel waived it", required=True)),
             guards=(imr_awaited,), effect=waive("imr"), needs="--agency CODE, --reason"),
        Step("commission_overview", "Overview report commissioned", ("imrs",), "overview",
             options=(Option("author", "the independent overview author", required=True),),
             preconditions=(all_imrs_in,), records="overview_commissioned",
             effect=record_options(author="overview_author"),
             needs="--author; every IMR received or waived"),
        actions.add_step(("overview", "endorsement", *AFTER_ENDORSEMENT)),
        Step("submit_overview", "Overview report and executive summary submitted",
             ("overview",), "endorsement", options=(NOTE,), records="overview_submitted"),
        Step("endorse", "Board endorses the overview report and action plan",
             ("endorsement",), "publication",
             options=(Option("no_actions_reason", "why the plan has no actions"), NOTE),
             guards=(actions.has_action_plan,), records="endorsement", meets=("completion",),
             opens=("audit",), effect=endorse,
             needs="at least one action, or --no-actions-reason"),
        Step("hold_publication", "Publication held", ("publication",), "publication_held",
             options=(Option("reason", "e.g. criminal proceedings", required=True),),
             effect=record_options(reason="publication_held_for"), needs="--reason"),
        Step("release_publication", "Hold on publication lifted", ("publication_held",),
             "publication", options=(NOTE,),
             effect=lambda case, opts: case.record(publication_held_for=None)),
        publish or Step("publish", "Executive summary published", ("publication",),
                        "implementation", options=(NOTE,), records="publication"),
        *actions.tracking_steps(AFTER_ENDORSEMENT),
        actions.close_step("implementation"),
        *extra,
    )


def retitled(stages: tuple[Stage, ...] = STAGES, **titles: str) -> tuple[Stage, ...]:
    """The stages with some of them named as a version names them."""
    return tuple(Stage(s.name, titles.get(s.name, s.title), s.final, s.awaits) for s in stages)
