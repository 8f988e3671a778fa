"""Shared fixtures: a real SQLite file per test, a clock that moves only when told, the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from casework.clock import FixedClock
from casework.config import Settings
from casework.db import init_database, open_engine, session_scope
from casework.service import CaseService

AGENCIES = [
    ("POLICE", "Kent Police", "pp@police.example.org", "chief@police.example.org"),
    ("CSC", "Children's Social Care", "duty@csc.example.org", "director@csc.example.org"),
    ("HEALTH", "Primary Care Trust", "nurse@pct.example.org", None),
    ("EDU", "Education", "cp@edu.example.org", None),
]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes a developer's real config or database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    for name in ("CASEWORK_DATABASE_URL", "CASEWORK_CONFIG", "CASEWORK_ACTOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "casework.db"
    init_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def db_path(tmp_path: Path, _migrated_template: Path) -> Path:
    """A fresh, migrated SQLite file (copied from one migrated once per run)."""
    path = tmp_path / "casework.db"
    shutil.copy(_migrated_template, path)
    return path


@pytest.fixture
def db_url(db_path: Path) -> str:
    return f"sqlite:///{db_path}"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, database_source="test")


@pytest.fixture
def clock() -> FixedClock:
    """Tuesday 1 April 2008, 10:00 in London (BST): tests move it on as the story needs."""
    return FixedClock(pendulum.datetime(2008, 4, 1, 10, tz="Europe/London"))


@pytest.fixture
def engine(db_url: str):
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def service(engine, settings: Settings, clock: FixedClock) -> Iterator[CaseService]:
    with session_scope(engine) as session:
        yield CaseService(session, settings, clock)


@pytest.fixture
def agencies(service: CaseService) -> list[str]:
    for code, name, email, escalation in AGENCIES:
        service.add_agency(code, name, email, escalation, actor="test")
    return [a[0] for a in AGENCIES]


class Cli:
    """The real command line, in-process, against the test's database and clock."""

    def __init__(self, db_url: str, clock: FixedClock | None) -> None:
        self.db_url = db_url
        self.clock = clock
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int = 0) -> Result:
        from cli.app import App
        from cli.main import cli

        app = App(db=self.db_url, clock=self.clock)
        result = self.runner.invoke(cli, [str(a) for a in args], obj=app,
                                    env={"CASEWORK_ACTOR": "coordinator"})
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == expect, (
            f"casework {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result


@pytest.fixture
def run(db_url: str, clock: FixedClock) -> Cli:
    return Cli(db_url, clock)
