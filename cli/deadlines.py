"""`casework deadlines`: what is due and what is late, across every case."""

from __future__ import annotations

import click

from cli.app import App, as_of_date, as_of_option, json_option, pass_app
from cli.output import MOVED_NOTE, due_text, emit_json, late_text, table
from workflows.formats import short


@click.command()
@as_of_option
@click.option("--agency", metavar="CODE", default=None, help="Only this agency's deadlines.")
@click.option("--within", metavar="DAYS", type=click.IntRange(min=0, max=3660), default=14,
              show_default=True, help="Also list deadlines due in the next DAYS days.")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only deadlines already late.")
@json_option
@pass_app
def deadlines(app: App, as_of: str | None, agency: str | None, within: int,
              overdue_only: bool, as_json: bool) -> None:
    """Deadlines late or coming due as of a date, across all cases, soonest first."""
    print_deadlines(app, as_of=as_of, agency=agency, within=within, overdue_only=overdue_only,
                    as_json=as_json)


def print_deadlines(app: App, *, as_of: str | None, agency: str | None, within: int,
                    overdue_only: bool, as_json: bool = False) -> None:
    from casework.queries import deadlines_due

    day = as_of_date(app, as_of)
    with app.service() as service:
        rows = deadlines_due(service, day, agency=agency, within_days=within,
                             overdue_only=overdue_only)
    if as_json:
        emit_json({"as_of": day, "deadlines": [r.as_dict() for r in rows]})
        return
    late = sum(1 for r in rows if r.days_late)
    scope = "late" if overdue_only else f"late or due within {within} days"
    click.echo(f"Deadlines {scope} as of {short(day)}: {len(rows)} ({late} late)")
    if rows:
        click.echo(table(
            ["Case", "Pseudonym", "Deadline", "Agency", "Due", "Late"],
            [[r.case, r.pseudonym, r.label, r.agency or "", due_text(r),
              late_text(r, working_days=True)] for r in rows],
            flex=(1, 2, 3)))
        if any(r.due_on != r.original_due_on for r in rows):
            click.echo(MOVED_NOTE)
