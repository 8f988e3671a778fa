"""The SIGKILL drill (issue 20): `casework scheduler run-once` as a real process, killed again
and again mid-sweep and mid-delivery against a counting SMTP server on 127.0.0.1, then a clean
run: no email lost, none stuck, a duplicate only inside the README's window (the relay took
the message but the process died before its "250" reached the database), the database whole.

Seeded (KILL_SEED; KILLS to widen it), so a failure reproduces:
    KILLS=60 .venv/bin/python -m pytest -q tests/test_kill_drill.py
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import update
from sqlmodel import select

from casework.models import OutboxEmail
from notifications.outbox import IN_FLIGHT, LEASE, message_id
from tests.conftest import SmtpSink, free_port
from tests.test_outbox_delivery import smtp_config

SEED = int(os.environ.get("KILL_SEED", "20"))
KILLS = int(os.environ.get("KILLS", "21"))
CASES = 30  # each with two escalation levels due (an email each); and the board's listing
AS_OF = "2008-03-31"


class CountingRelay:
    """aiosmtpd that keeps every Message-ID it accepts, in order, and takes a few
    milliseconds over each (so a kill can land mid-delivery)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.received: list[str] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.003)
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append(message["Message-ID"])
        SmtpSink.received_this_test.append(message)  # the privacy check reads these too
        return "250 2.0.0 Accepted"


@pytest.fixture
def relay():
    counting = CountingRelay()
    counting.controller.start()
    yield counting
    counting.controller.stop()


def statuses(service) -> dict[str, str]:
    """Message-ID -> status of every email in the outbox."""
    service.session.expire_all()
    return {message_id(row): row.status for row in service.session.exec(select(OutboxEmail))}


def lease_runs_out(service) -> None:
    """What 25 minutes do to the rows a killed sender held: move each lease back by LEASE,
    to the moment it was taken (the real clock of the process: it cannot be frozen)."""
    held = service.session.exec(select(OutboxEmail).where(OutboxEmail.status == "sending"))
    for row in held.all():
        service.session.execute(update(OutboxEmail).where(OutboxEmail.id == row.id)
                                .values(claimed_until=row.claimed_until - LEASE))
    service.session.commit()


def writing(db_path) -> bool:
    """Whether another connection holds the database's write lock (a sweep batch, a claim or
    an outcome being committed)."""
    probe = sqlite3.connect(db_path, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def wait_until(done, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not done() and time.monotonic() < end:
        time.sleep(0.002)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_mid_sweep_and_mid_delivery_no_email_lost_duplicates_only_in_the_window(
        service, db_url, db_path, relay, tmp_path):
    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    for _ in range(CASES):
        service.refer_scr("Child X", actor="c", on="2008-01-07")
    service.session.commit()
    command = [sys.executable, "-m", "casework", "--db", db_url, "--config",
               smtp_config(tmp_path, relay.port), "scheduler", "run-once", "--as-of", AS_OF]
    rng = random.Random(SEED)
    cases = CASES
    kills: Counter[str] = Counter()
    in_flight: list[str] = []  # accepted by the relay, not recorded as sent, when killed
    rounds = 0
    while kills.total() - kills["finished first"] < KILLS:
        rounds += 1
        assert rounds <= 2 * KILLS, kills  # a run that always finishes first is no drill
        sweep_round = rng.random() < 0.45
        if sweep_round:  # more late decisions, so that this run has a sweep to be killed in
            for _ in range(25):
                service.refer_scr("Child X", actor="c", on="2008-01-07")
            service.session.commit()
            cases += 25
        before = len(relay.received)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if sweep_round:  # a moment after the run takes the write lock for a sweep batch
            wait_until(lambda p=process: writing(db_path) or p.poll() is not None, 30)
            time.sleep(rng.uniform(0, 0.1))
        else:  # once the relay has taken a few of this run's messages
            wanted = before + rng.randint(1, 12)
            wait_until(lambda p=process, n=wanted: len(relay.received) >= n
                       or p.poll() is not None, 30)
            time.sleep(rng.uniform(0, 0.006))
        if process.poll() is not None:
            kills["finished first"] += 1
            continue
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        now = statuses(service)
        kills["mid-delivery" if len(relay.received) > before else
              "mid-sweep" if len(now) < cases * 2 + 1 else "between sweep and delivery"] += 1
        lost_reply = [m for m in relay.received[before:] if now.get(m) != "sent"]
        assert len(lost_reply) <= IN_FLIGHT, lost_reply
        in_flight += lost_reply
        lease_runs_out(service)
    # The clean run finishes what is left.
    finish = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finish.returncode == 0, finish.stderr
    assert "Traceback" not in finish.stderr
    final = statuses(service)
    assert len(final) == cases * 2 + 1  # every level queued once, and the listing
    assert set(final.values()) == {"sent"}, Counter(final.values())  # none stuck, none failed
    received = Counter(relay.received)
    assert set(received) == set(final)  # 0 lost: every email reached the relay
    # Each extra copy is of a message the relay had taken when a run was killed (the same
    # message can be caught so twice), and no more than IN_FLIGHT a kill.
    extra = received - Counter(set(received))
    assert extra == Counter(in_flight)
    assert sum(extra.values()) <= IN_FLIGHT * kills["mid-delivery"]
    assert kills["mid-delivery"] >= KILLS // 4 and kills["mid-sweep"] >= KILLS // 5, kills
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    doctor = subprocess.run([sys.executable, "-m", "casework", "--db", db_url, "doctor"],
                            capture_output=True, text=True, timeout=60)
    assert doctor.returncode == 0
    assert doctor.stdout == "No damaged cases: every case and deadline can be read.\n"
    print(f"\nkill drill: {dict(kills)}; {len(final)} emails, 0 lost, "
          f"{sum(extra.values())} duplicate copies of {len(extra)} emails, all in flight")
