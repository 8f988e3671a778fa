"""The one door every case comes in by: choose the version of its process in force on the
case's own key date, read what that version's intake asks for, and open the case.

`casework case open WORKFLOW`, `scr refer` and `death notify` all come here. Nothing in this
module knows one process from another: it asks the definitions (`workflows.registry`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pendulum
from sqlmodel import col, select

from casework.dates import local_date, start_of_day
from casework.errors import InvalidInput, StepRefused, UnknownWorkflow
from casework.models import Case
from casework.options import parse_options
from workflows import registry
from workflows.definition import Moment, Opening, Option, Step, Workflow
from workflows.formats import short

if TYPE_CHECKING:
    from casework.config import Settings
    from casework.service import CaseService


class PossibleDuplicate(StepRefused):
    """The case looks like one already open (exit code 5, like any refusal)."""


def process(key: str) -> Workflow:
    """The newest version of a process, for its name, help and key-date option."""
    found = registry.latest((key or "").strip().lower())
    if found is None:
        raise UnknownWorkflow(f"no workflow {key!r} (known: {', '.join(registry.processes())})")
    return found


def in_force(settings: Settings, key: str, key_day: dt.date, *, showing: bool = False
             ) -> Workflow:
    """The version a new case whose key date is `key_day` runs under, for life (`showing`:
    only to show it, so a refusal points to the successor's rules, not to opening one)."""
    newest = process(key)
    chosen = registry.in_force(newest.key, key_day, settings.switches)
    if chosen is not None:
        return chosen
    event = newest.selected_by.replace("_", " ")
    last = registry.last_key_date(newest.key, settings.switches)
    if last is not None and key_day > last:
        raise InvalidInput(ended(settings, newest, key_day, last, showing))
    first = registry.spans(newest.key, settings.switches)[0]
    raise InvalidInput(
        f"no {newest.kind_name} process is in force for a {event} on {short(key_day)}: "
        f"casework's first ({first.workflow.short_title}) applies "
        f"from {short(first.start)}; a board whose arrangements began earlier sets "
        f"[regimes.{newest.key}] \"{first.workflow.version}\" in its config file")


def ended(settings: Settings, newest: Workflow, key_day: dt.date, last: dt.date,
          showing: bool) -> str:
    """Why no case of an ended process may be opened for `key_day`, and what to do instead:
    every word from the definitions."""
    ending = newest.ends
    assert ending is not None  # only an ended process has a last key date
    if (newest.key, registry.LAST) in settings.switches:
        why = (f"this board's own last {newest.selected_by.replace('_', ' ')} date: config "
               f"file {settings.config_path} [regimes.{newest.key}] {registry.LAST}")
    else:
        why = f"{ending.why} [{ending.strength}]"
    successor = process(ending.succeeded_by)
    if showing:
        instead = (f"see the {successor.kind_name} instead: casework workflow show "
                   f"{successor.key} --on {key_day.isoformat()}")
    else:
        option = next((o for o in successor.intake.options if o.event == successor.selected_by),
                      None)
        dated = f" {option.flag} DATE" if option else ""
        instead = (f"open a {successor.kind_name} instead: casework case open {successor.key} "
                   f"--pseudonym NAME{dated} ... (casework workflow show {successor.key} lists "
                   "its options)")
    return (f"a {newest.selected_by.replace('_', ' ')} on {short(key_day)} is after "
            f"{newest.kind_name}s ended ({short(last)}, {why}): {instead}")


@dataclass(frozen=True)
class IntakeContext:
    """What an intake may ask while a case is opened."""

    effective_at: pendulum.DateTime
    areas: Sequence[str]

    @property
    def effective_on(self) -> dt.date:
        return local_date(self.effective_at)


def key_day(newest: Workflow, raw: Mapping[str, Any], effective: pendulum.DateTime,
            check: Any) -> dt.date:
    """The case's key date: the day it is opened, or the date an intake option gives (the
    death), read with that option's own rules."""
    if newest.selected_by == newest.initial_records:
        return local_date(effective)
    option = next((o for o in newest.intake.options if o.event == newest.selected_by), None)
    if option is None:  # a definition error, not a user's
        raise KeyError(newest.selected_by)
    given = {k: v for k, v in raw.items() if k.replace("-", "_") == option.name}
    value = parse_options(Step("open", "", (), options=(option,)), given, check)[option.name]
    if value is None:
        raise InvalidInput(f"{newest.kind_name}: {option.flag} is needed ({option.help})")
    return local_date(value.at if isinstance(value, Moment) else start_of_day(value))


def open_case(service: CaseService, key: str, pseudonym: str, options: Mapping[str, Any],
              *, actor: str, on: str | dt.datetime | None = None, note: str | None = None,
              different: bool = False, child_names: Sequence[str] = ()) -> Case:
    """Open a case of any process: the version in force on its key date, with the options
    that version's intake declares (`different`: the coordinator confirms it is not the
    possible duplicate found; `child_names`: kept only as keyed hashes)."""
    effective = service.effective(on, not_before=None)
    key_date = key_day(process(key), options, effective, service.active_agency_code)
    workflow = in_force(service.settings, key, key_date)
    return service.open_case(workflow, pseudonym, options, actor=actor, effective=effective,
                             note=note, different=different, child_names=child_names)


def take_intake(service: CaseService, workflow: Workflow, options: Mapping[str, Any],
                effective: pendulum.DateTime, different: bool = False,
                names: Collection[str] = ()) -> Opening:
    """What the version's intake makes of the options: checked, prepared, and the facts
    to keep (refused when they match an open case, unless `different`)."""
    intake = workflow.intake
    regime = workflow.short_title or workflow.version
    key_date = f"{workflow.selected_by.replace('_', ' ')} {short(local_date(effective))}"
    subject = f"a {workflow.kind_name or workflow.key} under {regime} ({key_date})"
    opts = parse_options(intake.as_step(f"open {workflow.key}"), dict(options),
                         service.active_agency_code, subject=subject, names=names)
    context = IntakeContext(effective, service.settings.areas)
    for guard in intake.guards:
        reason = guard(context, opts)
        if reason:
            raise InvalidInput(reason)
    opening = intake.prepare(context, opts) if intake.prepare else Opening()
    data = {**recorded(intake.options, opts), **opening.data}
    opening.data = {k: v for k, v in data.items() if v is not None}
    if different:
        opening.data["confirmed_different_child"] = True
    else:
        refuse_duplicate(service, workflow, opening.data)
    opening.events = {name: _instant(value) for name, value in opening.events.items()}
    return opening


def recorded(options: Sequence[Option], opts: Mapping[str, Any]) -> dict[str, Any]:
    """The intake's options a case keeps as facts: those given, except the events' dates;
    an identity under its own name's `_hash` (its value is the keyed hash already)."""
    return {stored_as(o): opts[o.name] for o in options
            if not o.event and opts.get(o.name) not in (None, False, [], "")}


def stored_as(option: Option) -> str:
    return f"{option.name}_hash" if option.kind == "identity" else option.name


def _instant(value: Any) -> dt.datetime:
    if isinstance(value, Moment):
        return value.at
    if isinstance(value, dt.datetime):
        return pendulum.instance(value)
    return start_of_day(value)


def refuse_duplicate(service: CaseService, workflow: Workflow, data: Mapping[str, Any]) -> None:
    """An open case of the same process with the same identity (its keyed hash), or, when
    either has none, matching on every field the intake names: matched in the database
    (JSON paths work on SQLite and PostgreSQL alike), not by reading every open case."""
    intake = workflow.intake
    identities = [stored_as(o) for o in intake.options if o.kind == "identity"]
    given = [name for name in identities if data.get(name)]
    stored = col(Case.data)
    same = (Case.workflow_key == workflow.key, col(Case.closed_on).is_(None))
    for name in given:
        case = _first(service, select(Case).where(
            *same, stored[name].as_string() == str(data[name])))
        if case is not None:
            said = intake.identity_message or _same_identity
            raise PossibleDuplicate(said(case.reference, case.pseudonym, case.data))
    fields = intake.duplicate_on
    if not fields or any(data.get(name) in (None, "") for name in fields):
        return
    without = (stored[name].as_string().is_(None) for name in given)  # differing ids differ
    case = _first(service, select(Case).where(
        *same, *without, *(stored[name].as_string() == str(data[name]) for name in fields)))
    if case is None:
        return
    said = intake.duplicate_message
    if said is not None:
        raise PossibleDuplicate(said(case.reference, case.pseudonym, case.data))
    matched = ", ".join(f"{name.replace('_', ' ')} {case.data.get(name)}" for name in fields)
    raise PossibleDuplicate(f"this may already be open as {case.reference} ({case.pseudonym}: "
                            f"{matched})")


def _first(service: CaseService, query: Any) -> Case | None:
    return service.session.exec(query.order_by(Case.id).limit(1)).first()


def _same_identity(reference: str, pseudonym: str, data: Mapping[str, Any]) -> str:
    return (f"this is already open as {reference} ({pseudonym}): the same identifier was "
            "given; if it is a different person, confirm so")
