"""Serious case review under the revised chapter 8 of Working Together (December 2009; WT2010).

What changed from WT2006 (REGIMES.md §2):
    completion    6 months after the decision to proceed (was 4)     should [P] Hansard 2010
    decision      1 month after the referral: Ofsted's observation, not a rule   default [S]
    publication   reviews initiated (decided) on or after 10 June 2010 publish the overview
                  report itself, anonymised; earlier ones the executive summary [S]
The stages and steps are WT2006's.

In force for referrals from 1 December 2009: the revised chapter was published in December
2009 [P Hansard 23 Feb 2010; S Community Care 7 Apr 2010]; the day is not sourced, so a board
that adopted it on another day moves the date in its config file ([regimes.scr] "2010.1").
"""

from __future__ import annotations

import datetime as dt

from workflows import scr
from workflows.definition import CaseLike, Deadline, Options, Step, Workflow

# Reviews initiated on or after this day publish the overview report (Loughton's letter of
# 10 June 2010) [S Knowsley SIRG 8.1; CYP Now 15 Sep 2010].
OVERVIEW_PUBLISHED_FROM = dt.date(2010, 6, 10)
OVERVIEW = "the overview report, anonymised (reviews initiated from 10 June 2010)"
SUMMARY = "the executive summary (reviews initiated before 10 June 2010)"


def what_is_published(case: CaseLike, opts: Options) -> None:
    """A review is initiated by the decision to hold it; that day says what is published."""
    if opts["outcome"] != "no_review":
        initiated = case.effective_on
        case.record(publishes=OVERVIEW if initiated >= OVERVIEW_PUBLISHED_FROM else SUMMARY)


PUBLISH = Step("publish", "Report published (as the decision recorded)", ("publication",),
               "implementation", options=(scr.NOTE,), records="publication")

SCR_2010 = Workflow(**scr.common(
    version="2010.1", short_title="WT2010",
    title="Serious case review (Working Together 2010, revised chapter 8)",
    in_force_from=dt.date(2009, 12, 1),
    in_force_source="revised chapter 8 published December 2009 [P Hansard 23 Feb 2010]; "
                    "the day (1 December) is assumed",
    deadlines=(
        Deadline("decision", "Decision whether to hold a review", "1 month", "referral",
                 source="Ofsted's observation, April 2010, via Community Care [S]"),
        Deadline("notification", "Inspectorate notified of the decision", "5 working days",
                 "decision", source="national figure not found for 2006-2014"),
        scr.PANEL_DEADLINE,
        scr.IMR_DEADLINE,
        Deadline("completion", "Review complete: overview report endorsed", "6 months",
                 "decision", strength="should",
                 source="revised WT chapter 8, Hansard written answer 23 Feb 2010 [P]"),
        scr.AUDIT_DEADLINE,
        scr.ACTION_DEADLINE,
    ),
    stages=scr.retitled(publication="Publication of the report"),
    steps=scr.steps(decided=what_is_published, publish=PUBLISH),
    notes=scr.publication_notes,
))
SCR_2010.check()
