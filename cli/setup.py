"""`casework init` and `casework demo`."""

from __future__ import annotations

import click

from cli.app import App, pass_app


@click.command()
@pass_app
def init(app: App) -> None:
    """Create the database, or upgrade it to this version's schema (safe to repeat)."""
    from casework.db import init_database

    settings = app.settings
    result = init_database(settings.database_url)
    if result.previous is None:
        state = "created"
    elif result.previous == result.revision:
        state = "already up to date"
    else:
        state = f"upgraded from schema {result.previous}"
    if result.previous is not None and result.previous < "0004":
        from cli.scheduler import progress_line
        from notifications.rescheduling import reschedule

        with app.service() as service:  # the reminders' pointers, from the board's policy
            reschedule(service, progress=progress_line)
    click.echo(f"Database: {result.location}")
    click.echo(f"Schema {result.revision}: {state}. (Location chosen by "
               f"{settings.database_source}.)")


@click.command()
@click.option("--fresh/--keep", default=True, show_default=True,
              help="Start the demo database afresh, or add to what is there.")
@pass_app
def demo(app: App, fresh: bool) -> None:
    """Open a few example cases at different stages and show the caseload.

    Uses its own database (./demo/casework-demo.db unless --db is given), never your real one.
    """
    from pathlib import Path

    from casework.config import database_url
    from casework.dates import local_date
    from casework.db import init_database, sqlite_path
    from casework.demo import build_demo
    from casework.demo_guard import refuse_unless_demo
    from notifications.outbox import deliver
    from notifications.reports import email_overdue_listing
    from notifications.scheduler import sweep
    from notifications.transports import FolderTransport

    if not app.db:
        app.db = database_url(str(Path("demo") / "casework-demo.db"))
    url = app.settings.database_url
    path = sqlite_path(url)
    # The demo's emails always go to a folder beside its database, never to a relay the
    # config file may name: its agencies are on example.org.
    folder = (path.parent if path is not None else Path("demo")) / "outbox"
    refuse_unless_demo(url)
    if fresh and path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        for old in folder.glob("*.eml"):
            old.unlink()
    init_database(url)
    with app.service() as service:
        opened = build_demo(service)
        requests = deliver(service, FolderTransport(folder), actor="demo").sent
        swept = sweep(service, service.clock.now(), actor="demo")  # what the scheduler does
        today = local_date(service.clock.now())
        _, listing = email_overdue_listing(service, today, actor="demo",
                                           key=f"board/overdue/demo/{today.isoformat()}")
        service.commit()
        levels = deliver(service, FolderTransport(folder), actor="demo").sent
    click.echo(f"Demo database: {path or url}")
    click.echo(f"Opened {len(opened)} example cases; they asked the agencies for "
               f"{requests} reports and actions by email.")
    click.echo(f"The scheduler's sweep then sent {_count(swept.reminders, 'reminder')} and "
               f"{_count(swept.escalations, 'escalation')} for what is due or late, and the "
               f"board's mailbox its overdue listing ({_count(listing.total, 'item')}, "
               "with the CSV attached).")
    click.echo(f"All {requests + levels} emails are in {folder}/ (open them in any mail "
               "program).")
    click.echo("Here is the caseload and what is late.\n")
    from cli.case import print_caseload
    from cli.deadlines import print_deadlines

    print_caseload(app, None)
    click.echo("")
    print_deadlines(app, as_of=None, agency=None, within=0, overdue_only=True)
    click.echo("\nLook further:")
    db_flag = f"--db {path}" if path else f"--db '{url}'"
    click.echo(f"  casework {db_flag} case show {opened[-1]}")
    click.echo(f"  casework {db_flag} deadlines --within 30")
    click.echo(f"  casework {db_flag} report overdue --format html --output overdue.html")
    click.echo(f"  casework {db_flag} report figures --from 2020-04-01 --to 2021-03-31 "
               "--format html --output figures.html")
    click.echo(f"  casework {db_flag} workflow diagram scr")
    click.echo(f"  casework {db_flag} outbox list")


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
