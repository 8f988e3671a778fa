"""`casework case history`: the case's chronology, in the order things happened.

Each event is a block: the day it happened, the step and where it left the case, who recorded
it and when, then its note. Emails are folded into the step that queued them ("2 emails
queued") unless `--emails` asks for each; a voided step is marked, and a correction says what
it corrected, so the panel's chronology reads as the record now stands and how it got there.
`--format html` prints it as the panel's paper, csv one row an event (`casework.chronology`).
"""

from __future__ import annotations

import click

from cli.app import App, pass_app, wide_option
from cli.formats import emit, output_options, render
from cli.pager import paged


@click.command()
@click.argument("reference")
@click.option("--steps", "steps_only", is_flag=True,
              help="Only the case's steps, pauses, extensions and corrections (no emails or "
                   "reminders).")
@click.option("--since", metavar="DATE", default=None, help="Only what happened from DATE on.")
@click.option("--emails", is_flag=True,
              help="List each email queued, sent or failed (json always does).")
@output_options("history", "table for the terminal, csv one row an event, html the panel's "
                "chronology as a printable paper, json every row for scripts.",
                json_alias=True)
@wide_option
@pass_app
@paged
def history(app: App, reference: str, steps_only: bool, since: str | None, emails: bool,
            as_json: bool, form: str, output: str | None) -> None:
    """Everything that happened to a case, in the order it happened: the panel's chronology."""
    from casework.chronology import chronology
    from casework.dates import parse_date

    form = "json" if as_json else form
    first = parse_date(since, what="--since") if since else None
    with app.service() as service:
        data = chronology(service, reference, steps_only=steps_only, since=first,
                          emails=emails or form == "json")
        text = render("history", form, data, service)
    if text or output:
        emit(text, output)
