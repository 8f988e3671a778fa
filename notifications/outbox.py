"""The outbox: emails wait here as rows until delivery, which is a separate step.

Delivery claims a batch of due rows in one statement (`status` pending -> sending, with a lease
so that rows claimed by a sender that died go back to the queue when it runs out), sends them
over one connection, and records the outcomes of each chunk of COMMIT_EVERY in one transaction:

    pending --sent--> sent
       ^  \\--4xx, dropped connection, server down--> pending again, later (backoff)
       |   \\--5xx, or still failing 3 days after the first try--> failed (the reply kept)
       \\--`casework outbox retry`-- failed

A key is queued once (a unique column), and a row marked sent is never claimed again. The one
gap no mail system closes: a sender killed after the server accepted a message but before it
recorded so re-sends it when the lease runs out - at most the COMMIT_EVERY messages of the
chunk in hand; the Message-ID is the same both times, so a mail client shows each once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from casework import child_names, disclosure
from casework.db import claim as claim_rows
from casework.errors import InvalidInput, NotFound
from casework.models import Case, OutboxEmail
from notifications.message import UNBUILDABLE, envelope, message_id, wire_bytes
from notifications.message import build_message as build_message
from notifications.transports import (
    Connection,
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    Transport,
)
from workflows.formats import labelled

if TYPE_CHECKING:
    from casework.service import CaseService

log = logging.getLogger("casework.outbox")
# A claimed row goes back to the queue after this: longer than one message may take with a
# relay that uses all RFC 5321 allows (10 minutes for the final reply to DATA, and the rest),
# and renewed as each row's turn comes, so no other sender takes a row still being sent.
LEASE = dt.timedelta(minutes=25)
GIVE_UP = dt.timedelta(days=3)  # temporary failures for this long become a failure
BATCH = 100  # rows claimed at a time
# Outcomes are committed this many at a time (one fsync each): a sender killed in a chunk
# re-sends at most this many emails the server had already accepted (README, "Delivery").
COMMIT_EVERY = 50
# Emails the relay may have taken whose outcome is not yet in the database, at any moment: a
# chunk's. So a sender killed at the worst moment sends at most this many twice (the README's
# duplicate window); tests/test_kill_drill.py and tests/test_outbox_bytes.py hold it to it.
IN_FLIGHT = COMMIT_EVERY
STATUSES = ("pending", "sending", "sent", "failed", "cancelled")  # cancelled: by a correction


@dataclass
class DeliveryReport:
    via: str
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unavailable: str | None = None  # why nothing more could go
    problems: list[str] = field(default_factory=list)  # one line per failure or refusal


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes after each failed attempt, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(attempts - 1, 0)))


def _wire(row: OutboxEmail) -> bytes:
    """The row's kept bytes, or (queued before they were kept, or corrected since) built now;
    a row no message can be made of (a line break in a header, stored before it was refused
    at entry) fails alone instead of stopping the delivery."""
    if row.message is not None:
        return row.message
    try:
        return wire_bytes(row)
    except UNBUILDABLE as exc:
        raise PermanentFailure(f"cannot be made into an email ({exc}); the others "
                               "were sent") from None


def as_sent(row: OutboxEmail) -> bytes:
    """What delivery sends for the row (`outbox show --eml`): its kept bytes, else built."""
    try:
        return _wire(row)
    except PermanentFailure as exc:
        why = str(exc).removesuffix("; the others were sent")
        raise InvalidInput(f"email #{row.id} {why}") from None


def deliver(service: CaseService, transport: Transport, *, limit: int | None = None,
            actor: str = "outbox", only: Sequence[int] = ()) -> DeliveryReport:
    """Send what is due in the outbox, oldest first, over one connection; each outcome is
    committed as it comes. `only`: these emails, now, even if waiting to be retried."""
    for number in only:
        row = email(service, number)
        if row.status != "pending":
            raise InvalidInput(f"email #{number} is {row.status}: only a pending email is sent "
                               "now" + (" (`casework outbox retry` it first)"
                                        if row.status == "failed" else ""))
    report = DeliveryReport(transport.describe())
    session = service.session
    session.commit()  # start from a clean transaction: the claim is a statement of its own
    if not only and not _anything_due(service):
        session.rollback()  # the usual run: asked without taking the write lock
        return report
    left = limit
    with contextlib.ExitStack() as open_connection:
        connection: Connection | None = None
        while left is None or left > 0:
            rows = claim(service, BATCH if left is None else min(BATCH, left), only)
            if not rows:
                break
            if left is not None:
                left -= len(rows)
            chunks = [rows[at:at + COMMIT_EVERY] for at in range(0, len(rows), COMMIT_EVERY)]
            chunk = chunks[0]  # just claimed: its lease is fresh
            for number in range(len(chunks)):
                for index, row in enumerate(chunk):
                    try:
                        if connection is None:  # only once there is something to send
                            connection = open_connection.enter_context(transport.connect())
                        sender, to = envelope(row)
                        refused = connection.send(_wire(row), f"{row.id:06d}-{labelled(row.key)}",
                                                  sender, to)
                    except ServerUnavailable as exc:
                        for waiting in [*chunk[index:], *rows[(number + 1) * COMMIT_EVERY:]]:
                            _temporary(service, waiting, str(exc), report)  # back they go
                        report.unavailable = str(exc)
                        session.commit()
                        _log(report)
                        return report
                    except PermanentFailure as exc:
                        _failed(service, row, str(exc), actor, report)
                    except TemporaryFailure as exc:
                        _temporary(service, row, str(exc), report, actor)
                    else:
                        _sent(service, row, refused, actor, transport, report)
                # One commit for the chunk's outcomes (the crash window) and the next chunk's
                # renewed lease.
                chunk = _renewed(service, chunks[number + 1]) if number + 1 < len(chunks) else []
                session.commit()
    _log(report)
    return report


def _log(report: DeliveryReport) -> None:
    """One line a run (keys and addresses only: never a child's details)."""
    if not (report.sent or report.retrying or report.failed or report.unavailable):
        return
    line = (f"outbox via {report.via}: {report.sent} sent, {report.retrying} to retry, "
            f"{report.failed} failed")
    if report.unavailable:
        log.warning("%s; %s", line, report.unavailable)
    else:
        log.info(line)
    for problem in report.problems:
        log.warning("outbox: %s", problem)


def _due(service: CaseService) -> ColumnElement[bool]:
    now = service.clock.now()
    return or_(and_(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now),
               and_(OutboxEmail.status == "sending", OutboxEmail.claimed_until < now))


def _anything_due(service: CaseService) -> bool:
    """One probe of the (status, next_attempt_at) index."""
    probe = select(OutboxEmail.id).where(_due(service)).limit(1)
    return service.session.exec(probe).first() is not None


def claim(service: CaseService, batch: int, only: Sequence[int] = ()) -> list[OutboxEmail]:
    """Take up to `batch` due rows for this sender, in one statement: on PostgreSQL rows
    another sender holds are skipped, on SQLite the statement holds the write lock. `only`:
    these rows if pending, whenever they were due."""
    session = service.session
    now = service.clock.now()
    due = _due(service)
    if only:
        due = and_(OutboxEmail.status == "pending", col(OutboxEmail.id).in_(list(only)))
    claimed = claim_rows(session.connection(), OutboxEmail, due, OutboxEmail.id, batch,
                         status="sending", claimed_until=now + LEASE)
    session.commit()
    if not claimed:
        return []
    query = (select(OutboxEmail).where(OutboxEmail.id.in_(claimed)).order_by(OutboxEmail.id)
             .execution_options(populate_existing=True))
    return list(session.exec(query))


def _renewed(service: CaseService, rows: list[OutboxEmail]) -> list[OutboxEmail]:
    """Renew this sender's lease on the next chunk as its turn comes, in one statement (the
    caller commits it); the rows whose lease ran out meanwhile (another sender may have taken
    them) are left out."""
    session, until = service.session, service.clock.now() + LEASE
    ids = [row.id for row in rows]
    session.connection().execute(
        update(OutboxEmail).where(col(OutboxEmail.id).in_(ids), OutboxEmail.status == "sending",
                                  OutboxEmail.claimed_until == rows[0].claimed_until)
        .values(claimed_until=until))
    held = set(session.exec(select(OutboxEmail.id).where(
        col(OutboxEmail.id).in_(ids), OutboxEmail.status == "sending",
        OutboxEmail.claimed_until == until)))
    kept = []
    for row in rows:
        if row.id in held:
            set_committed_value(row, "claimed_until", until)  # as written: nothing to flush
            kept.append(row)
        else:
            session.expunge(row)
    return kept


def _attempted(service: CaseService, row: OutboxEmail) -> dt.datetime:
    now = service.clock.now()
    row.attempts += 1
    row.first_attempt_at = row.first_attempt_at or now
    row.claimed_until = None
    return now


def _sent(service: CaseService, row: OutboxEmail, refused: list[str], actor: str,
          transport: Transport, report: DeliveryReport) -> None:
    now = _attempted(service, row)
    row.status, row.sent_at = "sent", now
    row.last_error = f"refused: {'; '.join(refused)}" if refused else None
    report.sent += 1
    if refused:
        report.problems.append(f"#{row.id} {row.key}: sent, but {row.last_error}")
    service.record_email_event(
        row.case_id, "email_sent", actor, note=f"{row.kind} to {row.recipients}",
        data={"key": row.key, "message_id": message_id(row), "via": transport.describe(),
              "refused": refused})


def _temporary(service: CaseService, row: OutboxEmail, error: str, report: DeliveryReport,
               actor: str = "outbox") -> None:
    now = _attempted(service, row)
    first = row.first_attempt_at or now
    if now - _aware(first) >= GIVE_UP:
        _failed(service, row, f"still failing {GIVE_UP.days} days after the first attempt "
                              f"({row.attempts} attempts): {error}", actor, report,
                counted=True)
        return
    row.status, row.last_error = "pending", error
    row.next_attempt_at = now + backoff(row.attempts)
    report.retrying += 1


def _failed(service: CaseService, row: OutboxEmail, error: str, actor: str,
            report: DeliveryReport, *, counted: bool = False) -> None:
    if not counted:
        _attempted(service, row)
    row.status, row.last_error = "failed", error
    report.failed += 1
    report.problems.append(f"#{row.id} {row.key}: failed: {error}")
    service.record_email_event(row.case_id, "email_failed", actor,
                               note=f"{row.kind} to {row.recipients}: {error}",
                               data={"key": row.key, "error": error})


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# -- for the coordinator ------------------------------------------------------------------


def emails(service: CaseService, *, status: str | None = None, reference: str | None = None,
           limit: int = 200) -> list[tuple[OutboxEmail, str | None]]:
    """The outbox, newest first, with each email's case reference."""
    query = select(OutboxEmail, Case.reference).join(Case, isouter=True)
    if status:
        if status not in STATUSES:
            raise InvalidInput(f"no status {status!r} (statuses: {', '.join(STATUSES)})")
        query = query.where(OutboxEmail.status == status)
    if reference:
        case = service.case(reference)
        query = query.where(OutboxEmail.case_id == case.id)
    query = query.order_by(OutboxEmail.id.desc()).limit(limit)
    return [(row, ref) for row, ref in service.session.exec(query)]


def email(service: CaseService, number: int) -> OutboxEmail:
    row = service.session.get(OutboxEmail, number)
    if row is None:
        raise NotFound(f"no email #{number} in the outbox")
    return row


def retry(service: CaseService, numbers: Sequence[int], *, actor: str) -> list[OutboxEmail]:
    """Put failed emails back in the queue (after the relay or an address was put right)."""
    rows = [email(service, number) for number in numbers]
    for row in rows:
        if row.status != "failed":
            raise InvalidInput(f"email #{row.id} is {row.status}: only failed emails are "
                               "retried")
    now = service.clock.now()
    for row in rows:
        row.status, row.next_attempt_at, row.first_attempt_at = "pending", now, None
        service.record_email_event(row.case_id, "email_retry", actor,
                                   note=f"{row.kind} to {row.recipients} queued again",
                                   data={"key": row.key, "after": row.last_error})
    service.session.commit()
    return rows


def cancel(service: CaseService, numbers: Sequence[int], *, reason: str,
           actor: str) -> list[OutboxEmail]:
    """Cancel emails not yet sent (written by mistake, or overtaken); each keeps its row and
    a history row says who cancelled it and why."""
    rows = [email(service, number) for number in numbers]
    for row in rows:
        if row.status not in ("pending", "failed"):
            raise InvalidInput(f"email #{row.id} is {row.status}: only an email not yet sent "
                               "can be cancelled")
    if not reason.strip():
        raise InvalidInput("--reason must not be empty")
    for row in rows:  # kept in the case's history: checked as any text about the case is
        case = service.session.get(Case, row.case_id) if row.case_id else None
        disclosure.check(reason, "--reason", child_names.of(case.data) if case else ())
    for row in rows:
        row.status = "cancelled"
        service.record_email_event(row.case_id, "email_cancelled", actor,
                                   note=f"{row.kind} to {row.recipients} cancelled: {reason}",
                                   data={"key": row.key, "id": row.id})
    service.session.commit()
    return rows


def failed_ids(service: CaseService) -> list[int]:
    query = select(OutboxEmail.id).where(OutboxEmail.status == "failed").order_by(OutboxEmail.id)
    return [i for i in service.session.exec(query) if i is not None]
