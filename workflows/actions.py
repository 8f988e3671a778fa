"""The action plan and its audit: shared by every review that ends in one (SCR, CSPR).

Each action is a deadline row owned by an agency; it is progressed, completed, or carried
forward by a recorded decision; the review closes only when the audit is recorded and no
action is left open. A version names the stages its steps run in; the audit's own timescale
(its anchor and source) is the version's.
"""

from __future__ import annotations

import datetime as dt

from workflows.definition import (
    CaseLike,
    Deadline,
    Option,
    Options,
    Step,
    open_deadlines,
    still_open,
)
from workflows.formats import action_label, short

PROGRESS = ("not_started", "on_track", "at_risk")
NOTE = Option("note", "a note for the history")
ACTION = Option("action", "the action's number in the plan (A1 is 1)", kind="number",
                required=True)
ACTION_DEADLINE = Deadline("action", "Action plan action", "", "", per_agency=True,
                           set_by="date set in the action plan", strength="local",
                           source="the board's action plan")


# Guards: each returns the board's reason for refusing, or None.

def has_action_plan(case: CaseLike, opts: Options) -> str | None:
    if not case.deadlines("action") and not opts.get("no_actions_reason"):
        return ("the board cannot endorse without an action plan: add at least one action "
                "(add_action) or give --no-actions-reason")
    return None


def action_open(case: CaseLike, opts: Options) -> str | None:
    numbers = [d.number for d in case.deadlines("action")]
    if opts["action"] not in numbers:
        listed = ", ".join(str(action_label(n)) for n in numbers) or "none"
        return (f"the action plan has no action {action_label(opts['action'])} "
                f"(actions: {listed})")
    if not any(d.number == opts["action"] for d in open_deadlines(case, "action")):
        return f"action {action_label(opts['action'])} is already closed"
    return None


audit_outstanding = still_open("audit", "the six-month audit has already been recorded")


def audit_is_due(case: CaseLike, opts: Options) -> str | None:
    """The six-month audit looks back over six months of the plan: recorded days after the
    plan began it would be a mistake. It may be held up to a month before it is due."""
    for audit in open_deadlines(case, "audit"):
        earliest = month_before(audit.due_on)
        if case.effective_on < earliest:
            return (f"the six-month audit is due on {short(audit.due_on)}; it can be recorded "
                    f"from {short(earliest)}")
    return None


def month_before(day: dt.date) -> dt.date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def ready_to_close(case: CaseLike, opts: Options) -> str | None:
    if open_deadlines(case, "audit"):
        return "the six-month audit of the action plan has not been recorded (record_audit)"
    still_open = [str(action_label(d.number)) for d in open_deadlines(case, "action")]
    if still_open:
        return (f"actions still open: {', '.join(still_open)}; complete them or carry them "
                "forward by a recorded decision (carry_forward)")
    return None


# Effects.

def add_action(case: CaseLike, opts: Options) -> None:
    case.open_deadline("action", agency=opts["agency"], due=opts["due"], title=opts["action"],
                       detail=opts["recommendation"])


def update_action(case: CaseLike, opts: Options) -> None:
    case.set_progress("action", number=opts["action"], progress=opts["progress"])


def complete_action(case: CaseLike, opts: Options) -> None:
    case.close_deadline("action", number=opts["action"], status="met", note=opts.get("note"))


def carry_forward(case: CaseLike, opts: Options) -> None:
    case.close_deadline("action", number=opts["action"], status="carried_forward",
                        note=f"{opts['reason']} (decided: {opts['decision']})")


def record_audit(case: CaseLike, opts: Options) -> None:
    case.record(audit_outcome=opts["outcome"])


# The steps, each run in the stages a version names.

def add_step(sources: tuple[str, ...]) -> Step:
    return Step(
        "add_action", "Action added to the action plan", sources,
        options=(
            Option("recommendation", "the recommendation it answers", required=True),
            Option("action", "what the agency will do", required=True),
            Option("agency", "the agency that owns it", kind="agency", required=True),
            Option("due", "when it is due", kind="date", required=True, due=True)),
        effect=add_action, needs="--recommendation, --action, --agency, --due")


def tracking_steps(sources: tuple[str, ...]) -> tuple[Step, ...]:
    """Progress, completion, carrying forward, and the audit."""
    return (
        Step("update_action", "Progress on an action", sources,
             options=(ACTION, Option("progress", "where it stands", kind="choice",
                                     choices=PROGRESS, required=True)),
             guards=(action_open,), effect=update_action, needs="--action N, --progress"),
        Step("complete_action", "Action completed", sources, options=(ACTION, NOTE),
             guards=(action_open,), effect=complete_action, needs="--action N"),
        Step("carry_forward", "Action carried forward by a recorded decision", sources,
             options=(ACTION, Option("reason", "why it is carried forward", required=True),
                      Option("decision", "the decision that carried it (meeting and date)",
                             required=True)),
             guards=(action_open,), effect=carry_forward,
             needs="--action N, --reason, --decision"),
        Step("record_audit", "Six-month audit of the action plan", sources,
             options=(Option("outcome", "progress, difficulties and delays found",
                             required=True),),
             preconditions=(audit_outstanding,), guards=(audit_is_due,), records="audit",
             meets=("audit",), effect=record_audit, needs="--outcome"),
    )


def close_step(source: str, dest: str = "closed") -> Step:
    return Step("close", "Review closed", (source,), dest, options=(NOTE,),
                preconditions=(ready_to_close,), records="closure",
                needs="audit recorded; every action complete or carried forward")
