"""`casework case timeline REF`: one case in a picture - its stages as bands, each agency's
requests from asked to received, reminders and escalations as marks - as a printable paper
(html) or the chart alone (svg)."""

from __future__ import annotations

import click

from cli.app import App, as_of_date, pass_app
from cli.formats import emit, output_options, render


@click.command()
@click.argument("reference")
@click.option("--as-of", metavar="DATE", default=None,
              help="The case as its history stood at the end of this date (default: today).")
@output_options("timeline", "html for a printable paper with its tables, svg for the chart "
                "alone.", default="html")
@pass_app
def timeline(app: App, reference: str, as_of: str | None, form: str,
             output: str | None) -> None:
    """A case's timeline: its stages, each agency's requests and their reminders and
    escalations, from the case's history."""
    from casework.timeline import case_timeline

    day = as_of_date(app, as_of)
    with app.service() as service:
        text = render("timeline", form, case_timeline(service, reference, day), service)
    emit(text, output)
