"""`casework backup PATH`: a consistent, checked copy of a live SQLite database, made by the
real command while another connection is in the middle of a write; PostgreSQL is sent to
pg_dump."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("casework")


def casework(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path),
               CASEWORK_ACTOR="test")
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)


def _count(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def _demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert casework(folder, "--db", str(folder / "board.db"), "demo").returncode == 0
    return folder / "board.db"


@pytest.fixture
def live(tmp_path: Path, _demo: Path) -> Path:
    """A board's database with the demo's cases, as the service leaves it (WAL)."""
    path = tmp_path / "board.db"
    with contextlib.closing(sqlite3.connect(_demo)) as source, \
            contextlib.closing(sqlite3.connect(path)) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    return path


def test_backup_copies_what_is_committed_while_a_write_is_open(tmp_path: Path,
                                                               live: Path) -> None:
    cases = _count(live, "case_record")
    with contextlib.closing(sqlite3.connect(live, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # a write in progress holds the write lock
        writer.execute("UPDATE agency SET name = 'uncommitted'")
        done = casework(tmp_path, "--db", str(live), "backup", str(tmp_path / "copy.db"))
        writer.execute("ROLLBACK")
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "copy.db"
    assert f"{cases} cases; integrity checked" in done.stdout
    assert _count(copy, "case_record") == cases
    assert _count(copy, "history") == _count(live, "history") > 0
    with contextlib.closing(sqlite3.connect(copy)) as db:
        names = {name for (name,) in db.execute("SELECT name FROM agency")}
    assert names and "uncommitted" not in names
    assert not Path(f"{copy}-wal").exists()
    with contextlib.closing(sqlite3.connect(copy)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # The copy is a working database: casework opens it at the current schema.
    opened = casework(tmp_path, "--db", str(copy), "init")
    assert "already up to date" in opened.stdout, opened.stdout + opened.stderr


def test_backup_into_a_folder_refuses_to_overwrite_unless_told(tmp_path: Path,
                                                               live: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    assert casework(tmp_path, "--db", str(live), "backup", str(folder)).returncode == 0
    again = casework(tmp_path, "--db", str(live), "backup", str(folder))
    assert again.returncode == 2 and "--replace" in again.stderr
    assert casework(tmp_path, "--db", str(live), "backup", str(folder),
                    "--replace").returncode == 0
    assert [p.name for p in folder.iterdir()] == ["board.db"]  # no partial file left
    onto_itself = casework(tmp_path, "--db", str(live), "backup", str(live), "--replace")
    assert onto_itself.returncode == 2 and "itself" in onto_itself.stderr
    nowhere = casework(tmp_path, "--db", str(live), "backup", str(tmp_path / "no" / "x.db"))
    assert nowhere.returncode == 2 and "no folder" in nowhere.stderr


def test_backup_without_a_database_or_on_postgresql(tmp_path: Path) -> None:
    missing = casework(tmp_path, "--db", str(tmp_path / "none.db"), "backup", "x.db")
    assert missing.returncode == 7 and "nothing to back up" in missing.stderr
    remote = casework(tmp_path, "--db", "postgresql+psycopg://casework@db.invalid/casework",
                      "backup", "x.db")
    assert remote.returncode == 2 and "pg_dump" in remote.stderr
