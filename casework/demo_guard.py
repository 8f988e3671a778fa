"""The demo's promise: it never touches a database that holds anything but its own demo.

`casework --db real.db demo` once deleted a board's cases. Before the demo wipes or adds to a
database it looks: every row it wrote is recorded in the history as done by the demo, so a
history row by anyone else, or rows with no history at all, mean someone's real work.
"""

from __future__ import annotations

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import DBAPIError

from casework.config import Tuning
from casework.db import describe, make_engine, sqlite_path
from casework.errors import InvalidInput

ACTOR = "demo"
_TABLES = ("agency", "case_record", "deadline", "cdop_meeting", "board_contact", "outbox")


def refuse_unless_demo(url: str) -> None:
    """Raise InvalidInput, naming the database, unless it is absent, empty or the demo's own."""
    path = sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return
    if path is not None and not path.is_file():
        raise InvalidInput(f"{path} is not a file: the demo needs a database of its own "
                           "(give --db a new path)")
    reason = _foreign(url)
    if reason:
        raise InvalidInput(f"{describe(url)} {reason}: the demo never touches a database "
                           "that holds anything but its own demo (give --db a new path)")


def _foreign(url: str) -> str | None:
    """Why the database is not the demo's, or None when it is (or does not exist yet)."""
    from sqlalchemy import MetaData, Table

    engine = make_engine(url, Tuning())
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not tables:
                return None
            if "history" not in tables or "alembic_version" not in tables:
                return "is not a casework database"
            meta = MetaData()
            history = Table("history", meta, autoload_with=connection)
            others = connection.execute(
                select(history.c.actor).where(history.c.actor != ACTOR).limit(1)).scalar()
            if others is not None:
                return f"holds work recorded by {others!r}, not by the demo"
            recorded = connection.execute(select(func.count()).select_from(history)).scalar()
            rows = sum(connection.execute(select(func.count()).select_from(
                Table(name, meta, autoload_with=connection))).scalar() or 0
                for name in _TABLES if name in tables)
            if rows and not recorded:
                return "holds records with no history (not the demo's)"
            return None
    except DBAPIError as exc:
        if sqlite_path(url) is None and "does not exist" in str(exc.orig):
            return None  # a server database not created yet: `init` will make it
        return f"cannot be read ({str(exc.orig or exc).strip().splitlines()[0]})"
    finally:
        engine.dispose()
