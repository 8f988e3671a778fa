"""Child safeguarding practice review under Working Together 2023 (REGIMES.md §4).

As WT2018 (`cspr`, `cspr2018`), and: the local authority notifies the Secretary of State and
Ofsted of the death of a care leaver up to and including age 24, on the same 5-working-day
clock from awareness; that opens no rapid review (a care leaver under 18 whose death meets
the serious incident criteria is notified as a serious incident instead).

    care_leaver ─notify_care_leaver→ care_leaver_notified   (or ─withdraw→ withdrawn)

In force from December 2023 [S]; the day (15 December, WT2023's publication) is not in
REGIMES.md and is assumed. A board moves it in its config file ([regimes.cspr] "2023.1").
"""

from __future__ import annotations

import datetime as dt

from workflows import cspr
from workflows.definition import (
    Deadline,
    Intake,
    IntakeLike,
    Option,
    Options,
    Stage,
    Step,
    Workflow,
)

OLDEST_CARE_LEAVER = 24


def care_leaver(intake: IntakeLike, opts: Options) -> str | None:
    age = opts.get("care_leaver_age")
    if age is None:
        return None
    if age > OLDEST_CARE_LEAVER:
        return (f"a care leaver's death is notified up to and including age "
                f"{OLDEST_CARE_LEAVER} (--care-leaver-age {age})")
    if opts["nature"] != "death":
        return "--care-leaver-age is for the death of a care leaver (--nature death)"
    if opts.get("other_child") or opts.get("looked_after"):
        return ("a care leaver's death is notified on its own, not looked after: give no "
                "--other-child or --looked-after")
    return None


CARE_LEAVER_NOTIFICATION = Deadline(
    "care_leaver_notification", "Care leaver's death notified to the SoS and Ofsted",
    "5 working days", "aware", strength="should",
    source="WT2023, via North Yorkshire OMG and Slough [S] - medium")
NOTIFY_CARE_LEAVER = Step(
    "notify_care_leaver", "Care leaver's death notified to the Secretary of State and Ofsted",
    ("care_leaver",), "care_leaver_notified", options=(cspr.NOTE,),
    records="notification_sent", meets=("care_leaver_notification",),
    needs="within 5 working days of becoming aware")

CSPR_2023 = Workflow(**cspr.common(
    version="2023.1", short_title="WT2023",
    title="Child safeguarding practice review (Working Together 2023)",
    in_force_from=dt.date(2023, 12, 15),
    in_force_source="WT2023, December 2023 [S]; the day (15 December) is assumed",
    intake=Intake(
        options=(*cspr.INTAKE_OPTIONS,
                 Option("care_leaver_age", "the death of a care leaver: their age in years "
                                           "(up to and including 24)", kind="number")),
        prepare=cspr.prepare, duplicate_on=cspr.DUPLICATE_ON,
        duplicate_message=cspr.notified_twice,
        guards=(cspr.aware_not_after_opening, care_leaver, cspr.children_given)),
    stages=(cspr.STAGES[0],
            Stage("care_leaver", "Care leaver's death: notifying the SoS and Ofsted"),
            *cspr.STAGES[1:],
            Stage("care_leaver_notified", "Closed: care leaver's death notified", final=True)),
    deadlines=(*cspr.DEADLINES, CARE_LEAVER_NOTIFICATION),
    steps=cspr.steps(withdraw_from=("care_leaver",), extra=(NOTIFY_CARE_LEAVER,)),
))
CSPR_2023.check()
