"""The agencies a board asks things of, and the board's own contacts, by role.

Kept apart from cases because they change on their own (an agency renamed, a chair replaced)
and are read by every email: who is asked, who hears an escalation, whom to reply to. Each
change writes a board-level history row and commits, or changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from casework.addresses import checked
from casework.errors import InvalidInput, UnknownAgency
from casework.models import Agency, BoardContact, Deadline, OutboxEmail
from casework.options import one_line, required
from casework.transaction import atomic
from workflows import registry

if TYPE_CHECKING:
    from casework.service import CaseService

AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,19}$")
# Who the board is, by role, for requests' replies and escalations.
BOARD_ROLES = {"chair": "Board chair",
               **{role: title for w in registry.ALL for role, title in w.roles.items()},
               "mailbox": "Board mailbox"}  # the chair, each process's own, the mailbox


# -- agencies -----------------------------------------------------------------------------


def agencies(service: CaseService, include_inactive: bool = False) -> list[Agency]:
    query = select(Agency).order_by(Agency.code)
    if not include_inactive:
        query = query.where(Agency.active)
    return list(service.session.exec(query))


def agency(service: CaseService, code: str) -> Agency:
    found = service.session.exec(select(Agency).where(Agency.code == code.strip().upper()))
    row = found.first()
    if row is None:
        raise UnknownAgency(code, [a.code for a in agencies(service)])
    return row


def active_agency_code(service: CaseService, code: str) -> str:
    row = agency(service, code)
    if not row.active:
        raise InvalidInput(f"agency {row.code} is no longer active")
    return row.code


@atomic
def add_agency(service: CaseService, code: str, name: str, contact_email: str | Sequence[str],
               escalation_email: str | Sequence[str] | None, *, actor: str) -> Agency:
    code = code.strip().upper()
    if not AGENCY_CODE.match(code):
        raise InvalidInput(f"agency code {code!r} must be 2-20 letters, digits, - or _, "
                           "starting with a letter (e.g. POLICE, KCC-CSC)")
    if service.session.exec(select(Agency.id).where(Agency.code == code)).first():
        raise InvalidInput(f"agency {code} already exists (change it with "
                           "`casework agency update`)")
    row = Agency(code=code, name=_agency_name(name),
                 contact_email=addresses(contact_email, "--email"),
                 escalation_email=addresses(escalation_email, "--escalation-email")
                 if escalation_email else None,
                 created_at=service.clock.now())
    service.session.add(row)
    service.record_history(None, "agency_added", actor, note=f"{code}: {row.name}",
                           data={"code": code, "name": row.name})
    service.commit()
    return row


@atomic
def update_agency(service: CaseService, code: str, *, actor: str, name: str | None = None,
                  contact_email: str | Sequence[str] | None = None,
                  escalation_email: str | Sequence[str] | None = None,
                  active: bool | None = None) -> Agency:
    row = agency(service, code)
    changed: dict[str, Any] = {}
    if name is not None:
        changed["name"] = _agency_name(name)
    if contact_email is not None:
        changed["contact_email"] = addresses(contact_email, "--email")
    if escalation_email is not None:
        changed["escalation_email"] = (addresses(escalation_email, "--escalation-email")
                                       if escalation_email else None)
    if active is not None:
        changed["active"] = active
    if not changed:
        raise InvalidInput("nothing to change: give --name, --email, --escalation-email, "
                           "--active or --inactive")
    before = {k: getattr(row, k) for k in changed}
    for field, value in changed.items():
        setattr(row, field, value)
    readdressed = _readdress(service, row.code, before, changed)
    service.record_history(None, "agency_updated", actor, note=row.code,
                           data={"code": row.code, "from": before, "to": changed,
                                 "emails_readdressed": readdressed})
    service.commit()
    return row


def _readdress(service: CaseService, code: str, before: dict[str, Any],
               changed: dict[str, Any]) -> list[int]:
    """A corrected address reaches the agency's emails still waiting (pending, or failed and
    not yet retried: those are tried again): what was addressed to the old one goes to the
    new. Their ids."""
    swaps = {before[f]: changed[f] for f in ("contact_email", "escalation_email")
             if f in changed and before[f] and changed[f] and before[f] != changed[f]}
    if not swaps:
        return []
    from notifications.message import stamp

    waiting = (select(OutboxEmail).join(Deadline, col(OutboxEmail.deadline_id) == Deadline.id)
               .where(Deadline.agency_code == code,
                      col(OutboxEmail.status).in_(("pending", "failed")))
               .order_by(OutboxEmail.id))
    found = []
    for email in service.session.exec(waiting):
        to, cc = swaps.get(email.recipients, email.recipients), swaps.get(email.cc, email.cc)
        if (to, cc) != (email.recipients, email.cc):
            email.recipients, email.cc = to, cc
            stamp(email)  # the bytes it will send go to the new address too
            if email.status == "failed":
                email.status, email.next_attempt_at = "pending", service.clock.now()
                email.attempts, email.first_attempt_at = 0, None
            found.append(email.id or 0)
    return found


# -- the board ----------------------------------------------------------------------------


def board_contacts(service: CaseService) -> dict[str, BoardContact]:
    """The board's people and mailbox that are set, by role."""
    return {row.role: row for row in service.session.exec(select(BoardContact))}


@atomic
def set_board_contact(service: CaseService, role: str, email: str, *, actor: str,
                      name: str | None = None) -> BoardContact:
    role = role.strip().lower().replace("-", "_")
    if role not in BOARD_ROLES:
        raise InvalidInput(f"no board role {role!r} (roles: {', '.join(BOARD_ROLES)})")
    address = addresses(email, "--email", single=True)
    name = one_line((name or "").strip(), "--name") or None
    if name and (len(name) > 200 or any(c in name for c in '<>@",;')):
        raise InvalidInput("--name is a person's or mailbox's name, without <>@\",;")
    row = service.session.get(BoardContact, role)
    before = {"email": row.email, "name": row.name} if row else None
    if row is None:
        row = BoardContact(role=role, email=address, updated_at=service.clock.now())
        service.session.add(row)
    row.email, row.name, row.updated_at = address, name, service.clock.now()
    service.record_history(None, "board_contact_set", actor,
                           note=f"{BOARD_ROLES[role]}: {address}",
                           data={"role": role, "from": before,
                                 "to": {"email": address, "name": name}})
    service.commit()
    return row


# -- what a coordinator types -------------------------------------------------------------


def _agency_name(value: str | None) -> str:
    text = one_line(required(value, "--name"), "--name")
    if len(text) > 200:
        raise InvalidInput("an agency's --name is at most 200 characters")
    return text


def addresses(value: str | Sequence[str] | None, flag: str, *, single: bool = False) -> str:
    """One or more email addresses (repeated, or separated by commas or semicolons), checked
    one by one and kept as "a@x.org, b@y.org"."""
    given = [value] if value is None or isinstance(value, str) else list(value)
    found: list[str] = []
    for text in given:
        for part in re.split(r"[,;]", required(text, flag)):
            address = part.strip()
            if not address:
                continue
            address = checked(address, flag)
            if address.lower() not in (a.lower() for a in found):
                found.append(address)
    if not found:
        raise InvalidInput(f"{flag} must not be empty")
    if single and len(found) > 1:
        raise InvalidInput(f"{flag} takes one address")
    joined = ", ".join(found)
    if len(joined) > 320:
        raise InvalidInput(f"{flag}: at most 320 characters of addresses in all")
    return joined
