"""Opening the database, and creating or upgrading its schema.

`casework init` runs the migrations (Alembic, under `casework/migrations`); every other command
only checks that the schema is the one this code expects, which costs one small query, and says
how to fix it when it is not.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, create_engine, event, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, ProgrammingError
from sqlmodel import Session

from casework.config import Tuning
from casework.errors import DatabaseNotReady, InvalidInput

# The newest migration; a test keeps it equal to Alembic's head.
SCHEMA_REVISION = "0007"
MIGRATIONS = Path(__file__).parent / "migrations"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(f"malformed database URL {url!r}") from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, tuning: Tuning | None = None) -> Engine:
    tuning = tuning or Tuning()
    try:
        if make_url(url).get_backend_name() == "sqlite":
            return _sqlite_engine(url, tuning)
        return _server_engine(url, tuning)
    except (ArgumentError, ImportError) as exc:
        raise InvalidInput(f"cannot use database URL {url!r}: {exc}") from None


def _sqlite_engine(url: str, tuning: Tuning) -> Engine:
    """An SQLite file: foreign keys enforced, and a writer waits up to the lock timeout for
    another's write lock before "busy: try again"."""
    engine = create_engine(url, connect_args={"timeout": tuning.lock_timeout})

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(tuning.lock_timeout * 1000)}")
        cursor.close()

    return engine


def _server_engine(url: str, tuning: Tuning) -> Engine:
    """PostgreSQL through psycopg 3: a small pool whose connections are checked before use
    (a server restart costs one reconnect, not an error), recycled every half hour, with the
    timeouts set on each session, the session's time zone UTC, and TCP keepalives so a dead
    peer is noticed by both ends within a couple of minutes."""
    def ms(seconds: float) -> int:
        return int(seconds * 1000)

    settings = {"statement_timeout": ms(tuning.statement_timeout),
                "lock_timeout": ms(tuning.lock_timeout),
                "idle_in_transaction_session_timeout": ms(tuning.idle_in_transaction_timeout),
                "TimeZone": "UTC", "tcp_keepalives_idle": 60, "tcp_keepalives_interval": 10,
                "tcp_keepalives_count": 6}
    connect_args: dict[str, Any] = {
        # which process holds what, for a DBA reading pg_stat_activity (and the tests)
        "connect_timeout": 10, "application_name": f"casework (pid {os.getpid()})",
        "options": " ".join(f"-c {name}={value}" for name, value in settings.items()),
        "keepalives": 1, "keepalives_idle": 60, "keepalives_interval": 10,
        "keepalives_count": 6}
    return create_engine(url, pool_pre_ping=True, pool_size=tuning.pool_size,
                         max_overflow=tuning.pool_size, pool_timeout=30, pool_recycle=1800,
                         connect_args=connect_args)


# PostgreSQL's SQLSTATEs for "another transaction is in the way": a lock not granted within
# lock_timeout, a serialisation failure, a deadlock.
_BUSY_STATES = {"55P03", "40001", "40P01"}


def busy(error: BaseException) -> bool:
    """The database refused because another change holds what this one needs (SQLite's
    write lock, a PostgreSQL row lock past the lock timeout): trying again will do."""
    orig = getattr(error, "orig", None)
    if orig is None:
        return False
    if getattr(orig, "sqlstate", None) in _BUSY_STATES:
        return True
    return isinstance(error, OperationalError) and "locked" in str(orig)


# PostgreSQL's SQLSTATE for a statement cancelled, here by the statement timeout.
_CANCELLED = "57014"


def retryable(error: BaseException) -> bool:
    """Worth trying again in a moment: the connection was lost or could not be made (a
    server restarting, a network dropping), or another change was in the way. Not a statement
    that ran past the statement timeout: it would only run as long again."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) == _CANCELLED:
        return False
    return isinstance(error, OperationalError) or busy(error) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def describe(url: str) -> str:
    """Where the database is, as a person would want to be told (no password)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def open_engine(url: str, tuning: Tuning | None = None) -> Engine:
    """An engine on an initialised database whose schema matches this code."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseNotReady(f"no casework database at {path}: run `casework init` first")
    engine = make_engine(url, tuning)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except ProgrammingError:
        engine.dispose()
        raise DatabaseNotReady(f"{describe(url)} is not a casework database: run "
                               "`casework init`") from None
    except OperationalError as exc:
        engine.dispose()
        if path is not None:  # SQLite says "no such table" as an OperationalError
            raise DatabaseNotReady(f"{describe(url)} is not a casework database (or cannot "
                                   "be opened): run `casework init`") from None
        raise DatabaseNotReady(f"cannot open {describe(url)}: {first_line(exc)}") from None
    if found != SCHEMA_REVISION:
        engine.dispose()
        raise DatabaseNotReady(
            f"the database at {describe(url)} has schema {found}, this casework needs "
            f"{SCHEMA_REVISION}: run `casework init` to upgrade it")
    return engine


def claim(connection: Connection, model: Any, due: ColumnElement[bool], order_by: Any,
          limit: int, **values: Any) -> list[int]:
    """Take up to `limit` rows matching `due`, in `order_by` order, for this transaction: one
    UPDATE setting `values`, returning the ids taken.

    On PostgreSQL the batch is chosen FOR UPDATE SKIP LOCKED, so concurrent workers take
    disjoint batches without waiting, in a materialised CTE: as a plain IN (subquery) the
    planner may run the LIMIT more than once and take more rows than asked. On SQLite the
    statement must begin with UPDATE (Python's sqlite3 opens the transaction only before a
    statement that does), so that it takes the file's write lock until the commit."""
    batch = (select(model.id).where(due).order_by(order_by).limit(limit)
             .with_for_update(skip_locked=True))
    if connection.dialect.name == "postgresql":
        chosen = select(batch.cte("batch").prefix_with("MATERIALIZED").c.id)
    else:
        chosen = batch.scalar_subquery()
    taken = connection.execute(update(model).where(model.id.in_(chosen), due)
                               .values(**values).returning(model.id))
    return sorted(taken.scalars().all())


@contextlib.contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def first_line(error: DBAPIError) -> str:
    """The driver's message, first line only (a log line, an error for the user)."""
    return str(error.orig or error).strip().splitlines()[0]


@dataclass
class InitResult:
    location: str
    revision: str
    previous: str | None


def init_database(url: str) -> InitResult:
    """Create the database if needed and bring its schema to the newest revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"cannot create {path.parent}: {exc.strerror}") from None
    elif make_url(url).get_backend_name() != "sqlite":
        _create_server_database(url)
    # No statement timeout: a migration on a national database may rewrite a big table.
    engine = make_engine(url, Tuning(statement_timeout=0, idle_in_transaction_timeout=0))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            else:  # two `casework init` at once: the second waits, then finds it done
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            previous = MigrationContext.configure(connection).get_current_revision()
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseNotReady(f"cannot open {describe(url)}: {first_line(exc)}") from None
    finally:
        engine.dispose()
    return InitResult(describe(url), SCHEMA_REVISION, previous)


MIGRATION_LOCK = 0x6361_7365  # "case": the advisory lock `casework init` holds on PostgreSQL


def _create_server_database(url: str) -> None:
    """Create the URL's database on its server when it does not exist yet (the role needs
    CREATEDB; else a DBA creates it and `casework init` makes the schema)."""
    from sqlalchemy.pool import NullPool

    target = make_url(url)
    probe = create_engine(url, poolclass=NullPool)
    try:
        probe.connect().close()
        return
    except OperationalError as exc:
        if "does not exist" not in str(exc.orig):
            raise DatabaseNotReady(f"cannot open {describe(url)}: {first_line(exc)}") from None
    finally:
        probe.dispose()
    admin = create_engine(target.set(database="postgres"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    name = target.database or ""
    try:
        with admin.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(name)
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    except DBAPIError as exc:
        raise DatabaseNotReady(f"the database {name!r} does not exist and could not be "
                               f"created: {first_line(exc)}") from None
    finally:
        admin.dispose()
