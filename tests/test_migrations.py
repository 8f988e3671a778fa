"""The schema is made by migrations, and the migrations make exactly what the models say."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from casework.db import MIGRATIONS, SCHEMA_REVISION, init_database, open_engine
from casework.errors import DatabaseNotReady
from casework.migrations import made_on
from casework.models import SQLModel
from cli.main import cli


def test_the_code_expects_the_newest_migration():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_a_migrated_database_matches_the_models(db_url):
    engine = create_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": made_on(connection.dialect.name)})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def _insert_agency(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO agency (code, name, contact_email, active, "
                                "created_at) VALUES ('POLICE', 'Kent Police', 'a@b.org', "
                                ":active, :created)"),
                           {"active": True, "created": dt.datetime(2008, 1, 1, tzinfo=dt.UTC)})
    engine.dispose()


def _scalars(url: str, sql: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = list(connection.execute(text(sql)).scalars())
    engine.dispose()
    return found


def test_init_is_idempotent_and_keeps_the_data(empty_db_url, backend):
    assert init_database(empty_db_url).previous is None
    _insert_agency(empty_db_url)
    again = init_database(empty_db_url)
    assert (again.previous, again.revision) == (SCHEMA_REVISION, SCHEMA_REVISION)
    assert _scalars(empty_db_url, "SELECT code FROM agency") == ["POLICE"]
    if backend == "sqlite":
        assert _scalars(empty_db_url, "PRAGMA journal_mode") == ["wal"]


def test_a_database_behind_the_code_is_refused_with_the_fix(db_url):
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    with pytest.raises(DatabaseNotReady, match="has schema 0000, this casework needs 0007: "
                                               "run `casework init` to upgrade it"):
        open_engine(db_url)


def test_a_database_that_is_not_a_casework_database_is_refused(empty_db_url, backend):
    if backend == "sqlite":  # an SQLite file that exists, with no casework tables
        path = Path(empty_db_url.removeprefix("sqlite:///"))
        path.parent.mkdir()
        sqlite3.connect(path).close()
    with pytest.raises(DatabaseNotReady, match="is not a casework database"):
        open_engine(empty_db_url)


def test_init_upgrades_a_database_made_by_an_earlier_version(empty_db_url):
    """A board's database from the first release (schema 0001) is upgraded in place."""
    from alembic import command

    url = empty_db_url
    init_database(url)  # makes the database (and its folder); then back to 0001
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    engine.dispose()
    _insert_agency(url)
    with pytest.raises(DatabaseNotReady, match="has schema 0001"):
        open_engine(url)
    result = init_database(url)
    assert (result.previous, result.revision) == ("0001", SCHEMA_REVISION)
    open_engine(url).dispose()
    assert _scalars(url, "SELECT code FROM agency") == ["POLICE"]
    assert _scalars(url, "SELECT count(*) FROM cdop_meeting") == [0]
    assert _scalars(url, "SELECT count(*) FROM outbox") == [0]


@pytest.mark.postgresql
def test_init_creates_the_database_on_the_server_when_it_is_missing(postgres):
    missing = postgres.url.set(database=f"casework_made_by_init_{os.getpid()}")
    url = missing.render_as_string(hide_password=False)
    try:
        result = CliRunner().invoke(cli, ["--db", url, "init"])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [
            f"Database: {missing.render_as_string(hide_password=True)}",
            "Schema 0007: created. (Location chosen by --db.)"]
        open_engine(url).dispose()
    finally:
        postgres.drop(url)


@pytest.mark.postgresql
def test_an_unreachable_server_is_a_clear_error_not_a_traceback(empty_db_url):
    from sqlalchemy.engine import make_url

    from tests.conftest import free_port

    url = make_url(empty_db_url).set(host="127.0.0.1", port=free_port())
    shown = url.render_as_string(hide_password=True)
    for command in (["init"], ["case", "list"]):
        result = CliRunner().invoke(cli, ["--db", url.render_as_string(hide_password=False),
                                          *command])
        assert result.exit_code == 7, result.output
        assert result.stderr.startswith(f"Error: cannot open {shown}: ")
        assert "Connection refused" in result.stderr
        assert "casework:casework@" not in result.stderr  # the password is not shown
