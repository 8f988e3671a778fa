"""A case's chronology, as the panel reads it: every event in the order things happened, each
said in plain words - the step and where it left the case, what a correction corrected, an
extension's dates, who recorded it and when. Emails fold into the step that queued them ("2
emails queued") unless each is asked for; a voided step is marked with the day it was voided.
One list that the terminal, the CSV and the printed paper all draw, so they cannot disagree.
Only the case reference and pseudonym: notes were checked for the child's details at entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pendulum

from casework.clock import LOCAL_TZ
from casework.dates import local_date
from casework.voiding import VOIDED
from workflows.formats import clock_time, labelled, short

if TYPE_CHECKING:
    from casework.models import History
    from casework.service import CaseService

MOVES = ("pause", "resume", "extend")  # not steps of a workflow, but changes to the case
CORRECTIONS = (VOIDED, "corrected", "action_withdrawn")


@dataclass(frozen=True)
class Entry:
    """One event as the chronology says it."""

    id: int
    day: dt.date  # when it happened
    time: str  # "14:05", or "" when only the day was given (`--on DATE`)
    step: str
    moved: str  # "imrs -> terms_of_reference", the stage it stayed in, or ""
    actor: str
    recorded: dt.date
    details: list[str]  # what it changed, its note, the emails it queued
    voided_on: dt.date | None

    @property
    def headline(self) -> str:
        """The step and where it left the case, as the terminal's listing heads it."""
        return f"{self.step}  {self.moved}".rstrip()

    @property
    def recorded_later(self) -> dt.date | None:
        """The day it was recorded, when that was after the day it happened."""
        return self.recorded if self.recorded > self.day else None


@dataclass(frozen=True)
class Chronology:
    reference: str
    pseudonym: str
    kind: str
    since: dt.date | None
    steps_only: bool
    emails: bool  # each email its own event (else counted in its step)
    rows: list[History]  # the events shown, in the order recorded
    every: list[History]  # every event, to fold each email into the step that queued it
    voided_by: dict[int, History]  # a voided step's id -> the void

    def entries(self) -> list[Entry]:
        """The events in the order they happened (a day's in the order recorded)."""
        folded: dict[int, int] = {}
        owner = None
        for row in self.every:  # an email queued belongs to the change recorded just before
            if row.step == "email_queued" and owner is not None:
                folded[owner] = folded.get(owner, 0) + 1
            elif not row.step.startswith("email_"):
                owner = row.id
        said = []
        for row in sorted(self.rows, key=lambda r: (local_date(r.effective_at), r.id)):
            details = [*what(row.step, row.data), row.note or ""]
            if row.id in folded and not self.emails:
                count = folded[row.id]
                details.append(f"{count} email{'s' if count > 1 else ''} queued")
            void = self.voided_by.get(row.id)
            said.append(Entry(
                row.id, local_date(row.effective_at), _time(row), row.step, _moved(row),
                row.actor, local_date(row.at), [d for d in details if d],
                local_date(void.effective_at) if void else None))
        return said


def chronology(service: CaseService, reference: str, *, steps_only: bool = False,
               since: dt.date | None = None, emails: bool = False) -> Chronology:
    case = service.case(reference)
    rows = service.history(reference)
    workflow = service.workflow_of(case)
    names = {s.name for s in workflow.steps}
    shown = [r for r in rows
             if (emails or not r.step.startswith("email_"))
             and (not steps_only or r.step in names or r.step in CORRECTIONS
                  or r.step in MOVES or r.id == rows[0].id)
             and (since is None or local_date(r.effective_at) >= since)]
    voided_by = {r.data["voids"]: r for r in rows if r.step == VOIDED and "voids" in r.data}
    return Chronology(case.reference, case.pseudonym, workflow.kind_name or case.workflow_key,
                      since, steps_only, emails, shown, rows, voided_by)


def what(step: str, data: dict[str, Any]) -> list[str]:
    """What a correction corrected, an extension moved or a step opened, in words."""
    if step == VOIDED:
        return [f"voids {data.get('step')} of {short(dt.date.fromisoformat(data['on']))}"]
    if step == "corrected" and "said" in data:  # the child's names: never shown, not even hashed
        return [str(data["said"]) + (f" (with {data['with']})" if data.get("with") else "")]
    if step == "corrected":
        return [f"{data.get('field')}: {_text(data.get('from'))} -> {_text(data.get('to'))}"]
    if step == "extend" and {"deadline", "from", "to"} <= data.keys():
        return [f"{labelled(str(data['deadline']))}: due "
                f"{short(dt.date.fromisoformat(data['from']))} -> "
                f"{short(dt.date.fromisoformat(data['to']))}"]
    if step == "action_withdrawn":
        return [f"withdrew {labelled(str(item.get('withdrawn')))}"
                for item in data.get("deadlines", ())]
    return [f"opened {labelled(item['opened'])}, due {short(dt.date.fromisoformat(item['due']))}"
            for item in data.get("deadlines", ()) if isinstance(item, dict)
            and str(item.get("opened", "")).startswith("action:") and item.get("due")]


def _moved(row: History) -> str:
    if row.from_state in (None, row.to_state):
        return row.to_state or ""
    return f"{row.from_state} -> {row.to_state}"


def _time(row: History) -> str:
    """The time it happened where one was recorded: a day given alone (`--on DATE`) is
    stored as its midnight, which is no time anyone saw."""
    local = pendulum.instance(row.effective_at).in_timezone(LOCAL_TZ)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0) \
            and row.effective_at != row.at:
        return ""
    return clock_time(row.effective_at)


def _text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
