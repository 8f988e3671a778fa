"""Opening the database, and creating or upgrading its schema.

`casework init` runs the migrations (Alembic, under `casework/migrations`); every other command
only checks that the schema is the one this code expects, which costs one small query, and says
how to fix it when it is not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlmodel import Session

from casework.errors import DatabaseNotReady, InvalidInput

# The newest migration; a test keeps it equal to Alembic's head.
SCHEMA_REVISION = "0004"
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


def make_engine(url: str) -> Engine:
    try:
        if make_url(url).get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise InvalidInput(f"cannot use database URL {url!r}: {exc}") from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def describe(url: str) -> str:
    """Where the database is, as a person would want to be told (no password)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def open_engine(url: str) -> Engine:
    """An engine on an initialised database whose schema matches this code."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseNotReady(f"no casework database at {path}: run `casework init` first")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        engine.dispose()
        raise DatabaseNotReady(
            f"{describe(url)} is not a casework database (or cannot be opened): "
            "run `casework init`") from None
    if found != SCHEMA_REVISION:
        engine.dispose()
        raise DatabaseNotReady(
            f"the database at {describe(url)} has schema {found}, this casework needs "
            f"{SCHEMA_REVISION}: run `casework init` to upgrade it")
    return engine


@contextlib.contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


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
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            previous = MigrationContext.configure(connection).get_current_revision()
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseNotReady(f"cannot open {describe(url)}: {exc.orig}") from None
    finally:
        engine.dispose()
    return InitResult(describe(url), SCHEMA_REVISION, previous)
