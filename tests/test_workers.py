"""Several scheduler workers on one database: on PostgreSQL they share the work, each level
issued once and each email sent once, and a worker killed mid-sweep loses nothing; on SQLite a
second service is refused or stands by. A batch whose connection fails is tried again.

The PostgreSQL story: 2,000 serious case reviews referred on Monday 7 January 2008, each
with its decision due a month later, Thursday 7 February. Swept as of Monday 31 March 2008,
each decision has two levels due: the escalation (+5 working days, Thursday 14 February) and
the board escalation (+20 working days, Thursday 6 March); the two reminders before the due
date are overtaken. So 4,000 levels, 4,000 emails, and the board's weekly overdue listing
(its slot, Monday 31 March 07:30, has passed): 4,001 emails in all.
"""

from __future__ import annotations

import collections
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool
from sqlmodel import select

from casework.config import Settings, Tuning
from casework.db import open_engine, session_scope
from casework.models import History, OutboxEmail
from casework.service import CaseService
from notifications.notifier import Notifier
from notifications.scheduler import sweep
from tests.conftest import wait_for
from tests.test_outbox_delivery import smtp_config

CASES = 2000
LEVELS = {"escalation+5wd", "board+20wd"}
AS_OF = "2008-03-31"


def casework(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "casework", "--db", url, *args]


def refer(service: CaseService, count: int) -> None:
    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    for _ in range(count):
        service.refer_scr("Child X", actor="c", on="2008-01-07")


def levels_issued(url: str) -> collections.Counter[tuple[int, str]]:
    """(case, level) of every escalation the history records, counted."""
    engine = open_engine(url)
    with session_scope(engine) as session:
        rows = session.exec(select(History.case_id, History.data)
                            .where(History.step == "escalation")).all()
    engine.dispose()
    return collections.Counter((case_id, data["level"]) for case_id, data in rows)


def outbox(url: str) -> list[tuple[str, str]]:
    engine = open_engine(url)
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxEmail.key, OutboxEmail.status)).all()
    engine.dispose()
    return [(key, status) for key, status in rows]


def assert_each_level_once_and_each_email_once(url: str, smtp_sink) -> None:
    issued = levels_issued(url)
    assert set(issued.values()) == {1}
    assert len(issued) == 2 * CASES
    assert {level for _, level in issued} == LEVELS
    rows = outbox(url)
    keys = [key for key, _ in rows]
    assert len(keys) == len(set(keys)) == 2 * CASES + 1
    assert {status for _, status in rows} == {"sent"}
    received = [message["Message-ID"] for message in smtp_sink.messages]
    assert len(received) == len(set(received)) == 2 * CASES + 1
    assert "board/overdue/weekly/2008-03-31" in keys


@pytest.mark.postgresql
def test_four_workers_share_2000_due_deadlines_each_level_once_each_email_once(
        service, db_url, smtp_sink, tmp_path):
    refer(service, CASES)
    config = smtp_config(tmp_path, smtp_sink.port)
    command = casework(db_url, "--config", config, "scheduler", "run-once", "--as-of", AS_OF)
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(4)]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4, outputs
    swept = [int(re.search(r"(\d+) escalations queued", out).group(1)) for out, _ in outputs]
    sent = [int(re.search(r": (\d+) sent", out).group(1)) for out, _ in outputs]
    assert sum(swept) == 2 * CASES
    assert sum(sent) == 2 * CASES + 1
    assert sum(1 for n in swept if n) >= 2, swept  # the work was shared, not serialised
    assert_each_level_once_and_each_email_once(db_url, smtp_sink)


def sweeping(admin, database: str, test_pid: int) -> int | None:
    """The OS pid of a worker inside a sweep batch: its transaction has claimed deadlines
    (holds a row-exclusive lock on the table) and not yet committed."""
    rows = admin.execute(text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE a.datname = :db AND l.relation = 'deadline'::regclass "
        "AND l.mode = 'RowExclusiveLock'"), {"db": database}).scalars().all()
    for name in rows:
        found = re.fullmatch(r"casework \(pid (\d+)\)", name or "")
        if found and int(found.group(1)) != test_pid:
            return int(found.group(1))
    return None


@pytest.mark.postgresql
def test_a_worker_killed_mid_sweep_loses_nothing(service, db_url, smtp_sink, tmp_path):
    refer(service, CASES)
    config = smtp_config(tmp_path, smtp_sink.port)
    command = casework(db_url, "--config", config, "scheduler", "run-once", "--as-of", AS_OF)
    workers = {}
    for _ in range(4):
        worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        workers[worker.pid] = worker
    admin = create_engine(db_url, poolclass=NullPool, isolation_level="AUTOCOMMIT").connect()
    database = admin.engine.url.database
    victim = None
    deadline = time.monotonic() + 120
    while victim is None and time.monotonic() < deadline:
        victim = sweeping(admin, database, os.getpid())
        time.sleep(0.005)
    assert victim in workers, "no worker was seen mid-sweep"
    os.kill(victim, signal.SIGKILL)
    # The killed worker's transaction dies with its connection: the server rolls it back and
    # frees its claimed rows, at once.
    outputs = {pid: worker.communicate(timeout=600) for pid, worker in workers.items()}
    assert workers[victim].returncode == -signal.SIGKILL
    assert [w.returncode for pid, w in workers.items() if pid != victim] == [0] * 3, outputs
    while admin.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                             ":name"), {"name": f"casework (pid {victim})"}).scalar():
        time.sleep(0.05)  # the server has noticed the death
    admin.close()
    # The next run (a worker's next sweep) takes whatever the survivors had already passed.
    after = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert after.returncode == 0, after.stderr
    assert_each_level_once_and_each_email_once(db_url, smtp_sink)


@pytest.mark.postgresql
def test_a_frozen_worker_loses_its_batch_to_another_after_the_idle_timeout(service, db_url,
                                                                           tmp_path):
    """A worker stopped (SIGSTOP) inside a sweep batch holds its claimed rows only until the
    server's idle-in-transaction timeout, the claim's lease (here 1 s): then the server ends
    its session, and another worker sweeps everything. When the frozen worker wakes, its
    batch fails, is tried again, and finds nothing left: no level twice."""
    cases = 600
    refer(service, cases)
    config = tmp_path / "lease.toml"
    config.write_text("[database]\nidle_in_transaction_timeout = 1\n")
    command = casework(db_url, "--config", str(config), "scheduler", "run-once", "--as-of",
                       AS_OF, "--no-send")
    frozen = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    admin = create_engine(db_url, poolclass=NullPool, isolation_level="AUTOCOMMIT").connect()
    deadline = time.monotonic() + 120
    while sweeping(admin, admin.engine.url.database, os.getpid()) != frozen.pid:
        assert time.monotonic() < deadline and frozen.poll() is None, "never seen sweeping"
        time.sleep(0.005)
    frozen.send_signal(signal.SIGSTOP)
    try:
        time.sleep(2)  # past the lease: the server has ended the frozen worker's session
        assert sweeping(admin, admin.engine.url.database, os.getpid()) is None
        other = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert other.returncode == 0, other.stderr
    finally:
        frozen.send_signal(signal.SIGCONT)
        admin.close()
    out, err = frozen.communicate(timeout=300)
    assert frozen.returncode == 0, err
    assert "sweep: the database connection failed (" in err
    swept = [int(re.search(r"(\d+) escalations queued", o).group(1)) for o in (out, other.stdout)]
    assert sum(swept) == 2 * cases
    issued = levels_issued(db_url)
    assert len(issued) == 2 * cases and set(issued.values()) == {1}


@pytest.mark.postgresql
def test_several_scheduler_services_run_at_once_on_postgresql(db_url, tmp_path):
    command = casework(db_url, "scheduler", "run", "--every", "60")
    services = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
    logs = [wait_for(service, "sweep as of") for service in services]
    for service in services:
        service.send_signal(signal.SIGTERM)
    results = [service.communicate(timeout=60) for service in services]
    assert [service.returncode for service in services] == [0, 0], results
    assert all("scheduler started" in log for log in logs)


def test_sqlite_takes_one_scheduler_service_and_a_standby_takes_over(db_path, db_url):
    first = subprocess.Popen(casework(db_url, "scheduler", "run", "--every", "60"),
                             stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        wait_for(first, "sweep as of")
        second = subprocess.run(casework(db_url, "scheduler", "run", "--every", "60"),
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 5
        message = second.stderr.splitlines()[-1]
        assert message.startswith("Error: another `casework scheduler run` is already working "
                                  f"on this database (pid {first.pid} on ")
        assert message.endswith("An SQLite database takes one scheduler: stop that one "
                                "first, or start this one with --standby to take over when "
                                "it stops (several workers need PostgreSQL: README, 'Several "
                                "workers').")
        assert "Traceback" not in second.stderr
        standby = subprocess.Popen(casework(db_url, "scheduler", "run", "--every", "60",
                                            "--standby"),
                                   stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            waiting = wait_for(standby, "standby:")
            assert f"another scheduler is working on this database (pid {first.pid}" in waiting
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=60) == 0
            took_over = wait_for(standby, "sweep as of")
            assert "standby over: this scheduler now works on the database" in took_over
            assert Path(f"{db_path}.scheduler.lock").read_text().startswith(
                f"pid {standby.pid} on ")
        finally:
            standby.send_signal(signal.SIGTERM)
            assert standby.wait(timeout=60) == 0
    finally:
        if first.poll() is None:
            first.kill()
        first.wait()


def test_a_standby_stopped_while_waiting_exits_cleanly(db_path, db_url):
    first = subprocess.Popen(casework(db_url, "scheduler", "run", "--every", "60"),
                             stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        wait_for(first, "sweep as of")
        standby = subprocess.Popen(casework(db_url, "scheduler", "run", "--standby"),
                                   stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        wait_for(standby, "standby:")
        standby.send_signal(signal.SIGTERM)
        _, err = standby.communicate(timeout=60)
        assert standby.returncode == 0, err
        assert "sweep as of" not in err  # it never swept
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)


# -- a batch whose connection fails is tried again ------------------------------------------


def test_a_sweep_batch_whose_connection_fails_is_tried_again(db_url, backend, clock, caplog):
    """As the third batch claims, its connection fails: on PostgreSQL the server terminates
    the session; on SQLite another writer holds the file for 1.5 s, past the sweep's lock
    timeout of 0.2 s. The sweep logs it, waits, tries again, and finishes: each level issued
    once, none lost."""
    tuning = Tuning(lock_timeout=0.2)
    settings = Settings(database_url=db_url, database_source="test", database=tuning)
    settings.overdue_listing = None
    engine = open_engine(db_url, tuning)
    with session_scope(engine) as session:
        service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
        refer(service, 450)  # three batches: 200, 200, 50
    claims: list[str] = []
    holding = threading.Event()

    def hold_the_file() -> None:
        import sqlite3

        raw = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(1.5)
        raw.execute("COMMIT")
        raw.close()

    blocker = threading.Thread(target=hold_the_file)

    @event.listens_for(engine, "before_cursor_execute")
    def cut(connection, cursor, statement, parameters, context, executemany):
        if "UPDATE deadline SET next_level_at=deadline.next_level_at" not in statement:
            return  # not a claim
        claims.append(statement)
        if len(claims) != 3:
            return
        if backend == "postgresql":
            pid = connection.connection.dbapi_connection.info.backend_pid
            admin = create_engine(db_url, poolclass=NullPool)
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.dispose()
        else:
            blocker.start()
            assert holding.wait(10)

    caplog.set_level(logging.WARNING)
    with session_scope(engine) as session:
        service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
        report = sweep(service, pendulum.datetime(2008, 3, 31, 22, 59))
    engine.dispose()
    if blocker.is_alive():
        blocker.join()
    assert report.escalations == 900 and report.deadlines == 450
    warnings = [r.getMessage() for r in caplog.records if r.name == "casework.scheduler"]
    assert warnings, "the failure was not logged"
    assert warnings[0].startswith("sweep: the database connection failed (")
    assert warnings[0].endswith("the batch was rolled back, trying again in 1 s")
    assert len(claims) == 4 + len(warnings)  # three batches, the retries, one that found none
    issued = levels_issued(db_url)
    assert len(issued) == 900 and set(issued.values()) == {1}


@pytest.mark.postgresql
def test_each_postgresql_session_has_the_boards_timeouts(db_url):
    engine = open_engine(db_url, Tuning(statement_timeout=7, lock_timeout=2.5,
                                        idle_in_transaction_timeout=90))
    with engine.connect() as connection:
        shown = {name: connection.exec_driver_sql(f"SHOW {name}").scalar() for name in (
            "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
            "TimeZone", "application_name")}
    engine.dispose()
    assert shown == {"statement_timeout": "7s", "lock_timeout": "2500ms",
                     "idle_in_transaction_session_timeout": "90s", "TimeZone": "UTC",
                     "application_name": f"casework (pid {os.getpid()})"}


@pytest.mark.postgresql
def test_a_statement_past_the_timeout_is_not_tried_again_a_lock_wait_is(db_url):
    """A sweep batch is retried after a lost connection or a lock wait, not after the
    statement timeout: that statement would only run as long again."""
    from sqlalchemy.exc import DBAPIError

    from casework.db import retryable

    hasty = open_engine(db_url, Tuning(statement_timeout=0.2))
    # as the board's defaults have it (60 s, 30 s): the lock timeout is the shorter
    waiting = open_engine(db_url, Tuning(statement_timeout=5, lock_timeout=0.2))
    holder = open_engine(db_url, Tuning())
    try:
        with hasty.connect() as connection, pytest.raises(DBAPIError) as slow:
            connection.exec_driver_sql("SELECT pg_sleep(3)")
        with holder.begin() as held:
            held.exec_driver_sql("SELECT version_num FROM alembic_version FOR UPDATE")
            with waiting.begin() as connection, pytest.raises(DBAPIError) as waited:
                connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
    finally:
        for engine in (hasty, waiting, holder):
            engine.dispose()
    assert (slow.value.orig.sqlstate, retryable(slow.value)) == ("57014", False)
    assert (waited.value.orig.sqlstate, retryable(waited.value)) == ("55P03", True)
