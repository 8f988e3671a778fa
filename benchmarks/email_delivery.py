"""How fast the outbox delivers a big queue to an SMTP relay, against the wire's own speed.

Target: casework's delivery of 1,000 queued emails to a local SMTP server within 2x the floor:
plain `smtplib`, one session, the same messages' bytes already built, measured in the same run.

Builds a fresh SQLite database in a temporary folder, adds a few agencies, the board mailbox and
some serious case reviews through the real `CaseService`, and queues `--emails` request emails
(default 1,000) with `notifications.notifier.queue_email`, the way the `Notifier` does: each is
rendered from the built-in `request` templates (text and HTML), built into the bytes it will be
sent as, and written to the outbox with its history row; the time to queue them is shown too.

Then it starts an aiosmtpd server on 127.0.0.1 (a free port), which accepts every message and
counts them, the SMTP sessions opened (EHLOs) and the distinct Message-IDs, and times, `--runs`
times each, interleaved: the floor (one `smtplib` session sending the rows' bytes), and
`notifications.outbox.deliver` through `SmtpTransport` (no TLS, no login) from a new session,
as `casework outbox send` would (the rows are put back to pending between runs). It prints the
medians and their ratio.

Run from the project root:

    .venv/bin/python benchmarks/email_delivery.py [--emails N] [--cases N] [--runs N] [--keep]

It is a measurement, not a test: the timings decide nothing. It exits 1 only when the delivery
was wrong: not every email reported sent, marked sent in the database and received by the
server exactly once in each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from shared import bench_settings, table
from sqlalchemy import text
from sqlmodel import select

from casework.config import SmtpSettings
from casework.db import init_database, open_engine, session_scope
from casework.models import OutboxEmail
from casework.service import CaseService
from notifications.message import envelope
from notifications.notifier import queue_email
from notifications.outbox import BATCH, COMMIT_EVERY, deliver
from notifications.render import Renderer
from notifications.transports import SmtpTransport
from workflows.formats import in_words

TARGET_RATIO = 2.0
AGENCIES = [
    ("POLICE", "Kent Police", "safeguarding@police.example.org"),
    ("CSC", "Children's Social Care", "csc-lead@kent.example.org"),
    ("HEALTH", "NHS Kent and Medway", "safeguarding@nhs.example.org"),
    ("EDU", "Education Safeguarding", "education@kent.example.org"),
    ("PROBATION", "Probation Service", "probation@probation.example.org"),
]
REQUESTS = [
    ("Individual management review", "Chronology and analysis of your agency's involvement."),
    ("Chronology", None),
    ("Information for screening", "What your agency knew of the family in the last 2 years."),
]


# -- the SMTP server ----------------------------------------------------------------------


@dataclass
class Counting:
    """An aiosmtpd handler that accepts everything and counts what came (on the server's
    thread; read the figures after the delivery is over)."""

    ehlos: int = 0
    helos: int = 0
    messages: int = 0
    recipients: int = 0
    bytes: int = 0
    sessions: list[Any] = field(default_factory=list)  # kept alive, so ids stay distinct
    session_ids: set[int] = field(default_factory=set)
    message_ids: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.ehlos += 1
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        with self.lock:
            self.helos += 1
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or b""
        headers = BytesHeaderParser().parsebytes(content)
        with self.lock:
            self.messages += 1
            self.recipients += len(envelope.rcpt_tos)
            self.bytes += len(content)
            if id(session) not in self.session_ids:
                self.session_ids.add(id(session))
                self.sessions.append(session)
            key = str(headers.get("Message-ID", ""))
            self.message_ids[key] = self.message_ids.get(key, 0) + 1
        return "250 OK"


def free_port() -> int:
    """aiosmtpd's Controller cannot listen on port 0: ask the OS for a free port, let it go
    and use it (another process could take it in between; unlikely on a test machine)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the queue ----------------------------------------------------------------------------


def queue(url: str, emails: int, cases: int) -> tuple[float, float]:
    """Agencies, cases and `emails` queued emails; returns (seconds to set up the cases,
    seconds to queue and commit the emails)."""
    settings = bench_settings(url)
    engine = open_engine(url)
    try:
        with session_scope(engine) as session:
            service = CaseService(session, settings)
            started = time.perf_counter()
            for code, name, email in AGENCIES:
                service.add_agency(code, name, email, f"head-of-{email}", actor="bench")
            service.set_board_contact("mailbox", "lscb@kent.example.org", actor="bench",
                                      name="LSCB business unit")
            opened = [service.refer_scr(f"Child {n:03d}", actor="bench")
                      for n in range(1, cases + 1)]
            setup = time.perf_counter() - started

            renderer = Renderer(settings.mail.templates)
            today = dt.date.today()
            started = time.perf_counter()
            for i in range(emails):
                case = opened[i % len(opened)]
                code, name, email = AGENCIES[i % len(AGENCIES)]
                title, detail = REQUESTS[i % len(REQUESTS)]
                due = today + dt.timedelta(weeks=4 + i % 8)
                context = {
                    "agency": {"code": code, "name": name},
                    "request": {"key": f"imr:{code}", "title": title, "detail": detail,
                                "label": f"A{i % 9 + 1}", "due": in_words(due),
                                "due_time": None, "original_due": in_words(due),
                                "previous_due": None},
                }
                row = queue_email(service, renderer, key=f"bench/{i}", kind="request",
                                  names=["request"], to=email, case=case, context=context,
                                  actor="bench")
                if row is None:
                    raise SystemExit(f"email bench/{i} was not queued (its key was there)")
            session.commit()
            queued = time.perf_counter() - started
    finally:
        engine.dispose()
    return setup, queued


# -- delivering ---------------------------------------------------------------------------


@dataclass
class Delivered:
    seconds: float
    sent: int
    retrying: int
    failed: int
    via: str
    problems: list[str]
    unavailable: str | None
    rows_sent: int


def deliver_all(url: str, port: int) -> Delivered:
    settings = bench_settings(url)
    transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="none",
                                           timeout=30.0), env={})
    engine = open_engine(url)
    try:
        with session_scope(engine) as session:
            service = CaseService(session, settings)
            started = time.perf_counter()
            report = deliver(service, transport, actor="bench")
            seconds = time.perf_counter() - started
        with engine.connect() as connection:
            rows_sent = connection.execute(
                text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar_one()
    finally:
        engine.dispose()
    return Delivered(seconds, report.sent, report.retrying, report.failed, report.via,
                     report.problems, report.unavailable, rows_sent)


def prebuilt(url: str) -> list[tuple[str, list[str], bytes]]:
    """The floor's input: each row's envelope and the bytes casework will send."""
    engine = open_engine(url)
    try:
        with session_scope(engine) as session:
            rows = list(session.exec(select(OutboxEmail).order_by(OutboxEmail.id)))
            return [(*envelope(row), row.message or b"") for row in rows]
    finally:
        engine.dispose()


def floor(port: int, messages: list[tuple[str, list[str], bytes]]) -> float:
    """Plain smtplib: one session, each message's bytes already built."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30.0) as client:
        for sender, to, data in messages:
            client.sendmail(sender, to, data)
    return time.perf_counter() - started


def requeue(url: str) -> None:
    """Every row back to pending, as if just queued (between timed runs)."""
    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "UPDATE outbox SET status = 'pending', attempts = 0, sent_at = NULL, "
                "first_attempt_at = NULL, claimed_until = NULL, last_error = NULL"))
    finally:
        engine.dispose()


# -- the report ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--emails", type=int, default=1000, help="emails to queue and deliver")
    parser.add_argument("--cases", type=int, default=50,
                        help="cases the emails are spread over (each email has its own key)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of each, interleaved (default 5; medians shown)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (the database) and print its path")
    args = parser.parse_args(argv)
    if args.emails < 1 or args.cases < 1 or args.runs < 1:
        parser.error("--emails, --cases and --runs must be at least 1")

    scratch = Path(tempfile.mkdtemp(prefix="casework-bench-email-"))
    try:
        path = scratch / "casework.db"
        url = f"sqlite:///{path}"
        init_database(url)
        print(f"Queueing {args.emails:,} emails over {args.cases:,} cases in {path} ...",
              flush=True)
        setup_s, queue_s = queue(url, args.emails, args.cases)
        messages = prebuilt(url)

        n, wrong = args.emails, []
        floors: list[float] = []
        done: list[Delivered] = []
        handler = Counting()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port,
                                server_hostname="bench.localhost")
        controller.start()
        try:
            print(f"Delivering to aiosmtpd on 127.0.0.1:{port}, {args.runs} runs each ...",
                  flush=True)
            for run in range(args.runs):
                floors.append(floor(port, messages))
                before = dict(handler.message_ids)
                if run:
                    requeue(url)
                done.append(deliver_all(url, port))
                this_run = {k: v - before.get(k, 0) for k, v in handler.message_ids.items()}
                received = sum(this_run.values())
                twice = sum(1 for count in this_run.values() if count > 1)
                last = done[-1]
                if last.sent != n or last.rows_sent != n:
                    wrong.append(f"run {run + 1}: {last.sent} reported sent, {last.rows_sent} "
                                 f"rows marked sent, not {n}")
                if received != n or twice:
                    wrong.append(f"run {run + 1}: the server received {received} messages "
                                 f"({twice} more than once), not {n}")
        finally:
            controller.stop()

        floor_s = statistics.median(floors)
        casework_s = statistics.median(d.seconds for d in done)
        connections = handler.ehlos + handler.helos
        per_connection = handler.messages / connections if connections else 0.0
        ratio = casework_s / floor_s if floor_s else float("inf")
        print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
              f"{done[0].via}; outbox batch {BATCH}, outcomes committed {COMMIT_EVERY} at a "
              f"time.\n")
        table(("measure", "value", "note"), [
            ("emails queued", f"{n:,}", f"over {args.cases} cases, {len(AGENCIES)} agencies"),
            ("setup (agencies, cases)", f"{setup_s:.2f} s", ""),
            ("queue time", f"{queue_s:.2f} s",
             f"{queue_s * 1000 / n:.2f} ms per email, rendered to bytes + one commit"),
            ("floor: smtplib, bytes prebuilt", f"{floor_s:.3f} s",
             f"median of {args.runs}; {floor_s * 1000 / n:.2f} ms per email"),
            ("casework delivery", f"{casework_s:.3f} s",
             f"median of {args.runs}; {casework_s * 1000 / n:.2f} ms per email"),
            ("ratio to the floor", f"{ratio:.2f}x", f"target < {TARGET_RATIO:.0f}x: "
             + ("PASS" if ratio < TARGET_RATIO else "FAIL")),
            ("SMTP connections (EHLO/HELO)", f"{connections:,}",
             f"{per_connection:.1f} messages per connection, floor's and casework's"),
            ("messages received", f"{handler.messages:,}",
             f"{handler.bytes / 1024:,.0f} KiB over every run"),
        ], "<><")
        for problem in done[-1].problems[:10]:
            print(f"  {problem}")
        if done[-1].unavailable:
            print(f"  server unavailable: {done[-1].unavailable}")
        for line in wrong:
            print(f"WRONG: {line}", file=sys.stderr)
        return 1 if wrong else 0
    finally:
        if args.keep:
            print(f"\nKept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
