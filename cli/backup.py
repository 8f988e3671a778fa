"""`casework backup PATH`: a consistent copy of the board's SQLite database."""

from __future__ import annotations

import click

from cli.app import App, pass_app


@click.command()
@click.argument("path", type=click.Path(dir_okay=True, writable=True))
@click.option("--replace", is_flag=True, help="Overwrite PATH if it exists.")
@pass_app
def backup(app: App, path: str, replace: bool) -> None:
    """Copy the SQLite database to PATH (a file, or a folder to put it in) while casework may
    be running, through SQLite's online backup API; the copy is checked before it is kept.
    On PostgreSQL, use pg_dump (README, 'Backups')."""
    from pathlib import Path

    from casework.backup import PG_DUMP_ADVICE, backup_sqlite
    from casework.db import sqlite_path
    from casework.errors import InvalidInput

    source = sqlite_path(app.settings.database_url)
    if source is None:
        raise InvalidInput(PG_DUMP_ADVICE)
    done = backup_sqlite(source, Path(path), replace=replace)
    click.echo(f"Backed up {source} to {done.path}: {done.size:,} bytes, schema "
               f"{done.schema}, {done.cases} cases; integrity checked.")
