"""Shared fixtures: a real database per test (an SQLite file, or with `--database postgresql`
a fresh database on the PostgreSQL server in CASEWORK_TEST_POSTGRESQL_URL), a clock that moves
only when told, the CLI, a real SMTP server on 127.0.0.1, and a check after every test that no
email or log line carries a child's details."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import ClassVar

import pendulum
import pytest
from click.testing import CliRunner, Result

from casework.clock import FixedClock
from casework.config import Settings
from casework.db import init_database, open_engine, session_scope
from casework.service import CaseService
from notifications.notifier import Notifier

POSTGRESQL_URL = "CASEWORK_TEST_POSTGRESQL_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--database", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database every test runs on; postgresql needs a server's URL "
                          f"in {POSTGRESQL_URL} (README, 'Tests on PostgreSQL')")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: needs PostgreSQL: runs in the suite's "
                                       "PostgreSQL run (`--database postgresql`) only")
    if config.getoption("--database") == "postgresql" and not os.environ.get(POSTGRESQL_URL):
        raise pytest.UsageError(f"--database postgresql needs {POSTGRESQL_URL}, e.g. "
                                "postgresql+psycopg://casework:casework@127.0.0.1:55432/x "
                                "(a role that may create databases)")


def pytest_report_header(config: pytest.Config) -> str:
    if config.getoption("--database") == "postgresql":
        from casework.db import describe

        return f"database: PostgreSQL at {describe(os.environ[POSTGRESQL_URL])}"
    return "database: SQLite files"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database") == "postgresql":
        return
    skip = pytest.mark.skip(reason="PostgreSQL only: runs in the PostgreSQL run "
                                   "(`python3 run.py test` with a server; README)")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


class PostgresServer:
    """The test server: a database per test, made from a migrated template database."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url)
        self.admin = create_engine(self.url.set(database="postgres"), poolclass=NullPool,
                                   isolation_level="AUTOCOMMIT")
        self.names = (f"casework_test_{os.getpid()}_{n}" for n in itertools.count())

    def create(self, template: str | None = None) -> str:
        name = next(self.names)
        self._retried(f'CREATE DATABASE "{name}"'
                      + (f' TEMPLATE "{template}"' if template else ""))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self._retried(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def _retried(self, statement: str) -> None:
        """An autovacuum worker (the server's own, which our role may not end) can be in a
        fresh database or its template for a moment: CREATE then finds the template "being
        accessed by other users" and DROP ... FORCE may not terminate it. It leaves within a
        second or two, so try again a few times before failing."""
        import time

        from sqlalchemy.exc import DBAPIError

        for pause in (0.2, 0.5, 1, 2, 4, None):
            try:
                with self.admin.connect() as connection:
                    connection.exec_driver_sql(statement)
                return
            except DBAPIError:
                if pause is None:
                    raise
                time.sleep(pause)


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    """The database the suite runs on: "sqlite" or "postgresql"."""
    return pytestconfig.getoption("--database")


@pytest.fixture(scope="session")
def postgres(backend: str) -> Iterator[PostgresServer | None]:
    if backend != "postgresql":
        yield None
        return
    server = PostgresServer(os.environ[POSTGRESQL_URL])
    yield server
    server.admin.dispose()


@pytest.fixture
def _databases(postgres: PostgresServer | None) -> Iterator[list[str]]:
    """The PostgreSQL databases a test made: dropped after the privacy check has read them."""
    made: list[str] = []
    yield made
    for url in made:
        postgres.drop(url)


@pytest.fixture
def empty_db_url(tmp_path: Path, postgres: PostgresServer | None,
                 _databases: list[str]) -> str:
    """A database with no schema yet, on the suite's backend."""
    if postgres is None:
        return f"sqlite:///{tmp_path / 'empty' / 'casework.db'}"
    _databases.append(postgres.create())
    return _databases[-1]

AGENCIES = [
    ("POLICE", "Kent Police", "pp@police.example.org", "chief@police.example.org"),
    ("CSC", "Children's Social Care", "duty@csc.example.org", "director@csc.example.org"),
    ("HEALTH", "Primary Care Trust", "nurse@pct.example.org", None),
    ("EDU", "Education", "cp@edu.example.org", None),
]


# What a coordinator might type about a child where it does not belong. casework holds no
# name, address or date of birth; tests type these into free-text fields (notes, reasons,
# rationales) and every email and log line of every test is checked for them.
CHILD_DETAILS = ("Jayden Okafor", "Okafor", "14 Acacia Avenue", "ME14 2QT", "2006-03-14",
                 "14/03/2006", "14 March 2006")
# The ones the disclosure check cannot recognise (a name, a street), so free text still takes
# them: the tests that type child details into notes type these (casework.disclosure).
TYPEABLE_DETAILS = CHILD_DETAILS[:3]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes a developer's real config or database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    for name in ("CASEWORK_DATABASE_URL", "CASEWORK_CONFIG", "CASEWORK_ACTOR",
                 "CASEWORK_SMTP_PASSWORD", "COLUMNS", "LINES", "PAGER", "CASEWORK_PAGER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_child_details_leave(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                            _databases: list[str]) -> Iterator[None]:
    """After each test: every email it queued (the outbox of each database it made), wrote
    (.eml files) or delivered (the SMTP servers'), and every log line, is free of the child
    details in CHILD_DETAILS."""
    SmtpSink.received_this_test.clear()
    caplog.set_level(logging.INFO)
    yield
    texts: list[tuple[str, str]] = []
    outbox = "SELECT key, subject, text_body, html_body, recipients, cc, attachments FROM outbox"
    for db in tmp_path.rglob("*.db"):
        with contextlib.closing(sqlite3.connect(db)) as raw:
            if raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'outbox'").fetchone():
                for row in raw.execute(outbox):
                    texts.append((f"{db.name} outbox {row[0]}", " ".join(map(str, row[1:]))))
    for url in _databases:
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.pool import NullPool

        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as connection:
            if inspect(connection).has_table("outbox"):
                for row in connection.exec_driver_sql(outbox):
                    texts.append((f"outbox {row[0]}", " ".join(map(str, row[1:]))))
        engine.dispose()
    texts += [(str(path), readable(message_from_bytes(path.read_bytes(), policy=default_policy)))
              for path in tmp_path.rglob("*.eml")]
    texts += [("smtp", readable(message)) for message in SmtpSink.received_this_test]
    texts += [("log", record.getMessage()) for record in caplog.records]
    for where, text in texts:
        for detail in CHILD_DETAILS:
            assert detail.lower() not in text.lower(), f"{detail!r} leaked into {where}"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory,
                       postgres: PostgresServer | None) -> Iterator[str]:
    """An SQLite file, or a PostgreSQL database, migrated once per run."""
    if postgres is None:
        path = tmp_path_factory.mktemp("template") / "casework.db"
        init_database(f"sqlite:///{path}")
        yield str(path)
        return
    from sqlalchemy.engine import make_url

    url = postgres.create()
    init_database(url)
    yield make_url(url).database
    postgres.drop(url)


@pytest.fixture
def db_url(tmp_path: Path, _migrated_template: str, postgres: PostgresServer | None,
           _databases: list[str]) -> str:
    """A fresh, migrated database: an SQLite file copied from the template, or a PostgreSQL
    database made from the template database."""
    if postgres is None:
        path = tmp_path / "casework.db"
        shutil.copy(_migrated_template, path)
        return f"sqlite:///{path}"
    _databases.append(postgres.create(template=_migrated_template))
    return _databases[-1]


@pytest.fixture
def db_path(db_url: str, backend: str) -> Path:
    """The SQLite file behind `db_url`, for a test about SQLite itself (SQLite run only)."""
    if backend != "sqlite":
        pytest.skip("about the SQLite file itself: runs in the SQLite run")
    from casework.db import sqlite_path

    path = sqlite_path(db_url)
    assert path is not None
    return path


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
    """The case service as the command line builds it: with the notifier queuing emails."""
    with session_scope(engine) as session:
        yield CaseService(session, settings, clock, listeners=[Notifier(settings)])


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


def readable(message) -> str:
    """An email's headers and every text part, decoded (quoted-printable breaks words)."""
    parts = [f"{name}: {value}" for name, value in message.items()]
    parts += [part.get_content() for part in message.walk()
              if part.get_content_maintype() == "text"]
    return "\n".join(parts)


# -- services run as processes ---------------------------------------------------------


def wait_for(process: subprocess.Popen, text_seen: str, timeout: float = 60) -> str:
    """Read a service's log (stderr) until `text_seen` appears; what was read."""
    seen = ""
    end = time.monotonic() + timeout
    while text_seen not in seen:
        assert time.monotonic() < end, f"never saw {text_seen!r} in: {seen}"
        line = process.stderr.readline()
        assert line or process.poll() is None, f"exited {process.poll()}: {seen}"
        seen += line
    return seen


# -- a real SMTP server on 127.0.0.1 ------------------------------------------------------


def free_port() -> int:
    """aiosmtpd cannot bind port 0: ask the system for a free port first."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """aiosmtpd in a thread, keeping what it receives. `mode` makes it misbehave:
    "ok", "tempfail" (451 at DATA), "reject" (554 at DATA), "drop" (closes the connection
    in the middle of a message), "reject_rcpt" (550 for every recipient)."""

    received_this_test: ClassVar[list[EmailMessage]] = []

    def __init__(self, **server_options) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.mode = "ok"
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # each message's bytes as they arrived
        self.envelopes: list[tuple[str, list[str]]] = []
        self.ehlos = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                     **server_options)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.ehlos += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject_rcpt":
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "tempfail":
            return "451 4.3.0 Mail system busy, try again later"
        if self.mode == "reject":
            return "554 5.7.1 Message refused by policy"
        if self.mode == "drop":
            server.transport.close()
            return "421 closing"
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(message)
        self.raw.append(envelope.original_content or envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        SmtpSink.received_this_test.append(message)
        return "250 2.0.0 Accepted"

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made by openssl), and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context
