"""Each email is rendered to its final bytes once, when queued: the outbox row holds exactly
what is sent, `outbox show --eml` prints it, and delivery commits its outcomes a chunk at a
time (the crash window that opens: at most a chunk re-sent, with the same Message-IDs)."""

from __future__ import annotations

import contextlib

from sqlmodel import select

from casework.models import OutboxEmail
from notifications.outbox import COMMIT_EVERY, LEASE, deliver
from notifications.transports import FolderTransport
from tests.test_emails import commissioned
from tests.test_outbox_delivery import rows, smtp


def test_the_row_holds_what_is_sent_and_show_eml_prints_it(service, agencies, run, tmp_path):
    commissioned(service)
    first = rows(service)[0]
    assert first.message is not None
    assert first.message.startswith(b"From: Local Safeguarding Children Board <lscb@kent")
    assert b"\r\nMessage-ID: <" in first.message
    assert b"\n" not in first.message.replace(b"\r\n", b"")  # CRLF line ends, as SMTP sends
    shown = run("outbox", "show", "--eml", str(first.id)).stdout_bytes
    assert shown == first.message
    deliver(service, FolderTransport(tmp_path / "out"))
    written = sorted((tmp_path / "out").glob("*.eml"))
    assert written[0].read_bytes() == shown  # the very bytes, not built again


def test_an_address_correction_reaches_the_kept_bytes(service, agencies, run, smtp_sink):
    commissioned(service)
    run("agency", "update", "CSC", "--email", "new-duty@csc.example.org")
    service.session.expire_all()
    csc = service.session.exec(select(OutboxEmail).where(
        OutboxEmail.key.endswith("imr:CSC/request"))).one()
    assert b"To: new-duty@csc.example.org\r\n" in csc.message
    assert b"duty@csc.example.org" not in csc.message.replace(b"new-duty@csc", b"")
    assert run("outbox", "show", "--eml", str(csc.id)).stdout_bytes == csc.message
    deliver(service, smtp(smtp_sink.port))
    assert ("lscb@kent.example.org", ["new-duty@csc.example.org"]) in smtp_sink.envelopes


def test_a_row_queued_without_bytes_is_built_when_sent(service, agencies, smtp_sink):
    """Rows queued before migration 0006 have no bytes: they still go, built as before."""
    commissioned(service)
    for row in rows(service):
        row.message = None
    service.session.commit()
    assert deliver(service, smtp(smtp_sink.port)).sent == 3
    assert smtp_sink.messages[0]["Subject"].startswith("IMR requested: SCR-2007-001")


class Dies(Exception):
    """The sender's process killed mid-chunk (after the server accepted some messages)."""


class DiesAfter:
    """A transport (the designed seam) over the real SMTP sink that dies after `n` sends."""

    def __init__(self, inner, n: int) -> None:
        self.inner, self.left = inner, n

    def describe(self) -> str:
        return self.inner.describe()

    @contextlib.contextmanager
    def connect(self):
        with self.inner.connect() as real:
            yield self.Sending(real, self)

    class Sending:
        def __init__(self, real, owner) -> None:
            self.real, self.owner = real, owner

        def send(self, message, name, sender, to):
            if self.owner.left == 0:
                raise Dies
            self.owner.left -= 1
            return self.real.send(message, name, sender, to)


def test_a_sender_killed_mid_chunk_resends_at_most_a_chunk_with_the_same_ids(
        service, agencies, smtp_sink):
    from notifications.notifier import queue_email

    case = service.case(commissioned(service))  # 3 emails, and 57 more
    for number in range(COMMIT_EVERY + 7):
        queue_email(service, service.listeners[0].renderer, key=f"bulk/{number}",
                    kind="request", names=["request"], to=f"a{number}@example.org",
                    case=case, actor="test", context={"agency": {"code": "X", "name": "X"},
                                           "request": {"title": "t", "detail": None,
                                                       "label": None, "due": "Friday",
                                                       "due_time": None}})
    service.session.commit()
    killed = DiesAfter(smtp(smtp_sink.port), COMMIT_EVERY - 1)
    with contextlib.suppress(Dies):
        deliver(service, killed)
    service.session.rollback()
    accepted = len(smtp_sink.messages)
    assert accepted == COMMIT_EVERY - 1
    assert [r.status for r in rows(service)].count("sent") == 0  # the chunk never committed
    service.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert deliver(service, smtp(smtp_sink.port)).sent == COMMIT_EVERY + 10
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) - len(set(ids)) == COMMIT_EVERY - 1  # the window: that chunk, no more
    assert set(ids[:accepted]) <= set(ids[accepted:])  # each re-sent under its own id
