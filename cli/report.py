"""`casework report ...`: what the board reads - the overdue listing and the year's figures."""

from __future__ import annotations

from typing import Any

import click

from cli.app import App, actor_name, actor_option, as_of_date, pass_app
from cli.formats import emit
from cli.output import json_text, table
from workflows.formats import key_stamp, short

FORMATS = ("table", "csv", "html", "json")


@click.group()
def report() -> None:
    """Reports for the board: the overdue listing, and the figures for its annual report."""


def format_options(command: Any) -> Any:
    command = click.option(
        "--output", "-o", metavar="FILE", type=click.Path(dir_okay=False, writable=True),
        default=None, help="Write the report to FILE instead of the terminal.")(command)
    command = click.option("--json", "as_json", is_flag=True,
                           help="The same as --format json.")(command)
    return click.option(
        "--format", "form", type=click.Choice(FORMATS), default="table", show_default=True,
        help="table for the terminal, csv for a spreadsheet, html for a printable board "
             "paper, json for scripts.")(command)


@report.command()
@click.option("--as-of", metavar="DATE", default=None,
              help="What was overdue on this date, even if completed since (default: today).")
@click.option("--agency", metavar="CODE", default=None, help="Only this agency's items.")
@click.option("--email-board", is_flag=True,
              help="Queue the listing to the board's mailbox (the board paper, a text "
                   "version and the CSV attached) instead of printing it.")
@format_options
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
        if form in ("csv", "html"):
            from notifications.reports import overdue_csv, overdue_html

            emit(overdue_csv(listing) if form == "csv" else overdue_html(service, listing),
                  output)
            return
    if form == "json":
        _emit_json(listing.as_dict(), output)
        return
    emit(_overdue_text(listing), output)


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


def _overdue_text(listing: Any) -> str:
    from notifications.reports import overdue_title

    lines = [f"{overdue_title(listing)}: {listing.total} item"
             f"{'s' if listing.total != 1 else ''}, {listing.escalated} escalated"]
    if not listing.groups:
        return lines[0] + "\nNothing was overdue."
    lines.append(table(["Agency", "Overdue", "Escalated", "Longest (wd)"],
                       [[g.name, g.total, g.escalated, g.longest] for g in listing.groups],
                       flex=(0,)))
    for group in listing.groups:
        lines += ["", f"{group.name}{f' ({group.code})' if group.code else ''}: "
                      f"{group.total} overdue, {group.escalated} escalated"]
        lines.append(table(
            ["Case", "Child", "Owed", "Due", "Late", "Reached"],
            [[i.reference, i.pseudonym, i.owed,
              short(i.due_on) + ("*" if i.due_on != i.original_due_on else ""),
              f"{i.working_days_late}wd" + (" P" if i.case_paused else ""),
              i.reached or "-"]
             for i in group.items],
            flex=(1,), wrap=(2,)))
    lines += ["", "Late in working days. * due date moved by an extension or a pause (the",
              "first due date is in --format csv, html and json). P: the case is paused."]
    return "\n".join(lines)


@report.command()
@click.option("--from", "period_from", metavar="DATE", default=None,
              help="First day of the period (default: the 1 April starting the board year of "
                   "--to, or of today).")
@click.option("--to", "period_to", metavar="DATE", default=None,
              help="Last day of the period (default: the 31 March ending the board year of "
                   "--from, or of today).")
@format_options
@pass_app
def figures(app: App, period_from: str | None, period_to: str | None, form: str,
            as_json: bool, output: str | None) -> None:
    """The figures for the board's annual report: a section for each process."""
    from casework.dates import parse_date
    from casework.reports import board_figures, board_year
    from notifications.reports import figure_lines, figures_csv, figures_html, figures_title

    # A date given alone brings the rest of its board year: --to 2009-03-31 is 2008/09.
    start = parse_date(period_from, what="--from") if period_from else None
    end = parse_date(period_to, what="--to") if period_to else None
    year_start, year_end = board_year(start or end or app.today())
    start, end = start or year_start, end or year_end
    form = "json" if as_json else form
    with app.service() as service:
        sections = board_figures(service, start, end)
        lines = figure_lines(sections)
        if form == "html":
            emit(figures_html(service, lines, start, end), output)
            return
    if form == "json":
        _emit_json({"period_from": start, "period_to": end,
                    **{name: section.as_dict() for name, section in sections.items()}}, output)
    elif form == "csv":
        emit(figures_csv(lines, start, end), output)
    else:
        text = [figures_title(start, end)]
        section = ""
        for line in lines:
            if line.section != section:
                section = line.section
                text += ["", section]
            label = "  " * line.depth + line.label
            text.append(label if line.value is None else f"{label:<58}{line.value!s:>20}")
        emit("\n".join(text), output)


def _emit_json(data: Any, output: str | None) -> None:
    emit(json_text(data) + "\n", output)
