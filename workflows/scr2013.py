"""Serious case review under Working Together 2013 and 2015 (REGIMES.md §3).

    (aware) ─5 wd─ notify_ofsted: the local authority tells Ofsted and the board of the
            notifiable incident, within 5 working days of becoming aware of it
    screening ─recommend→ decision ─decide→ notification ─notify_inspectorate→ panel_formation
                                      ├──(non-statutory)──────────────────────→ panel_formation
                                      └──(no SCR)→ informing_panel ─inform_panel→ no_review
    ... then as WT2006, the review complete within 6 months of the decision, and the final
    report published and kept on the board's website for at least 12 months.

Deadlines:
    incident_notification  5 working days after the LA became aware   should [S] WT2015
    decision        1 month after the referral (the board's notification)   normally [S]
    notification    the national panel and Ofsted told of an SCR decision: no national
                    figure found; 5 working days                            default
    no_scr_notice   14 days after a decision not to hold an SCR             should [S]
    completion      6 months after the decision                             should [P]

In force for referrals from 1 March 2013: WT2013 was published in March 2013 (the day is not
sourced); WT2015 (26 March 2015) restated its SCR timescales, so one version serves both. A
board moves the date in its config file ([regimes.scr] "2013.1").

The last version: SCRs ended when the area's safeguarding partners' arrangements started, by
29 September 2019 at the latest (REGIMES.md §1); a referral after 28 September 2019 is refused
and pointed to the child safeguarding practice review. SCRs begun by then run to completion.
A board whose arrangements started earlier sets its last referral date ([regimes.scr] last).
"""

from __future__ import annotations

import datetime as dt

from workflows import scr
from workflows.definition import (
    Branch,
    Deadline,
    Intake,
    IntakeLike,
    Opening,
    Option,
    Options,
    Stage,
    Step,
    Workflow,
    record_options,
    still_open,
)
from workflows.endings import Ending

KEEP_PUBLISHED_MONTHS = 12  # [P] Hansard written answer 27 Mar 2017; [S] Nottinghamshire


def aware_first(intake: IntakeLike, opts: Options) -> Opening:
    """The local authority's awareness is its own event, on or before the referral (the
    same day when not given): the incident's notification counts from it."""
    return Opening(events={"aware": opts.get("aware") or intake.effective_on})


def aware_not_after_referral(intake: IntakeLike, opts: Options) -> str | None:
    if opts.get("aware") is not None and opts["aware"] > intake.effective_on:
        return "--aware is after the referral: the local authority was aware of it first"
    return None


# The incident is notified within 5 working days of awareness whatever the board decides and
# however fast: a decision the day after the referral must not shut the step out.
not_yet_notified = still_open("incident_notification",
                              "Ofsted and the board have already been notified of the incident")


STAGES = (*scr.retitled(notification="Telling the national panel and Ofsted of the decision",
                        publication="Publication of the final report")[:-1],
          Stage("informing_panel", "No SCR: telling the national panel why"),
          scr.STAGES[-1])
NOTIFY = Step(
    "notify_inspectorate", "National panel and Ofsted told of the decision",
    ("notification",), "panel_formation",
    options=(Option("to", "who was told (default: the national panel and Ofsted)"), scr.NOTE),
    records="notification", meets=("notification",), effect=record_options(to="notified"),
    needs="--to (optional)")
INFORM_PANEL = Step(
    "inform_panel", "National panel told of the decision not to hold an SCR, with reasons",
    ("informing_panel",), "no_review", options=(scr.NOTE,), records="panel_informed",
    meets=("no_scr_notice",))
NOTIFY_OFSTED = Step(
    "notify_ofsted", "Ofsted and the board notified of the incident",
    tuple(stage.name for stage in STAGES if not stage.final), options=(scr.NOTE,),
    preconditions=(not_yet_notified,), records="incident_notified",
    meets=("incident_notification",), needs="within 5 working days of becoming aware")
PUBLISH = Step("publish", "Final report published", ("publication",), "implementation",
               options=(scr.NOTE,), records="publication",
               effect=scr.keep_published(KEEP_PUBLISHED_MONTHS))

SCR_2013 = Workflow(**scr.common(
    version="2013.1", short_title="WT2013/15",
    title="Serious case review (Working Together 2013 and 2015)",
    in_force_from=dt.date(2013, 3, 1),
    in_force_source="WT2013 published March 2013 [P panel first annual report]; the day "
                    "(1 March) is assumed",
    ends=Ending(
        dt.date(2019, 9, 28), why="the last day safeguarding partners' arrangements could "
                                  "start",
        source="safeguarding partners' arrangements implemented by 29 Sep 2019; LSCBs and "
               "SCRs end locally when they start [S] Solihull 8.1; Nursery World; only the "
               "rapid review and LCSPR system from Oct 2019 [S] UEA/Birmingham annual review",
        succeeded_by="cspr"),
    events=("aware", "referral", "incident_notified", "recommendation", "decision",
            "notification", "panel_informed", "panel_formed", "commissioning",
            "overview_commissioned", "overview_submitted", "endorsement", "publication",
            "audit", "closure"),
    initial_opens=("decision", "incident_notification"),
    intake=Intake(options=(
        *scr.INTAKE.options,
        Option("aware", "when the local authority became aware of the incident (default: "
                        "the referral)", kind="date", event="aware")),
        prepare=aware_first, guards=(aware_not_after_referral,)),
    stages=STAGES,
    deadlines=(
        Deadline("incident_notification", "Notifiable incident notified to Ofsted and the "
                 "board", "5 working days", "aware", strength="should",
                 source="WT2015, via Warrington and Newcastle LSCB procedures [S]"),
        Deadline("decision", "Decision whether to hold a review", "1 month", "referral",
                 strength="normally", source="WT2015, quoted by Richmond LSCB [S]"),
        Deadline("notification", "National panel and Ofsted told of the decision",
                 "5 working days", "decision", source="national figure not found"),
        Deadline("no_scr_notice", "National panel told of a decision not to hold an SCR",
                 "14 days", "decision", strength="should",
                 source="national SCR panel flowchart 1 [S]"),
        scr.PANEL_DEADLINE,
        scr.IMR_DEADLINE,
        Deadline("completion", "Review complete: final report endorsed", "6 months",
                 "decision", strength="should",
                 source="Hansard written answer 27 Mar 2017 (Timpson) [P]"),
        scr.AUDIT_DEADLINE,
        scr.ACTION_DEADLINE,
    ),
    steps=scr.steps(notify=NOTIFY, no_review=Branch("no_review", "informing_panel",
                                                    ("no_scr_notice",)),
                    publish=PUBLISH, extra=(NOTIFY_OFSTED, INFORM_PANEL)),
    notes=scr.publication_notes,
))
SCR_2013.check()
