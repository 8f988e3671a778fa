"""Putting a record right: withdrawing an action entered by mistake, correcting a fact.

A correction is an event, never an edit of the past: the row it corrects stays in the history,
and a new history row says who corrected what, when and why (with the value before and after).
Readers then show the record *as corrected*: a withdrawn action counts in no figure and no
listing, on any day, because it was never owed; `case history` shows that it was once
believed, and when that was put right. (Voiding a step is `casework.voiding`.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from casework import child_names, disclosure
from casework.changes import Closed, Moved
from casework.dates import local_date
from casework.errors import InvalidInput, UnknownDeadline
from casework.events import OPENED, WITHDRAWN, DeadlineChange
from casework.models import Case, Deadline, OutboxEmail
from casework.name_corrections import FIELD, TYPED_AS, NamesCorrected, correct_names
from casework.options import required
from casework.transaction import atomic
from workflows.formats import action_label

if TYPE_CHECKING:
    from casework.service import CaseService

WITHDRAWN_STATUS = "withdrawn"
SUBJECT_LIMIT = 500  # as an email's subject is rendered (`notifications.render`)
CORRECTABLE = ("pseudonym",)  # the case's own columns; anything else is a recorded fact


@dataclass
class Withdrawal:
    """What withdrawing one deadline did, for the command line to say."""

    case: Case
    deadline: Deadline
    status_before: str
    cancelled: list[int]  # outbox emails not yet sent, now cancelled
    told: bool  # the agency had been emailed, so it is told of the withdrawal


def checked(case: Case, text: str, flag: str) -> str:
    """The disclosure check, with the case's child's names (kept as keyed hashes)."""
    return disclosure.check(text, flag, child_names.of(case.data)) or text


def find_deadline(service: CaseService, case: Case, key: str, *,
                  open_only: bool = False) -> Deadline:
    """A deadline of the case by its key, or an action by its label (A2); `open_only` for a
    change only an open one takes (an extension)."""
    wanted = key.strip().lower()
    if re.fullmatch(r"a\d+", wanted):
        wanted = f"action:{wanted[1:]}"
    deadlines = service.deadlines_of(case)
    for deadline in deadlines:
        if deadline.key.lower() == wanted:
            if open_only and deadline.status != "open":
                raise InvalidInput(f"{label(deadline)} is already {deadline.status}")
            return deadline
    if open_only:
        keys = ", ".join(label(d) for d in deadlines if d.status == "open") or "none"
        raise UnknownDeadline(f"{case.reference} has no deadline {key!r} (open: {keys})")
    keys = ", ".join(label(d) for d in deadlines if d.status != WITHDRAWN_STATUS) or "none"
    raise UnknownDeadline(f"{case.reference} has no deadline {key!r} (deadlines: {keys})")


def label(deadline: Deadline) -> str:
    return str(action_label(deadline.number)) if deadline.kind == "action" else deadline.key


def cancel_pending(service: CaseService, deadline: Deadline, *,
                   kinds: tuple[str, ...] = ()) -> tuple[list[int], bool]:
    """Cancel the deadline's emails not yet sent (of these kinds, or all); and whether any
    had been sent already (then the agency must be told of what undoes them)."""
    query = select(OutboxEmail).where(OutboxEmail.deadline_id == deadline.id)
    cancelled, sent = [], False
    for row in service.session.exec(query.order_by(OutboxEmail.id)):
        if kinds and row.kind not in kinds:
            continue
        if row.status in ("pending", "failed"):
            row.status, row.next_attempt_at = "cancelled", service.clock.now()
            cancelled.append(row.id or 0)
        elif row.status in ("sent", "sending"):
            sent = True
    return cancelled, sent


@atomic
def withdraw(service: CaseService, reference: str, key: str, *, reason: str, actor: str,
             on: str | dt.datetime | None = None) -> Withdrawal:
    """Withdraw an action entered by mistake (twice, or in the wrong case), open or closed:
    it leaves the plan and every figure; the agency hears only if it was emailed."""
    case = service.case(reference)
    reason = checked(case, required(reason, "--reason"), "--reason")
    deadline = find_deadline(service, case, key)
    if deadline.kind != "action":
        raise InvalidInput(f"{deadline.key} was asked for by a step, not entered in the action "
                           "plan: void that step instead (`casework case void`)")
    if deadline.status == WITHDRAWN_STATUS:
        raise InvalidInput(f"{label(deadline)} is already withdrawn")
    effective = service.effective(on, not_before=case.last_step_on)  # the one rule
    before = deadline.status
    cancelled, sent = cancel_pending(service, deadline)
    deadline.status = WITHDRAWN_STATUS
    deadline.closed_on, deadline.closed_at = local_date(effective), effective
    deadline.note = f"withdrawn: {reason}"
    deadline.next_level_at = None
    if sent and before == "open":  # a closed one was already settled with the agency
        service.announce(DeadlineChange(WITHDRAWN, case, deadline, actor, effective))
    service.record_history(
        case, "action_withdrawn", actor, effective=effective, note=reason,
        data={"deadlines": [Closed(WITHDRAWN_STATUS, deadline.key, deadline.due_on).as_data()],
              "status_before": before, "emails_cancelled": cancelled})
    service.commit(case)
    return Withdrawal(case, deadline, before, cancelled, sent and before == "open")


@dataclass
class Correction:
    """What a correction changed, for the command line to say."""

    case: Case
    field: str  # pseudonym, a fact's name, a key date's event, or A2.text / A2.agency
    before: Any
    after: Any
    moved: list[Moved] = dataclasses.field(default_factory=list)  # counted from a key date
    emails: list[int] = dataclasses.field(default_factory=list)  # unsent, now corrected


@atomic
def correct(service: CaseService, reference: str, field: str, value: str, *, reason: str,
            actor: str, replacing: str | None = None,
            drop: bool = False) -> Correction | NamesCorrected:
    """Correct a recorded fact: the case's pseudonym, a fact a step recorded (a panel
    member, say), an action's wording (`A2.text`) or owner (`A2.agency`), or the child's
    names (`child-name`: kept, or with `drop` or `replacing` dropped, as keyed hashes)."""
    case = service.case(reference)
    name = field.strip()
    if name.lower().replace("-", "_").replace(" ", "_") in (FIELD, f"{FIELD}s"):
        return correct_names(service, case, value, replacing=replacing, drop=drop,
                             reason=reason, actor=actor)
    if drop or replacing is not None:
        raise InvalidInput(f"--drop and --replacing are for the child's names ({TYPED_AS}) "
                           "only")
    reason = checked(case, required(reason, "--reason"), "--reason")
    text = required(value, "the corrected value")
    if not name.lower().endswith(".agency"):  # a wording, a pseudonym or a fact: it is shown
        checked(case, text, "the corrected value")
    if "." in name:
        return _correct_deadline(service, case, name, text, reason, actor)
    key = name.lower().replace("-", "_").replace(" ", "_")
    if key in case.data.get("events", {}):
        from casework.keydates import correct_key_date

        return correct_key_date(service, case, key, text, reason, actor)
    if key in CORRECTABLE:
        if len(text) > 80:
            raise InvalidInput("a pseudonym is at most 80 characters")
        before: Any = case.pseudonym
        case.pseudonym = text
        if before != text:
            emails = _renamed(service, case, before, text)
            return _recorded(service, case, key, before, text, reason, actor,
                             emails_updated=emails)
    elif key in case.data and key not in ("events", child_names.STORED_AS):
        before = case.data[key]
        if isinstance(before, dict):
            raise InvalidInput(f"{key} holds several values: correct them one by one")
        after: Any = [v.strip() for v in text.split(",")] if isinstance(before, list) else text
        case.data = {**case.data, key: after}
        text = after
    else:
        facts = ", ".join(["pseudonym", TYPED_AS, *(k for k in case.data
                                          if k not in ("events", child_names.STORED_AS))])
        dates = ", ".join(case.data.get("events", {})) or "none"
        raise InvalidInput(f"{case.reference} has no fact {name!r} to correct (facts: {facts}; "
                           f"key dates: {dates}; an action's wording or owner: A1.text, "
                           "A1.agency)")
    if before == text:
        raise InvalidInput(f"{key} is already {text!r}")
    return _recorded(service, case, key, before, text, reason, actor)


def _renamed(service: CaseService, case: Case, old: str, new: str) -> list[int]:
    """The case's emails not yet sent name the child by the corrected pseudonym too."""
    return reworded(service, OutboxEmail.case_id == case.id, old, new)


def reworded(service: CaseService, which: Any, old: str, new: str, *,
             remade: Callable[[OutboxEmail], list[dict[str, Any]]] | None = None) -> list[int]:
    """The emails not yet sent (of those `which` selects) that say `old` say `new` instead:
    as a whole word, in the subject, the text and the HTML (as escaped there). `remade` gives
    a row's attachments made again. Their bytes are stamped again; the ids of those changed.
    Emails sent are left as they went: the agency got what it got."""
    import html

    from markupsafe import escape

    from notifications.message import stamp

    def swap(text: str | None, pairs: list[tuple[str, str]]) -> str | None:
        forms = dict(pairs)  # each form once, in one pass: a new word is never swapped again
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True) if f)
        if text is None or not alternatives:
            return text
        return re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", lambda m: forms[m[0]], text)

    plain = [(old, new), (" ".join(old.split()), " ".join(new.split()))]  # a subject is one line
    marked = [(str(escape(old)), str(escape(new))), (html.escape(old), html.escape(new))]
    query = (select(OutboxEmail).where(which, col(OutboxEmail.status).in_(("pending", "failed")))
             .with_for_update())  # on PostgreSQL a sender skips them until this commits
    changed = []
    for email in service.session.exec(query.order_by(OutboxEmail.id)):
        now = [(swap(email.subject, plain) or "")[:SUBJECT_LIMIT], swap(email.text_body, plain),
               swap(email.html_body, marked),
               remade(email) if remade is not None else email.attachments]
        if now != [email.subject, email.text_body, email.html_body, email.attachments]:
            email.subject, email.text_body, email.html_body, email.attachments = now  # type: ignore[assignment]
            stamp(email)  # the bytes it will send say the corrected words too
            changed.append(email.id or 0)
    return changed


def _reassigned(service: CaseService, case: Case, deadline: Deadline, before: str | None,
                actor: str) -> None:
    """An action given to the wrong agency: what waits for the old one is cancelled (or, if
    it was emailed, it is told the request is withdrawn) and the new one is asked."""
    now = service.clock.now()
    _, sent = cancel_pending(service, deadline)
    if sent and before:
        service.announce(DeadlineChange(WITHDRAWN, case, deadline, actor, now, agency=before))
    service.announce(DeadlineChange(OPENED, case, deadline, actor, now,
                                    agency=deadline.agency_code))


def _correct_deadline(service: CaseService, case: Case, name: str, text: str, reason: str,
                      actor: str) -> Correction:
    key, _, part = name.rpartition(".")
    deadline = find_deadline(service, case, key)
    part = part.lower()
    if deadline.kind != "action" or part not in ("text", "agency"):
        raise InvalidInput(f"only an action's wording or owner can be corrected ({label(deadline)}"
                           ".text, .agency), not {name!r}")
    if deadline.status == WITHDRAWN_STATUS:
        raise InvalidInput(f"{label(deadline)} is withdrawn")
    if part == "text":
        if len(text) > 500:
            raise InvalidInput("an action's wording is at most 500 characters")
        before, deadline.title = deadline.title, text
    else:
        text = service.agency(text).code
        before, deadline.agency_code = deadline.agency_code, text
        if before != text and deadline.status == "open":
            _reassigned(service, case, deadline, before, actor)
    if before == text:
        raise InvalidInput(f"{name} is already {text!r}")
    emails: dict[str, Any] = {}
    if part == "text":  # its emails not yet sent, and their calendar events, say it too
        from notifications.notifier import calendar_again

        emails["emails_updated"] = reworded(
            service, OutboxEmail.deadline_id == deadline.id, before, text,
            remade=lambda row: calendar_again(service, row, case, deadline))
    return _recorded(service, case, f"{label(deadline)}.{part}", before, text, reason, actor,
                     deadline=deadline.key, **emails)


def _recorded(service: CaseService, case: Case, field: str, before: Any, after: Any,
              reason: str, actor: str, **data: Any) -> Correction:
    service.record_history(case, "corrected", actor, effective=service.clock.now(), note=reason,
                           data={"field": field, "from": before, "to": after, **data})
    service.commit(case)
    return Correction(case, field, before, after, emails=data.get("emails_updated", []))
