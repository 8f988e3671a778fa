"""`casework report ...`: what the board reads."""

from __future__ import annotations

import click

from cli.app import App, json_option, pass_app
from cli.output import emit_json, when


@click.group()
def report() -> None:
    """Reports for the board: the figures for its annual report."""


@report.command()
@click.option("--from", "period_from", metavar="DATE", default=None,
              help="First day of the period (default: the 1 April starting the board year of "
                   "--to, or of today).")
@click.option("--to", "period_to", metavar="DATE", default=None,
              help="Last day of the period (default: the 31 March ending the board year of "
                   "--from, or of today).")
@json_option
@pass_app
def figures(app: App, period_from: str | None, period_to: str | None, as_json: bool) -> None:
    """Child deaths notified and reviewed, by category, and how promptly."""
    from casework.dates import parse_date
    from casework.reports import board_year, death_figures

    # A date given alone brings the rest of its board year: --to 2009-03-31 is 2008/09.
    start = parse_date(period_from, what="--from") if period_from else None
    end = parse_date(period_to, what="--to") if period_to else None
    year_start, year_end = board_year(start or end or app.today())
    start, end = start or year_start, end or year_end
    with app.service() as service:
        deaths = death_figures(service, start, end)
    if as_json:
        emit_json({"child_deaths": deaths.as_dict()})
        return
    share = (f" ({100 * deaths.reviewed_within_12_months / deaths.reviewed:.0f}%)"
             if deaths.reviewed else "")
    lines = [
        (0, "Deaths notified", deaths.notified),
        (1, "expected", deaths.expected),
        (1, "unexpected", deaths.unexpected),
        (1, "not yet triaged", deaths.not_yet_triaged),
        (1, "transferred to another area's panel", deaths.transferred),
        (1, "notified more than 24 hours after the death", deaths.notified_late),
        (0, "Deaths reviewed by the panel", deaths.reviewed),
        (1, "within 12 months of the death", f"{deaths.reviewed_within_12_months}{share}"),
        (1, "by category:", ""),
        *((2, name.replace("_", " "), n) for name, n in deaths.by_category.items()),
        (1, "preventable (reviews before 1 Apr 2010): yes / no",
         f"{deaths.preventable['yes']} / {deaths.preventable['no']}"),
        (1, "modifiable factors (from 1 Apr 2010): yes / no",
         f"{deaths.modifiable['yes']} / {deaths.modifiable['no']}"),
        (0, "Referred for a serious case review", deaths.referred_for_scr),
    ]
    click.echo(f"Child deaths, {when(start)} to {when(end)}")
    for depth, label, value in lines:
        text = "  " * depth + label
        click.echo(f"{text:<64}{value!s:>8}".rstrip() if value != "" else text)
