"""`casework report ...`: what the board reads - the overdue listing and the year's figures."""

from __future__ import annotations

from typing import Any

import click

from cli.app import App, actor_name, actor_option, as_of_date, pass_app
from cli.formats import emit, output_options, render
from workflows.formats import key_stamp, short


@click.group()
def report() -> None:
    """Reports for the board: the overdue listing, and the figures for its annual report."""


def format_options(listing: str) -> Any:
    return output_options(
        listing, "table for the terminal, csv for a spreadsheet, html for a printable board "
        "paper, json for scripts" + (", svg for the chart alone." if listing == "overdue"
                                     else "."), json_alias=True)


@report.command()
@click.option("--as-of", metavar="DATE", default=None,
              help="What was overdue on this date, even if completed since (default: today).")
@click.option("--agency", metavar="CODE", default=None, help="Only this agency's items.")
@click.option("--email-board", is_flag=True,
              help="Queue the listing to the board's mailbox (the board paper, a text "
                   "version and the CSV attached) instead of printing it.")
@format_options("overdue")
@actor_option
@pass_app
def overdue(app: App, as_of: str | None, agency: str | None, email_board: bool, form: str,
            as_json: bool, output: str | None, actor: str | None) -> None:
    """Everything overdue across all cases, by the agency that owes it.

    Each item shows the case reference and pseudonym, what is owed, when it was first due and
    is due now (after extensions), how many working days late it is, and the reminder or
    escalation it has reached; each agency has its totals.
    """
    from casework.overdue import overdue_listing

    day = as_of_date(app, as_of)
    if email_board:
        if agency or output or as_json or form != "table":
            raise click.UsageError("--email-board sends the whole listing: it takes only "
                                   "--as-of")
        _email_board(app, day, actor_name(actor))
        return
    form = "json" if as_json else form
    with app.service() as service:
        listing = overdue_listing(service, day, agency=agency)
        text = render("overdue", form, listing, service)
    emit(text, output)


def _email_board(app: App, day: Any, actor: str) -> None:
    from notifications.reports import email_overdue_listing

    with app.service() as service:
        stamp = key_stamp(service.clock.now())
        row, listing = email_overdue_listing(service, day, actor=actor,
                                             key=f"board/overdue/{day.isoformat()}/{stamp}")
        service.commit()
    if row is None:  # the same second as another run: that one queued it
        click.echo(f"The overdue listing as of {short(day)} was already queued this second "
                   "(`casework outbox list`): not queued twice.")
        return
    click.echo(f"Queued the overdue listing as of {short(day)} ({listing.total} item"
               f"{'s' if listing.total != 1 else ''}) to {row.recipients}, with "
               f"{row.attachments[0]['filename']} attached (outbox #{row.id}). It goes with "
               "the next `casework outbox send`, or the scheduler's next run.")


@report.command()
@click.option("--from", "period_from", metavar="DATE", default=None,
              help="First day of the period (default: the 1 April starting the board year of "
                   "--to, or of today).")
@click.option("--to", "period_to", metavar="DATE", default=None,
              help="Last day of the period (default: the 31 March ending the board year of "
                   "--from, or of today).")
@format_options("figures")
@pass_app
def figures(app: App, period_from: str | None, period_to: str | None, form: str,
            as_json: bool, output: str | None) -> None:
    """The figures for the board's annual report: a section for each process."""
    from casework.dates import parse_date
    from casework.reports import Period, board_year

    # A date given alone brings the rest of its board year: --to 2009-03-31 is 2008/09.
    start = parse_date(period_from, what="--from") if period_from else None
    end = parse_date(period_to, what="--to") if period_to else None
    year_start, year_end = board_year(start or end or app.today())
    start, end = start or year_start, end or year_end
    with app.service() as service:
        text = render("figures", "json" if as_json else form,
                      Period.counted(service, start, end), service)
    emit(text, output)
