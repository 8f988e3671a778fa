"""A consistent copy of a live SQLite database, through SQLite's online backup API."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from casework.errors import DatabaseNotReady, InvalidInput

PG_DUMP_ADVICE = ("PostgreSQL is backed up with its own tools: pg_dump --format=custom "
                  "--file=casework.dump DATABASE (README, 'Backups')")


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    schema: str | None
    cases: int


def backup_sqlite(source: Path, target: Path, replace: bool = False) -> Backup:
    """Copy `source` to `target` while others may write to it. The copy is made beside
    `target`, checked (integrity_check), made one self-contained file, then renamed."""
    if not source.exists():
        raise DatabaseNotReady(f"no database at {source}: nothing to back up")
    if target.is_dir():
        target = target / source.name
    if not target.parent.is_dir():
        raise InvalidInput(f"no folder {target.parent} to write the backup in")
    if target.exists() and not replace:
        raise InvalidInput(f"{target} exists: give another path, or --replace")
    if target.resolve() == source.resolve():
        raise InvalidInput("the backup would overwrite the database itself")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(source)) as live, \
            contextlib.closing(sqlite3.connect(partial)) as copy:
        live.execute("PRAGMA busy_timeout = 30000")
        live.backup(copy, pages=1024)  # steps of 1024 pages; a writer restarts it, not us
        copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        (check,) = copy.execute("PRAGMA integrity_check").fetchone()
        schema, cases = _figures(copy)
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise DatabaseNotReady(f"the copy failed SQLite's integrity check: {check}")
    os.replace(partial, target)
    return Backup(target, target.stat().st_size, schema, cases)


def _figures(db: sqlite3.Connection) -> tuple[str | None, int]:
    try:
        (schema,) = db.execute("SELECT version_num FROM alembic_version").fetchone() or (None,)
        (cases,) = db.execute("SELECT count(*) FROM case_record").fetchone()
    except sqlite3.DatabaseError:
        return None, 0
    return schema, cases
