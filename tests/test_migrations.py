"""The schema is made by migrations, and the migrations make exactly what the models say."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from casework.db import MIGRATIONS, SCHEMA_REVISION, init_database, open_engine
from casework.errors import DatabaseNotReady
from casework.models import SQLModel


def test_the_code_expects_the_newest_migration():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_a_migrated_database_matches_the_models(db_url):
    engine = create_engine(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection),
                                       SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_init_is_idempotent_and_keeps_the_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'casework.db'}"
    assert init_database(url).previous is None
    with sqlite3.connect(tmp_path / "a" / "b" / "casework.db") as raw:
        raw.execute("INSERT INTO agency (code, name, contact_email, active, created_at) "
                    "VALUES ('POLICE', 'Kent Police', 'a@b.org', 1, '2008-01-01 00:00:00')")
    again = init_database(url)
    assert (again.previous, again.revision) == (SCHEMA_REVISION, SCHEMA_REVISION)
    with sqlite3.connect(tmp_path / "a" / "b" / "casework.db") as raw:
        assert raw.execute("SELECT code FROM agency").fetchall() == [("POLICE",)]
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_database_behind_the_code_is_refused_with_the_fix(db_path):
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(DatabaseNotReady, match="has schema 0000, this casework needs 0004: "
                                               "run `casework init` to upgrade it"):
        open_engine(f"sqlite:///{db_path}")


def test_a_file_that_is_not_a_casework_database_is_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    with pytest.raises(DatabaseNotReady, match="is not a casework database"):
        open_engine(f"sqlite:///{other}")


def test_init_upgrades_a_database_made_by_an_earlier_version(tmp_path):
    """A board's database from the first release (schema 0001) is upgraded in place."""
    from alembic import command

    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO agency (code, name, contact_email, active, created_at) "
                    "VALUES ('POLICE', 'Kent Police', 'a@b.org', 1, '2008-01-01 00:00:00')")
    with pytest.raises(DatabaseNotReady, match="has schema 0001"):
        open_engine(url)
    result = init_database(url)
    assert (result.previous, result.revision) == ("0001", SCHEMA_REVISION)
    open_engine(url).dispose()
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT code FROM agency").fetchall() == [("POLICE",)]
        assert raw.execute("SELECT count(*) FROM cdop_meeting").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
