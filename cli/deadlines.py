"""`casework deadlines`: what is due and what is late, across every case."""

from __future__ import annotations

import click

from cli.app import App, as_of_date, as_of_option, pass_app
from cli.formats import emit, output_options, render


@click.command()
@as_of_option
@click.option("--agency", metavar="CODE", default=None, help="Only this agency's deadlines.")
@click.option("--within", metavar="DAYS", type=click.IntRange(min=0, max=3660), default=14,
              show_default=True, help="Also list deadlines due in the next DAYS days.")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only deadlines already late.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@output_options("deadlines", "table for the terminal, json for scripts, ics for an agency's "
                "calendar (every deadline, or --agency's: open ones as events, closed ones "
                "cancelled; --as-of, --within and --overdue do not apply).")
@pass_app
def deadlines(app: App, as_of: str | None, agency: str | None, within: int,
              overdue_only: bool, as_json: bool, form: str, output: str | None) -> None:
    """Deadlines late or coming due as of a date, across all cases, soonest first."""
    print_deadlines(app, as_of=as_of, agency=agency, within=within, overdue_only=overdue_only,
                    form="json" if as_json else form, output=output)


def print_deadlines(app: App, *, as_of: str | None, agency: str | None, within: int,
                    overdue_only: bool, as_json: bool = False, form: str = "table",
                    output: str | None = None) -> None:
    from casework.queries import deadlines_due

    form = "json" if as_json else form
    day = as_of_date(app, as_of)
    with app.service() as service:
        rows = [] if form == "ics" else deadlines_due(
            service, day, agency=agency, within_days=within, overdue_only=overdue_only)
        data = {"as_of": day, "agency": agency, "within": within,
                "overdue_only": overdue_only, "rows": rows}
        text = render("deadlines", form, data, service)
    emit(text, output)
