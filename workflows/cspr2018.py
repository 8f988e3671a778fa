"""Child safeguarding practice review under Working Together 2018 (REGIMES.md §4).

The shared process is in `cspr`. In force for incidents the local authority became aware of
from 29 June 2018, when the duty to notify the national Panel began; a board moves the date
in its config file ([regimes.cspr] "2018.1").

Deadlines (day 0 = the anchor's own day):
    notification    5 working days after awareness                  should [P] - high
    rapid_review    15 working days after the notification was sent  expectation [P]/[S]
    summary         9 working days after each agency is asked        local [L]
    completion      6 months after the decision to hold a local review   should [S] - medium
    final_report    7 working days before the planned publication    default [M]
    audit           6 months after publication                       default
"""

from __future__ import annotations

import datetime as dt

from workflows import cspr
from workflows.definition import Intake, Workflow

CSPR_2018 = Workflow(**cspr.common(
    version="2018.1", short_title="WT2018",
    title="Child safeguarding practice review (Working Together 2018)",
    in_force_from=dt.date(2018, 6, 29),
    in_force_source="Children Act 2004 s.16C in force 29 June 2018 [P] SI 2018/789",
    intake=Intake(options=cspr.INTAKE_OPTIONS, prepare=cspr.prepare,
                  duplicate_on=cspr.DUPLICATE_ON, duplicate_message=cspr.notified_twice,
                  guards=(cspr.aware_not_after_opening, cspr.children_given)),
    steps=cspr.steps(),
))
CSPR_2018.check()
