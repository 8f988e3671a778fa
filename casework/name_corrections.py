"""A name the child is known by, learnt after the case opened, or one typed wrongly: kept or
dropped as keyed hashes of its words (`casework.child_names`), by a correction row that says
who, when and why and holds those hashes only, never the name.

Texts already recorded are not rewritten (the history is what was written at the time): the
correction says which of them already hold the name, so the coordinator can correct those
that can be corrected. Texts typed afterwards are refused when they hold it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casework import child_names, disclosure
from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import Case
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
    already_in: list[str]  # the texts on the case already holding an added word


def correct_names(service: CaseService, case: Case, value: str, *, replacing: str | None,
                  drop: bool, reason: str, actor: str) -> NamesCorrected:
    """Keep the words of `value` as the child's (or with `drop`, stop keeping them); with
    `replacing`, the name typed wrongly whose words are dropped in the same correction."""
    if drop and replacing is not None:
        raise InvalidInput("--drop drops the name given; --replacing drops another one while "
                           "keeping the name given: use one of them")
    reason = required(reason, "--reason")
    given = child_names.hashes([value], TYPED_AS)  # shape, then the key
    wrong = child_names.hashes([replacing], "--replacing") if replacing is not None else []
    before = child_names.of(case.data)
    if drop:
        wrong, given = given, []
    added = sorted(set(given) - set(before))
    dropped = sorted((set(wrong) & set(before)) - set(given))
    if wrong and not set(wrong) & set(before):
        raise InvalidInput(f"{case.reference} holds no word of the name to drop (the child's "
                           "names are compared word by word; nothing was changed)")
    if not added and not dropped:
        raise InvalidInput(f"{case.reference} already holds every word of that name as one of "
                           "the child's (nothing was changed)")
    # The reason is printed in the history: checked against every name, old and new.
    disclosure.check(reason, "--reason", sorted({*before, *given}))
    after = sorted((set(before) | set(added)) - set(dropped))
    case.data = {**case.data, child_names.STORED_AS: after}
    holding = texts_holding(service, case, added) if added else []
    said = REPLACED if added and dropped else ADDED if added else DROPPED
    service.record_history(case, "corrected", actor, effective=service.clock.now(), note=reason,
                           data={"field": FIELD, "said": said, "added": added,
                                 "dropped": dropped})
    service.commit(case)
    return NamesCorrected(case, said, len(added), len(dropped), len(after), holding)


def texts_holding(service: CaseService, case: Case, hashes: list[str]) -> list[str]:
    """Where the case's texts (all kept in clear) already hold one of the words `hashes`
    stands for: each place once, in the order a reader meets them."""
    found: list[str] = []
    for place, text in _texts(service, case):
        if place not in found and child_names.found_in(text, hashes) is not None:
            found.append(place)
    return found


def _texts(service: CaseService, case: Case) -> Iterator[tuple[str, str]]:
    from casework.corrections import label

    yield "the pseudonym", case.pseudonym
    if case.pause_reason:
        yield "the pause's reason", case.pause_reason
    for key, value in case.data.items():
        if key not in ("events", child_names.STORED_AS):
            for text in _strings(value):
                yield f"the fact {key}", text
    for deadline in service.deadlines_of(case):
        name = label(deadline)
        texts = {".text" if deadline.kind == "action" else "'s title": deadline.title,
                 "'s detail": deadline.detail, "'s note": deadline.note}
        for part, text in texts.items():
            if text:
                yield f"{name}{part}", text
    for row in service.history(case.reference):
        row_data = {k: v for k, v in (row.data or {}).items() if k not in ("added", "dropped")}
        texts = [row.note, *_strings(row_data)]
        for text in texts:
            if text:
                yield f"the history's {row.step} of {short(local_date(row.effective_at))}", text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
