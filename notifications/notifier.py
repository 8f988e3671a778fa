"""Requests to agencies: a deadline opened, moved or withdrawn for an agency becomes an email.

The case service announces each change (`casework.events`); the `Notifier` renders the email
and writes it to the outbox with its history row, in the transaction of the change, so a step
and its email are recorded together or not at all. Each email's key says what caused it, and
a key is queued once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from casework.events import MOVED, OPENED, WITHDRAWN, DeadlineChange
from casework.models import BoardContact, Case, Deadline, OutboxEmail
from workflows.formats import action_label, clock_time, in_words

if TYPE_CHECKING:
    from casework.config import Settings
    from casework.service import CaseService
    from notifications.render import Renderer

FALLBACK_SENDER = "casework@localhost"


class Notifier:
    """A listener for `CaseService`: the agency's safeguarding contact hears of each request
    made of it, each new due date, and each request withdrawn."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._renderer: Renderer | None = None
        self.queued: list[OutboxEmail] = []  # this service's, for a preview to show

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:  # jinja2 only when an email is written
            from notifications.render import Renderer

            self._renderer = Renderer(self.settings.mail.templates)
        return self._renderer

    def __call__(self, service: CaseService, change: DeadlineChange) -> None:
        deadline, case = change.deadline, change.case
        code = change.agency or deadline.agency_code
        if not code:
            return
        # a deadline reassigned to another agency: each agency's request and withdrawal once
        suffix = f":{code}" if change.agency else ""
        if change.what == OPENED:
            kind, names = "request", [f"request_{deadline.kind}", "request"]
            key = f"{case.reference}/{deadline.key}/request{suffix}"
        elif change.what == MOVED and deadline.status == "open":
            kind, names = "due_changed", ["due_changed"]
            key = (f"{case.reference}/{deadline.key}/due:{deadline.due_on.isoformat()}"
                   f"/{deadline.extensions}.{deadline.paused_days}")
        elif change.what == WITHDRAWN:
            kind, names = "withdrawn", ["withdrawn"]
            key = f"{case.reference}/{deadline.key}/withdrawn{suffix}"
        else:
            return
        agency = service.agency(code)
        context = {
            "agency": {"code": agency.code, "name": agency.name},
            "request": request_context(deadline, change.previous_due),
        }
        from notifications.ics import attachment

        # The due date in the agency's calendar: the event, its update, its cancellation.
        event = attachment(service, case, deadline, agency.name, withdrawn=kind == "withdrawn")
        row = queue_email(service, self.renderer, key=key, kind=kind, names=names,
                          to=agency.contact_email, case=case, deadline=deadline,
                          actor=change.actor, context=context, attachments=[event])
        if row is not None:
            self.queued.append(row)


def calendar_again(service: CaseService, row: OutboxEmail, case: Case,
                   deadline: Deadline) -> list[dict[str, Any]]:
    """A waiting email's attachments with its calendar event made again from the deadline as
    it now stands (its wording corrected, say): for the agency it was written to (the old
    owner's, for a reassigned action's withdrawal)."""
    if not any(item.get("content_type") == "text/calendar" for item in row.attachments):
        return row.attachments
    from notifications.ics import attachment

    # a reassigned action's request and withdrawal keys end in the agency's code
    last = row.key.rpartition("/")[2]  # request, request:CODE, withdrawn:CODE, or 1.0 (moved)
    code = last.partition(":")[2] if row.kind in ("request", "withdrawn") else ""
    code = code or deadline.agency_code
    name = service.agency(code).name if code else None
    return [attachment(service, case, deadline, name or "", withdrawn=row.kind == "withdrawn")
            if item.get("content_type") == "text/calendar" else item
            for item in row.attachments]


def queue_email(service: CaseService, renderer: Renderer, *, key: str, kind: str,
                names: Sequence[str], to: str, context: dict[str, Any], actor: str,
                case: Case | None = None, deadline: Deadline | None = None,
                cc: str | None = None, attachments: Sequence[dict[str, Any]] = (),
                history_step: str = "email_queued", history_data: dict[str, Any] | None = None,
                contacts: dict[str, BoardContact] | None = None,
                effective: dt.datetime | None = None) -> OutboxEmail | None:
    """Render an email and put it in the outbox with its history row (`history_step`: the
    event it records), unless its key is already there (then None). Commits nothing: the
    caller's transaction does. `contacts`: the board's, when the caller has them;
    `effective`: when its history row says it happened, if not now."""
    session = service.session
    if session.exec(select(OutboxEmail.id).where(OutboxEmail.key == key)).first() is not None:
        return None
    contacts = service.board_contacts() if contacts is None else contacts
    reply_to = board_reply_to(contacts)
    full = {"board": {"name": service.settings.board_name},
            "case": case_context(case) if case is not None else None,
            "reply_to": reply_to, **context}
    rendered = renderer.render(list(names), full)
    now = service.clock.now()
    row = OutboxEmail(
        key=key, kind=kind, case_id=case.id if case else None,
        deadline_id=deadline.id if deadline else None, sender=sender(service, contacts),
        recipients=to, cc=cc, reply_to=reply_to["email"] if reply_to else None,
        subject=rendered.subject, text_body=rendered.text, html_body=rendered.html,
        attachments=list(attachments), next_attempt_at=now, created_at=now)
    from notifications.message import stamp

    stamp(row)  # rendered to its final bytes once, here: delivery only sends them
    session.add(row)
    service.record_email_event(
        case.id if case else None, history_step, actor,
        note=f"{kind} to {to}: {rendered.subject}",
        data={"key": key, "kind": kind, "to": to, "cc": cc, **(history_data or {})},
        effective=effective)
    return row


def case_context(case: Case) -> dict[str, str]:
    """All an email may say of a case: its reference and pseudonym, never the child's
    name, address or date of birth (casework does not hold them)."""
    from workflows import registry

    workflow = registry.version(case.workflow_key, case.workflow_version)
    return {"reference": case.reference, "pseudonym": case.pseudonym,
            "kind_name": workflow.kind_name if workflow else "review"}


def request_context(deadline: Deadline, previous_due: dt.date | None = None) -> dict[str, Any]:
    return {
        "key": deadline.key,
        "title": deadline.title,
        "detail": deadline.detail,
        "label": action_label(deadline.number),
        "due": in_words(deadline.due_on),
        "due_time": clock_time(deadline.due_at) if deadline.unit == "hours" else None,
        "original_due": in_words(deadline.original_due_on),
        "previous_due": in_words(previous_due) if previous_due else None,
    }


def board_reply_to(contacts: dict[str, BoardContact]) -> dict[str, str] | None:
    mailbox = contacts.get("mailbox")
    if mailbox is None:
        return None
    return {"name": mailbox.name or "the board's business unit", "email": mailbox.email}


def sender(service: CaseService, contacts: dict[str, BoardContact]) -> str:
    """`[email] from`, else the board mailbox under the board's name."""
    if service.settings.mail.sender:
        return service.settings.mail.sender
    mailbox = contacts.get("mailbox")
    if mailbox is not None:
        return formataddr((service.settings.board_name, mailbox.email))
    return formataddr((service.settings.board_name, FALLBACK_SENDER))
