"""What every version of the child death review shares (`cdr` for WT2006, `cdr2018`).

The notification's fields and checks, the categories of death, the post-mortem, the agency
requests (Form B, the reporting forms) and the CDOP meeting a case is listed for are the same
in both; each version's module holds only what differs, so a fix here reaches both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from workflows import cdr_export
from workflows.children import AGE_BANDS
from workflows.definition import (
    CaseLike,
    Deadline,
    Guard,
    IntakeLike,
    Opening,
    Option,
    Options,
    Step,
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
PLACES = ("home", "hospital", "hospice", "public_place", "other")
EXPECTATION = ("expected", "unexpected", "not_known")
YES_NO = ("yes", "no")
NOTE = Option("note", "a note for the history")
LONDON = ZoneInfo("Europe/London")

NCMD_FROM = dt.date(2019, 4, 1)  # [P] gov.uk NCMD transitional arrangements
NCMD = Deadline("ncmd", "Submitted to the NCMD", "", "",
                set_by="the NCMD's annual data cut, 31 March after the review",
                strength="expected", source="NCMD annual data cut at 31 March [P]",
                fixed="it is the NCMD's annual data cut")
PANEL_REVIEW = Deadline(
    "panel_review", "Review at the CDOP meeting", "", "",
    set_by="the date of the CDOP meeting it is listed for",
    fixed="it is the date of the CDOP meeting: move it with the defer step")


# Guards: each returns the board's reason for refusing, or None.

def findings_or_none(case: CaseLike, opts: Options) -> str | None:
    if bool(opts.get("findings")) == bool(opts.get("none_held")):
        return "give the post-mortem's --findings, or --none-held if the coroner held none"
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


def some_reports_or_reason(kind: str, what: str, request_step: str) -> Guard:
    """Listing for the panel needs the reports asked for, or why no agency was asked."""
    def guard(case: CaseLike, opts: Options) -> str | None:
        requested = bool(case.deadlines(kind))
        if not requested and not opts.get("no_reports_reason"):
            return (f"no {what} has been requested: request them ({request_step}) or give "
                    "--no-reports-reason")
        if requested and opts.get("no_reports_reason"):
            return f"{what}s were requested: --no-reports-reason is for a death no agency knew of"
        return None
    return guard


def ncmd_submitted(case: CaseLike, opts: Options) -> str | None:
    if open_deadlines(case, "ncmd"):
        return "the review has not been submitted to the NCMD (submit_ncmd)"
    return None


def ncmd_owed(case: CaseLike, opts: Options) -> str | None:
    if not open_deadlines(case, "ncmd"):
        return (f"nothing is owed to the NCMD (reviews completed before "
                f"{short(NCMD_FROM)}, or already submitted)")
    return None


# Effects.

def owe_ncmd(case: CaseLike) -> None:
    """A review completed from 1 April 2019 owes the NCMD its data, under either version:
    the NCMD takes every death not reviewed by then, whenever the child died [P]."""
    if case.effective_on >= NCMD_FROM:
        case.open_deadline("ncmd", due=data_cut(case.effective_on))


def data_cut(reviewed: dt.date) -> dt.date:
    """The NCMD's annual data cut (31 March) on or after the review."""
    cut = dt.date(reviewed.year, 3, 31)
    return cut if reviewed <= cut else dt.date(reviewed.year + 1, 3, 31)


def waive_open(case: CaseLike, keys: tuple[str, ...], note: str) -> None:
    for key in keys:
        if open_deadlines(case, key):
            case.close_deadline(key, status="waived", note=note)


def transfer(waived: tuple[str, ...]) -> Callable[[CaseLike, Options], None]:
    """Sent to the home area's panel: that is this death's triage; what it opened is waived."""
    def effect(case: CaseLike, opts: Options) -> None:
        case.record(transferred_to=opts["to_panel"])
        if open_deadlines(case, "triage"):
            case.close_deadline("triage", status="met",
                                note=f"transferred to {opts['to_panel']}")
        waive_open(case, waived, f"transferred to {opts['to_panel']}")
    return effect


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


# The notification: what opening a child death review asks for.

def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(LONDON)


def died_before_notification(intake: IntakeLike, opts: Options) -> str | None:
    died, notified = opts["died"], intake.effective_at
    if died.at > notified or (not died.time_known
                              and local(died.at).date() > local(notified).date()):
        return (f"--died {_moment(died.at, died.time_known)} is after the notification "
                f"({_moment(notified, True)})")
    return None


def _moment(instant: dt.datetime, with_time: bool) -> str:
    return short_moment(instant) if with_time else short(local(instant).date())


def notification(opens_if_unexpected: tuple[str, ...]) -> Callable[[IntakeLike, Options],
                                                                   Opening]:
    """The notification's checks: how promptly the death was notified (24 hours; by the end
    of the next day when its time is not known), and whether the child lived in the board's
    area (else it is marked for transfer to that area's panel)."""
    def prepare(intake: IntakeLike, opts: Options) -> Opening:
        died, notified = opts["died"], intake.effective_at
        died_on = local(died.at).date()
        data: dict[str, Any] = {"died_on": died_on.isoformat(), "notified_as": opts["death"],
                                "death": None}
        dues = {}
        if died.time_known:
            hours = (notified - died.at).total_seconds() / 3600
            data["hours_to_notify"] = round(hours, 1)
            data["notified_late"] = hours > 24
        else:  # 24 hours from an unknown time: by the end of the day after the death at latest
            next_day = died_on + dt.timedelta(days=1)
            data["time_of_death_known"] = False
            data["notified_late"] = local(notified).date() > next_day
            dues["notification"] = (next_day, "by the day after the death (time not given)")
        areas = {a.lower() for a in intake.areas}
        is_local = not areas or opts["residence"].lower() in areas
        if not is_local:
            data["transfer_to_area"] = opts["residence"]
        return Opening(data=data, events={"death": died.at},
                       opens=opens_if_unexpected
                       if opts["death"] == "unexpected" and is_local else (),
                       meets=("notification",), stage=None if is_local else "transfer_pending",
                       dues=dues)
    return prepare


def notified_twice(reference: str, pseudonym: str, data: Mapping[str, Any]) -> str:
    died = dt.date.fromisoformat(data["died_on"])
    return (f"this death may already be notified as {reference} ({pseudonym}, died "
            f"{short(died)}, age {data['age_band']}, notified by "
            f"{data.get('notifier_agency')}): if it is a different child, notify again with "
            "--different-child")


def same_nhs_number(reference: str, pseudonym: str, data: Mapping[str, Any]) -> str:
    died = dt.date.fromisoformat(data["died_on"])
    return (f"this death is already notified as {reference} ({pseudonym}, died {short(died)}): "
            "the same NHS number was given; if it is a different child, notify again with "
            "--different-child")


INTAKE_OPTIONS = (
    Option("died", "date and time of the death: 'YYYY-MM-DD HH:MM' (or a date alone)",
           kind="moment", required=True, event="death"),
    Option("age_band", "the child's age band (no date of birth)", kind="choice",
           choices=AGE_BANDS, required=True),
    Option("place", "where the child died", kind="choice", choices=PLACES, required=True),
    Option("notifier", "the professional who notified: name and role", required=True),
    Option("notifier_agency", "the notifying professional's agency", kind="agency",
           required=True),
    Option("residence", "the area the child normally lived in (e.g. Kent)", required=True),
    Option("death", "expected or unexpected, as the notifier sees it", kind="choice",
           choices=EXPECTATION, required=True),
)


# Steps both versions take, with the names and stages each gives them.

SUBMIT_NCMD = Step("submit_ncmd", "Submitted to the NCMD", ("reviewed",), options=(NOTE,),
                   preconditions=(ncmd_owed,), records="ncmd", meets=("ncmd",))


def agency_steps(kind: str, what: str, sources: tuple[str, ...], *, suffix: str = "reports",
                 single: str = "report") -> tuple[Step, ...]:
    """Ask, receive and waive one request per agency (`what`: "Form B", "reporting form")."""
    return (
        Step(f"request_{suffix}", f"{what} requested from agencies", sources,
             options=(Option("agency", "an agency that knew the child, CODE or CODE=DUE-DATE "
                                       "(repeatable)", kind="agency_due", required=True,
                             multiple=True),),
             guards=(asked_once(kind, f"a {what} has already been requested"),),
             effect=ask(kind), needs="--agency CODE[=DATE] (repeat)"),
        Step(f"receive_{single}", f"{what} received", sources,
             options=(Option("agency", f"whose {what} arrived", kind="asked_agency",
                             required=True), NOTE),
             guards=(answer_awaited(kind, what),), effect=receive(kind),
             needs="--agency CODE"),
        Step(f"waive_{single}", f"{what} waived", sources,
             options=(Option("agency", "the agency", kind="asked_agency", required=True),
                      Option("reason", "why it is not needed", required=True)),
             guards=(answer_awaited(kind, what),), effect=waive(kind),
             needs="--agency CODE, --reason"),
    )


def all_reports_in(kind: str, what: str) -> Guard:
    return all_answered(kind, f"the panel cannot review until every {what} is received or "
                              "waived")


def panel_steps(source: str, reports: str, what: str, request_step: str,
                also: tuple[Guard, ...] = ()) -> tuple[Step, ...]:
    """Listing for the next CDOP meeting (`also`: more it waits for) and deferring."""
    return (
        Step("ready_for_panel", "Listed for the next CDOP meeting", (source,),
             "awaiting_panel",
             options=(Option("no_reports_reason", f"why no {what} was needed"),),
             preconditions=(all_reports_in(reports, what), *also),
             guards=(some_reports_or_reason(reports, what, request_step), meeting_scheduled),
             records="listed", effect=list_for_panel,
             needs=f"every {what} received or waived; a meeting scheduled"),
        Step("defer", "Deferred to the following CDOP meeting", ("awaiting_panel",),
             options=(Option("reason", "why the panel deferred it", required=True),),
             guards=(later_meeting_scheduled,), effect=defer, moves=("panel_review",),
             needs="--reason"),
    )


NCMD_EXPORT = cdr_export.export(CATEGORIES, NCMD_FROM)  # one object: both versions declare it
