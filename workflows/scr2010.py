"""Serious case review under the revised chapter 8 of Working Together (December 2009; WT2010).

What changed from WT2006 (REGIMES.md §2):
    completion    6 months after the decision to proceed (was 4)     should [P] Hansard 2010
    decision      1 month after the referral: Ofsted's observation, not a rule   default [S]
    publication   the executive summary, or for reviews initiated (decided) on or after
                  10 June 2010 the overview report itself, anonymised [S]; `publishes` records
                  which (scr.what_is_published)
The stages and steps are WT2006's.

In force for referrals from 1 December 2009: the revised chapter was published in December
2009 [P Hansard 23 Feb 2010; S Community Care 7 Apr 2010]; the day is not sourced, so a board
that adopted it on another day moves the date in its config file ([regimes.scr] "2010.1").
"""

from __future__ import annotations

import datetime as dt

from workflows import scr
from workflows.definition import Deadline, Step, Workflow

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
                 strength="observed",
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
    steps=scr.steps(decided=scr.what_is_published(), publish=PUBLISH),
    notes=scr.publication_notes,
))
SCR_2010.check()
