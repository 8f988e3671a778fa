"""`casework case withdraw | void | correct`: putting a record right, each a history row.

Kept apart from `cli/case.py` (which adds these to the `case` group) so neither file grows past
a screenful of commands.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from cli.app import App, actor_name, actor_option, json_option, on_option, pass_app
from cli.output import emit_json
from workflows.formats import short

REASON = click.option("--reason", required=True,
                      help="Why it is corrected (kept in the history; no identifying details).")


def _queued(app: App) -> None:
    note = app.queued_note()
    if note:
        click.echo(note)


def _emails(cancelled: list[int]) -> str:
    if not cancelled:
        return ""
    numbers = ", ".join(f"#{n}" for n in cancelled)
    return f"{len(cancelled)} unsent email{'s' if len(cancelled) > 1 else ''} cancelled ({numbers})"


@click.command()
@click.argument("reference")
@click.argument("action")
@REASON
@on_option
@actor_option
@json_option
@pass_app
def withdraw(app: App, reference: str, action: str, reason: str, on: str | None,
             actor: str | None, as_json: bool) -> None:
    """Withdraw ACTION (e.g. A2) entered in the action plan by mistake.

    It leaves the plan and every figure and listing, on every day (the record as corrected);
    the history keeps it, and why it was withdrawn. Its unsent emails are cancelled; an agency
    already asked is told it is withdrawn.
    """
    from casework.corrections import label

    with app.service() as service:
        done = service.withdraw(reference, action, reason=reason, actor=actor_name(actor), on=on)
        name = label(done.deadline)
    if as_json:
        emit_json({"reference": done.case.reference, "withdrawn": name,
                   "was": done.status_before, "emails_cancelled": done.cancelled,
                   "agency_told": done.told})
        return
    click.echo(f"{done.case.reference}: {name} withdrawn on {short(done.deadline.closed_on)} "
               f"(was {done.status_before.replace('_', ' ')}): {done.deadline.title}")
    if done.cancelled:
        click.echo("  " + _emails(done.cancelled))
    _queued(app)


@click.command()
@click.argument("reference")
@click.option("--step", "step", default=None, metavar="STEP",
              help="The step to void (its latest); default: the case's last step.")
@REASON
@on_option
@actor_option
@json_option
@pass_app
def void(app: App, reference: str, step: str | None, reason: str, on: str | None,
         actor: str | None, as_json: bool) -> None:
    """Void a step taken by mistake: the case returns to the stage it was in.

    Deadlines the step asked for are withdrawn, those it met are open again, those it moved
    go back; its unsent emails are cancelled and an agency already asked is told. Refused
    once the board's time has passed (`[corrections] void_within_days` in the config file,
    default 30 days since the step was recorded), or when later changes depend on the step
    (they are named).
    """
    from casework.dates import local_date
    from casework.voiding import describe_void

    with app.service() as service:
        outcome = service.void(reference, reason=reason, actor=actor_name(actor), step=step,
                               on=on)
        flow = service.workflow_of(outcome.case)
    if as_json:
        emit_json(describe_void(outcome))
        return
    click.echo(f"{outcome.case.reference}: {outcome.voided.step} of "
               f"{short(local_date(outcome.voided.effective_at))} voided; back to "
               f"{outcome.to_state} ({flow.stage(outcome.to_state).title})")
    for change in outcome.changes:
        click.echo("  " + change.describe())
    if outcome.cancelled:
        click.echo("  " + _emails(outcome.cancelled))
    _queued(app)


@click.command()
@click.argument("reference")
@click.argument("field")
@click.argument("value")
@REASON
@click.option("--replacing", metavar="NAME", default=None,
              help="child-name only: the name typed wrongly, dropped as VALUE is kept.")
@click.option("--drop", is_flag=True,
              help="child-name only: VALUE is not the child's name; stop keeping it.")
@actor_option
@json_option
@pass_app
def correct(app: App, reference: str, field: str, value: str, reason: str,
            replacing: str | None, drop: bool, actor: str | None, as_json: bool) -> None:
    """Correct FIELD of a case to VALUE: its pseudonym, a recorded fact (e.g. panel_members,
    comma separated), a key date (e.g. referral 2008-03-18: the deadlines counted from it move
    and their agencies are told), an action's wording or owner (A1.text, A1.agency), or the
    child's names (child-name "Forename Surname": another name the child is known by, kept
    only as keyed hashes, as with --child-name).

    The value before stays in the history with who corrected it, when and why (for a name,
    only that one was added or dropped: never the name). Emails not sent yet say a corrected
    pseudonym (the case's) or wording (the action's, its calendar event made again) too;
    those sent stay as they went.
    """
    from casework.name_corrections import NamesCorrected

    with app.service() as service:
        done = service.correct(reference, field, value, reason=reason, actor=actor_name(actor),
                               replacing=replacing, drop=drop)
    if isinstance(done, NamesCorrected):
        _names(done, as_json)
        return
    if as_json:
        emit_json({"reference": done.case.reference, "field": done.field,
                   "from": done.before, "to": done.after, "emails_updated": done.emails})
        return
    click.echo(f"{done.case.reference}: {done.field} corrected: {_shown(done.before)} -> "
               f"{_shown(done.after)}")
    for change in done.moved:
        click.echo("  " + change.describe())
    if done.emails:
        many = len(done.emails) > 1
        click.echo(f"  {len(done.emails)} unsent email{'s' if many else ''} now "
                   f"say{'' if many else 's'} {done.after} "
                   f"({', '.join(f'#{n}' for n in done.emails)})")
    _queued(app)


def _names(done: Any, as_json: bool) -> None:
    """What a correction of the child's names did, and which texts already hold the name."""
    if as_json:
        emit_json({"reference": done.case.reference, "field": "child-name",
                   "corrected": done.said, "words_added": done.added,
                   "words_dropped": done.dropped, "words_kept": done.kept,
                   "linked_cases": done.linked, "already_in": done.already_in})
        return
    click.echo(f"{done.case.reference}: {done.said} (the case keeps {done.kept} "
               f"word{'s' if done.kept != 1 else ''} of the child's names, as keyed hashes)")
    for reference in done.linked:
        click.echo(f"  also on {reference}, a case linked to it (the same child)")
    if not done.added:
        return
    if not done.already_in:
        click.echo("  no text on the case holds it")
        return
    count = len(done.already_in)
    click.echo(f"  already in {count} text{'s' if count > 1 else ''}, not rewritten:")
    for place in done.already_in:
        click.echo(f"    {place}")
    click.echo("  Correct the pseudonym, a fact or an action's wording with `casework case "
               "correct`;")
    # one that holds it only as the pseudonym or its action's wording says it follows them
    if any(place.endswith(", not sent yet") for place in done.already_in):
        click.echo("  an email not sent yet can be cancelled with `casework outbox cancel N`;")
    click.echo("  the history keeps what was written at the time.")


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return short(value)
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
