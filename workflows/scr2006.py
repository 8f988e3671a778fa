"""Serious case review under Working Together 2006, chapter 8 (DOMAIN.md §1): the seeds' regime.

    screening ─recommend→ decision ─decide→ notification ─notify_inspectorate→ panel_formation
                                      ├──(non-statutory)──────────────────────→ panel_formation
                                      └──(no review)→ no_review
    panel_formation ─form_panel→ terms_of_reference ─commission_imrs→ imrs
    imrs ─commission_overview→ overview ─submit_overview→ endorsement ─endorse→ publication
    publication ⇄ publication_held (hold / release) ; publication ─publish→ implementation
    implementation ─close→ closed       (the six-month audit and the actions run alongside)

Deadlines (a board overrides the durations in its config file):
    decision      1 month after the referral        met by decide           default
    notification  5 working days after the decision met by notify_inspectorate  default
    panel         20 working days after the decision met by form_panel      default
    imr           6 weeks after commissioning, one per agency (the panel may set each date)
    completion    4 months after the decision       met by endorse          should (WT2006)
    audit         6 months after endorsement        met by record_audit     local (seed 002)
    action        the date the board sets for each action in the action plan

Reviews decided on or after 10 June 2010 publish the overview report whatever version their
referral ran under (scr.what_is_published); `case show` says so for such a review.

It applies to referrals with no earlier limit (it is the oldest process casework has) until
WT2010's revised chapter 8 takes over.
"""

from __future__ import annotations

from workflows import scr
from workflows.definition import Deadline, Workflow

SCR_2006 = Workflow(**scr.common(
    version="2006.1", short_title="WT2006",
    title="Serious case review (Working Together 2006, chapter 8)",
    in_force_from=None,
    in_force_source="Working Together 2006 (the seeds' regime; the oldest casework has)",
    deadlines=(
        Deadline("decision", "Decision whether to hold a review", "1 month", "referral",
                 source="WT2013's 'normally within one month', applied to 2006 "
                        "(DOMAIN.md §1)"),
        Deadline("notification", "Inspectorate notified of the decision", "5 working days",
                 "decision", source="WT2015's five working days, applied to 2006"),
        scr.PANEL_DEADLINE,
        scr.IMR_DEADLINE,
        Deadline("completion", "Review complete: overview report endorsed", "4 months",
                 "decision", strength="should",
                 source="Working Together 2006 ch 8, via secondary sources [S]"),
        scr.AUDIT_DEADLINE,
        scr.ACTION_DEADLINE,
    ),
    steps=scr.steps(decided=scr.what_is_published(record_summary=False)),
    notes=scr.publication_notes,
))
SCR_2006.check()
