"""A name the child is known by, learnt after the case opened, or one typed wrongly: kept or
dropped as keyed hashes of its words (`casework.child_names`), by a correction row that says
who, when and why and holds those hashes only, never the name.

Texts already recorded are not rewritten (the history is what was written at the time): the
correction says which of them already hold the name, so the coordinator can correct those
that can be corrected. Texts typed afterwards are refused when they hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from casework import child_names, disclosure
from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import Case, OutboxEmail
from casework.options import required
from workflows.formats import short

if TYPE_CHECKING:
    from casework.service import CaseService

FIELD = "child_name"
TYPED_AS = "child-name"  # as the coordinator types the field: `case correct REF child-name`
ADDED = "a name the child is known by added"
DROPPED = "a name typed wrongly dropped"
REPLACED = "a name typed wrongly corrected"


@dataclass
class NamesCorrected:
    """What the correction of the child's names did, for the command line to say."""

    case: Case
    said: str  # ADDED, DROPPED or REPLACED: the history's words for it
    added: int  # words of the child's names newly kept
    dropped: int  # words no longer kept
    kept: int  # words kept now
    already_in: list[str]  # the texts already holding an added word (a linked case's named)
    linked: list[str] = field(default_factory=list)  # linked cases corrected with it


def correct_names(service: CaseService, case: Case, value: str, *, replacing: str | None,
                  drop: bool, reason: str, actor: str) -> NamesCorrected:
    """Keep the words of `value` as the child's (or with `drop`, stop keeping them); with
    `replacing`, the name typed wrongly whose words are dropped in the same correction. A
    case opened from this one, or this one's, is the same child's: corrected with it."""
    if drop and replacing is not None:
        raise InvalidInput("--drop drops the name given; --replacing drops another one while "
                           "keeping the name given: use one of them")
    reason = required(reason, "--reason")
    given = child_names.hashes([value], TYPED_AS)  # shape, then the key
    wrong = child_names.hashes([replacing], "--replacing") if replacing is not None else []
    if drop:
        wrong, given = given, []
    before = child_names.of(case.data)
    if wrong and not set(wrong) & set(before):
        raise InvalidInput(f"{case.reference} holds no word of the name to drop (the child's "
                           "names are compared word by word; nothing was changed)")
    linked = linked_cases(service, case)
    # The reason is printed in each case's history: checked against every name, old and new.
    every = {*before, *given, *(h for other in linked for h in child_names.of(other.data))}
    disclosure.check(reason, "--reason", sorted(every))
    done = _corrected(service, case, given, wrong, reason, actor)
    if done is None:
        raise InvalidInput(f"{case.reference} already holds every word of that name as one of "
                           "the child's (nothing was changed)")
    for other in linked:
        also = _corrected(service, other, given, wrong, reason, actor, case.reference)
        if also is not None:
            done.linked.append(other.reference)
            done.already_in += [f"{other.reference}: {place}" for place in also.already_in]
    service.commit(case)
    return done


def _corrected(service: CaseService, case: Case, given: list[str], wrong: list[str],
               reason: str, actor: str, via: str | None = None) -> NamesCorrected | None:
    """The words kept and dropped on one case, with its history row; None if none."""
    before = child_names.of(case.data)
    added = sorted(set(given) - set(before))
    dropped = sorted((set(wrong) & set(before)) - set(given))
    if not added and not dropped:
        return None
    after = sorted((set(before) | set(added)) - set(dropped))
    holding = texts_holding(service, case, added) if added else []
    case.data = {**case.data, child_names.STORED_AS: after}
    said = REPLACED if added and dropped else ADDED if added else DROPPED
    data = {"field": FIELD, "said": said, "added": added, "dropped": dropped}
    service.record_history(case, "corrected", actor, effective=service.clock.now(), note=reason,
                           data={**data, "with": via} if via else data)
    return NamesCorrected(case, said, len(added), len(dropped), len(after), holding)


def linked_cases(service: CaseService, case: Case) -> list[Case]:
    """The cases about the same child by a link one opened the other with (a serious
    incident referred from a child's death): the one it was opened from, those opened from
    it."""
    found = list(service.session.exec(
        select(Case).where(Case.data["linked_case"].as_string() == case.reference)
        .order_by(Case.id)))
    source = case.data.get("linked_case")
    if isinstance(source, str):
        found.insert(0, service.case(source))
    return [c for c in found if c.id != case.id]


def texts_holding(service: CaseService, case: Case, hashes: list[str]) -> list[str]:
    """Where the case's texts (all kept in clear) already hold one of the words `hashes`
    stands for: each place once, in the order a reader meets them. An email not sent yet that
    holds it only where it says the pseudonym or its action's wording is corrected with them:
    it says so ("it follows A1.text")."""
    found: list[str] = []
    for place, text, follows in _texts(service, case):
        if place in found:
            continue
        if child_names.found_in(text, hashes) is not None:
            found.append(place)
            continue
        holding = [what for what, words in follows
                   if child_names.found_in(words, hashes) is not None]
        if holding:
            found.append(f"{place} (it follows {' and '.join(holding)})")
    return found


def _texts(service: CaseService, case: Case) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    """Each text with its place; an email's with what it repeats (the pseudonym, its action's
    wording) taken out, and those given apart, as a correction of them reaches it."""
    from casework.corrections import label

    yield "the pseudonym", case.pseudonym, []
    if case.pause_reason:
        yield "the pause's reason", case.pause_reason, []
    for key, value in case.data.items():
        if key not in ("events", child_names.STORED_AS):
            for text in _strings(value):
                yield f"the fact {key}", text, []
    wordings: dict[int | None, tuple[str, str]] = {}
    for deadline in service.deadlines_of(case):
        name = label(deadline)
        if deadline.kind == "action":
            wordings[deadline.id] = (f"{name}.text", deadline.title)
        texts = {".text" if deadline.kind == "action" else "'s title": deadline.title,
                 "'s detail": deadline.detail, "'s note": deadline.note}
        for part, text in texts.items():
            if text:
                yield f"{name}{part}", text, []
    waiting = select(OutboxEmail).where(OutboxEmail.case_id == case.id,
                                        col(OutboxEmail.status).in_(("pending", "failed")))
    for email in service.session.exec(waiting.order_by(OutboxEmail.id)):
        follows = [("the pseudonym", case.pseudonym)]
        if email.deadline_id in wordings:
            follows.append(wordings[email.deadline_id])
        rest = f"{email.subject}\n{email.text_body}"
        for _, words in follows:
            rest = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", " ", rest)
        yield f"email #{email.id}, not sent yet", rest, follows
    for row in service.history(case.reference):
        row_data = {k: v for k, v in (row.data or {}).items() if k not in ("added", "dropped")}
        texts = [row.note, *_strings(row_data)]
        for text in texts:
            if text:
                yield (f"the history's {row.step} of {short(local_date(row.effective_at))}",
                       text, [])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
