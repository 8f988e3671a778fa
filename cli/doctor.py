"""`casework doctor`: what in the database this casework cannot read, and how to repair it."""

from __future__ import annotations

import click

from cli.app import App, pass_app


@click.command()
@pass_app
def doctor(app: App) -> None:
    """List every damaged case (unknown workflow version, a date or JSON that does not
    decode) with how to repair it; exit 1 when there is any. Other commands skip them."""
    from casework.db import open_engine, session_scope
    from casework.quarantine import scan

    engine = open_engine(app.settings.database_url, app.settings.database)
    try:
        with session_scope(engine) as session:
            damaged = scan(session)
    finally:
        engine.dispose()
    if not damaged:
        click.echo("No damaged cases: every case and deadline can be read.")
        return
    click.echo(f"{len(damaged)} damaged case{'s' if len(damaged) > 1 else ''}, skipped by "
               "the scheduler, delivery, reports and listings until repaired:")
    for damage in damaged:
        click.echo(f"  {damage.reference}: {damage.problem}")
        click.echo(f"    repair: {damage.repair}")
    raise SystemExit(1)
