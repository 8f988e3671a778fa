"""An outbox row as the message that goes over the wire: built once, when it is queued, and
kept in the row (`message`) as the exact bytes sent, CRLF line ends as SMTP carries them.

A row whose bytes are missing (queued before they were kept, or changed by a correction since)
is built from its columns when it is sent; `stamp` builds them again after a change.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, parseaddr
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casework.models import OutboxEmail

UNBUILDABLE = (ValueError, TypeError, KeyError, binascii.Error)


def message_id(row: OutboxEmail) -> str:
    """The same for every attempt at one email, so a duplicate shows as one."""
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:32]
    domain = _address(row.sender).rpartition("@")[2] or "casework.invalid"
    return f"<{digest}.casework@{domain}>"


@functools.lru_cache(maxsize=256)
def _address(mailbox: str) -> str:
    """`Board <a@b>` -> `a@b` (a board sends from one or two: parsed once a process)."""
    return parseaddr(mailbox)[1]


@functools.lru_cache(maxsize=4096)
def _addresses(*fields: str) -> tuple[str, ...]:
    """Every address in these header values (agencies' addresses repeat: parsed once)."""
    return tuple(address for _, address in getaddresses(list(fields)) if address)


def build_message(row: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = row.sender
    message["To"] = row.recipients
    if row.cc:
        message["Cc"] = row.cc
    if row.reply_to:
        message["Reply-To"] = row.reply_to
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = message_id(row)
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    for item in row.attachments:
        maintype, _, subtype = item.get("content_type", "application/octet-stream").partition("/")
        if "text" in item:
            message.add_attachment(item["text"], subtype=subtype or "plain",
                                   filename=item["filename"])
        else:
            message.add_attachment(base64.b64decode(item["data"]), maintype=maintype,
                                   subtype=subtype, filename=item["filename"])
    return message


def wire_bytes(row: OutboxEmail) -> bytes:
    """The message as sent: what `outbox show --eml` prints. Raises UNBUILDABLE errors."""
    return build_message(row).as_bytes(policy=SMTP)


def stamp(row: OutboxEmail) -> None:
    """Keep the row's bytes in step with its columns (when queued, and after a correction).
    A row no message can be made of keeps none: it fails alone when its turn comes."""
    try:
        row.message = wire_bytes(row)
    except UNBUILDABLE:
        row.message = None


def envelope(row: OutboxEmail) -> tuple[str, list[str]]:
    """The SMTP envelope: the From address, and every To and Cc address."""
    return _address(row.sender), list(_addresses(row.recipients, row.cc or ""))
