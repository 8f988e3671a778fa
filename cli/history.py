"""`casework case history`: the case's chronology, in the order things happened.

Each event is a block: the day it happened, the step and where it left the case, who recorded
it and when, then its note. Emails are folded into the step that queued them ("2 emails
queued") unless `--emails` asks for each; a voided step is marked, and a correction says what
it corrected, so the panel's chronology reads as the record now stands and how it got there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from cli.app import App, json_option, pass_app, wide_option
from cli.output import emit_json, fill, line_width
from cli.pager import paged
from workflows.formats import labelled, labelled_data, short

INDENT = " " * 13
MOVES = ("pause", "resume", "extend")  # not steps of a workflow, but changes to the case


@click.command()
@click.argument("reference")
@click.option("--steps", "steps_only", is_flag=True,
              help="Only the case's steps, pauses, extensions and corrections (no emails or "
                   "reminders).")
@click.option("--since", metavar="DATE", default=None, help="Only what happened from DATE on.")
@click.option("--emails", is_flag=True,
              help="List each email queued, sent or failed (--json always does).")
@json_option
@wide_option
@pass_app
@paged
def history(app: App, reference: str, steps_only: bool, since: str | None, emails: bool,
            as_json: bool) -> None:
    """Everything that happened to a case, in the order it happened: the panel's chronology."""
    from casework.dates import local_date, parse_date
    from casework.voiding import VOIDED

    first = parse_date(since, what="--since") if since else None
    with app.service() as service:
        rows = service.history(reference)
        names = {s.name for s in service.workflow_of(service.case(reference)).steps}
    voided_by = {r.data["voids"]: r for r in rows if r.step == VOIDED and "voids" in r.data}
    folded: dict[int, int] = {}
    owner = None
    for row in rows:  # an email queued belongs to the change recorded just before it
        if row.step == "email_queued" and owner is not None:
            folded[owner] = folded.get(owner, 0) + 1
        elif not row.step.startswith("email_"):
            owner = row.id
    corrections = {VOIDED, "corrected", "action_withdrawn"}
    shown = [r for r in rows
             if (emails or as_json or not r.step.startswith("email_"))
             and (not steps_only or r.step in names or r.step in corrections
                  or r.step in MOVES or r.id == rows[0].id)
             and (first is None or local_date(r.effective_at) >= first)]
    if as_json:  # every row, emails too, in the order recorded (ids ascending)
        emit_json([{"id": r.id, "at": r.at, "effective_at": r.effective_at, "actor": r.actor,
                    "step": r.step, "from": r.from_state, "to": r.to_state, "note": r.note,
                    "data": labelled_data(r.data),
                    "voided_by": voided_by[r.id].id if r.id in voided_by else None}
                   for r in shown])
        return
    shown.sort(key=lambda r: (local_date(r.effective_at), r.id))  # as it happened
    width = line_width()
    for row in shown:
        moved = (row.to_state or "" if row.from_state in (None, row.to_state)
                 else f"{row.from_state} -> {row.to_state}")
        mark = (f"  [voided {short(local_date(voided_by[row.id].effective_at))}]"
                if row.id in voided_by else "")
        click.echo(f"{short(local_date(row.effective_at)):<11}  {row.step}  {moved}".rstrip()
                   + mark)
        lines = [f"by {row.actor}, recorded {short(local_date(row.at))}",
                 *_what(row.step, row.data), row.note or ""]
        if row.id in folded and not emails:
            count = folded[row.id]
            lines.append(f"{count} email{'s' if count > 1 else ''} queued")
        for line in filter(None, lines):
            click.echo(fill(line, INDENT, INDENT, width))


def _what(step: str, data: dict[str, Any]) -> list[str]:
    """What a correction corrected, in words."""
    if step == "step_voided":
        return [f"voids {data.get('step')} of {short(dt.date.fromisoformat(data['on']))}"]
    if step == "corrected":
        return [f"{data.get('field')}: {_text(data.get('from'))} -> {_text(data.get('to'))}"]
    if step == "extend" and {"deadline", "from", "to"} <= data.keys():
        return [f"{labelled(str(data['deadline']))}: due "
                f"{short(dt.date.fromisoformat(data['from']))} -> "
                f"{short(dt.date.fromisoformat(data['to']))}"]
    if step == "action_withdrawn":
        return [f"withdrew {labelled(str(item.get('withdrawn')))}"
                for item in data.get("deadlines", ())]
    return [f"opened {labelled(item['opened'])}, due {short(dt.date.fromisoformat(item['due']))}"
            for item in data.get("deadlines", ()) if isinstance(item, dict)
            and str(item.get("opened", "")).startswith("action:") and item.get("due")]


def _text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
