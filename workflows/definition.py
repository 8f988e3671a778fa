"""The vocabulary every process definition is written in.

A definition lists its stages, the steps between them, the options each step takes, the
guards that may refuse it (each with the board's reason), and the deadlines each step opens
and meets. The engine in `casework` interprets it; the step's `effect` does what is particular
to the step through the small `CaseLike` interface below, so this package needs nothing from
the rest of casework.

One `transitions.Machine` is built per definition and shared by every case: the engine wraps
the case's row in a plain object and fires `machine.events[step].trigger(wrapper, ...)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from workflows.exports import Export
from workflows.figures import Figures


class CaseLike(Protocol):
    """What guards and effects may ask of, and do to, the case they are handed."""

    state: str
    data: Mapping[str, Any]

    def deadlines(self, kind: str) -> Sequence[Any]: ...  # rows with .status, .agency_code, ...

    def open_deadline(
        self, key: str, *, agency: str | None = None, due: Any = None, title: str | None = None,
        detail: str | None = None,
    ) -> Any: ...

    def close_deadline(self, kind: str, *, agency: str | None = None, number: int | None = None,
                       status: str = "met", note: str | None = None) -> Any: ...

    def set_progress(self, kind: str, *, number: int, progress: str) -> Any: ...

    def move_deadline(self, kind: str, due: Any, reason: str) -> Any: ...

    def record(self, **values: Any) -> None: ...  # a value of None forgets the key

    @property
    def effective_on(self) -> Any: ...  # the local date the step is recorded as taken

    def next_meeting(self, after: Any) -> Any: ...  # the first panel meeting on or after a date

    def open_linked(self, workflow_key: str, *, note: str,
                    options: Mapping[str, Any] | None = None, **data: Any) -> str: ...


def open_deadlines(case: CaseLike, kind: str) -> list[Any]:
    """The case's deadlines of one kind still waiting to be met."""
    return [d for d in case.deadlines(kind) if d.status == "open"]


Options = Mapping[str, Any]
Guard = Callable[[CaseLike, Options], "str | None"]
Effect = Callable[[CaseLike, Options], None]


def record_options(**keys: str) -> Effect:
    """An effect that keeps the given options on the case, as `option=data key`."""
    def effect(case: CaseLike, opts: Options) -> None:
        case.record(**{key: opts[name] for name, key in keys.items()
                       if opts.get(name) not in (None, (), [])})
    return effect


def still_open(kind: str, refusal: str) -> Guard:
    """A precondition for a step that meets a deadline once: refused with `refusal` when
    nothing of `kind` is left open (it was met already)."""
    def guard(case: CaseLike, opts: Options) -> str | None:
        return None if open_deadlines(case, kind) else refusal
    return guard


@dataclass(frozen=True)
class Option:
    """One option a step takes on the command line (`--name value`)."""

    name: str
    help: str
    # text | choice | date | moment (a date, or 'DATE HH:MM') | number | flag |
    # agency (one that may be asked: active) | asked_agency (any agency, for answers to what
    # it was asked) | agency_due (CODE[=DATE])
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False
    multiple: bool = False
    event: str = ""  # an intake option whose value is the date of this event (the death)
    check: Callable[[str], str | None] | None = None  # an identity's: why malformed, or None
    # text that may be printed outside the board: refused if it holds a date of birth, an
    # NHS number, a postcode or a phone number (casework.disclosure). Off only for a link.
    disclosure: bool = True
    # a due date typed by hand: on a weekend or a closed day it is kept, with a warning
    due: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


# How firmly a source sets a timescale, weakest last. What a person reads beside it.
STRENGTHS = {
    "statutory": "statutory limit",
    "should": "statutory guidance: should",
    "normally": "statutory guidance: normally",
    "expected": "non-statutory expectation",
    "local": "local practice default",
    "observed": "default: no rule; taken from observed practice",
    "default": "default: no source confirms it",
}


@dataclass(frozen=True)
class Deadline:
    """A timescale: what is owed, by when, counted from which event (day 0 = the anchor).

    `before`: counted back from the anchor, a planned event ("7 working days before
    publication"): the due date is set when the event is planned and moves when the plan
    moves. `strength` and `source` say how sure the timescale is, wherever it is shown."""

    key: str
    title: str
    duration: str  # "1 month", "5 working days", "14 days", "24 hours"; "" = set when opened
    anchor: str  # an event the workflow records ("referral", "decision"); "" with no duration
    per_agency: bool = False
    set_by: str = "date set when commissioned"  # how a date given by hand is described
    fixed: str = ""  # why neither a pause nor an extension may move it (it is an event's date)
    strength: str = "default"  # a key of STRENGTHS
    source: str = ""  # where the figure comes from, with its tag: "Hansard 23 Feb 2010 [P]"
    before: bool = False

    @property
    def strength_text(self) -> str:
        """`statutory limit (Hansard 23 Feb 2010 [P])`, or the default's own label."""
        label = STRENGTHS[self.strength]
        return f"{label} ({self.source})" if self.source else label


@dataclass(frozen=True)
class Branch:
    """Where a step leads when its deciding option has one value, and what that opens."""

    when: str
    dest: str
    opens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    sources: tuple[str, ...]
    dest: str | None = None  # None: the case stays in its stage
    options: tuple[Option, ...] = ()
    preconditions: tuple[Guard, ...] = ()  # read only the case: `case show` says what blocks
    guards: tuple[Guard, ...] = ()  # read the step's options too: checked when it is taken
    opens: tuple[str, ...] = ()  # deadlines opened (anchored on `records` or earlier events)
    meets: tuple[str, ...] = ()  # deadlines this step satisfies
    records: str | None = None  # the event this step is, for anchors and key dates
    moves: tuple[str, ...] = ()  # deadlines its effect may move to a new date (a deferral)
    branch_on: str | None = None
    branches: tuple[Branch, ...] = ()
    effect: Effect | None = None
    needs: str = ""  # one line: what the step needs, shown beside it in `case show`

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def moving(self) -> bool:
        """Whether taking it may move a deadline: a deferral, or a planned event re-planned
        (the deadlines counted back from it move with it). The replay reads these steps."""
        return bool(self.moves) or any(o.event for o in self.options)

    def branch(self, options: Options) -> Branch | None:
        if not self.branch_on:
            return None
        value = options.get(self.branch_on)
        return next((b for b in self.branches if b.when == value), None)

    def blocked(self, case: CaseLike) -> str | None:
        """Why the step cannot be taken yet whatever its options, or None."""
        for guard in self.preconditions:
            reason = guard(case, {})
            if reason:
                return reason
        return None

    def refusal(self, case: CaseLike, options: Options) -> str | None:
        """The first reason for refusing the step with these options, or None."""
        for guard in (*self.preconditions, *self.guards):
            reason = guard(case, options)
            if reason:
                return reason
        return None


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    final: bool = False
    awaits: str = ""  # an outside event the case waits on with no deadline of its own


@dataclass(frozen=True)
class Moment:
    """A `moment` option's value: an instant, and whether a time of day was given with it."""

    at: dt.datetime
    time_known: bool


@dataclass
class Opening:
    """What an intake makes of its options: the facts a new case keeps, earlier events (the
    death), the deadlines it opens beyond the workflow's own and those it meets at once, the
    stage it starts in, and due dates of their own (with how each is described)."""

    data: dict[str, Any] = field(default_factory=dict)
    events: dict[str, Any] = field(default_factory=dict)  # event -> aware datetime
    opens: tuple[str, ...] = ()
    meets: tuple[str, ...] = ()
    stage: str | None = None
    dues: dict[str, tuple[Any, str]] = field(default_factory=dict)


class IntakeLike(Protocol):
    """What an intake may ask of the engine while a case is being opened."""

    @property
    def effective_at(self) -> Any: ...  # when the case is recorded as opened (`--on`)

    @property
    def effective_on(self) -> dt.date: ...  # that moment's local date

    @property
    def areas(self) -> Sequence[str]: ...  # the board's own areas ([board] areas)


@dataclass(frozen=True)
class Intake:
    """What opening a case asks for: its options (beyond the pseudonym, `--on` and a note),
    what it makes of them, and which recorded facts, matching an open case of the same
    process, mean the same child may have been notified twice."""

    options: tuple[Option, ...] = ()
    prepare: Callable[[IntakeLike, Options], Opening] | None = None
    guards: tuple[Callable[[IntakeLike, Options], str | None], ...] = ()
    duplicate_on: tuple[str, ...] = ()
    # What the refusal says, given the matching case's reference, pseudonym and facts.
    duplicate_message: Callable[[str, str, Mapping[str, Any]], str] | None = None
    # What it says when an identity option (an NHS number) matches: the same arguments.
    identity_message: Callable[[str, str, Mapping[str, Any]], str] | None = None

    def as_step(self, name: str) -> Step:
        """The intake as a step, so its options are read like any step's."""
        return Step(name, "open a case", (), options=self.options)


@dataclass(frozen=True)
class Workflow:
    """One version of one process: everything particular to it, in one place.

    The registry picks the version a new case runs under by the case's own key date (the
    date of the event `key_date` names), from `in_force_from`; a board may move that date in
    its config file. A case keeps its version for life."""

    key: str
    version: str
    title: str
    kind: str  # the kind of case it runs, and its references' prefix: "scr" -> SCR-2008-001
    stages: tuple[Stage, ...]
    steps: tuple[Step, ...]
    deadlines: tuple[Deadline, ...]
    initial_records: str  # the event that opens a case ("referral", "notification")
    initial_opens: tuple[str, ...] = ()
    events: tuple[str, ...] = field(default=())  # anchors in the order they happen
    kind_name: str = ""  # what a person calls such a case: "serious case review"
    short_title: str = ""  # the regime, briefly: "WT2006"
    key_date: str = ""  # the event whose date chooses the version (default: the opening)
    in_force_from: dt.date | None = None  # the first key date it applies to
    in_force_source: str = ""  # where that date comes from, with its tag
    escalation_role: str = ""  # the board role copied on escalations ("scr_panel_chair")
    roles: Mapping[str, str] = field(default_factory=dict)  # board roles it adds: role -> title
    intake: Intake = field(default_factory=Intake)
    figures: Figures | None = None  # its section of the board's figures (workflows.figures)
    export: Export | None = None  # what it sends a national database (workflows.exports)
    # case show's lines for facts of the record it words itself: data key -> (label, text)
    notes: Callable[[Mapping[str, Any]], dict[str, tuple[str, str]]] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)  # how case show names its facts

    @property
    def selected_by(self) -> str:
        return self.key_date or self.initial_records

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.name == name)

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def deadline(self, key: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.key == key), None)

    def steps_from(self, stage: str) -> list[Step]:
        return [s for s in self.steps if stage in s.sources]

    @cached_property
    def machine(self) -> Any:
        """The shared state machine: built on first use, never per case."""
        from transitions import Machine

        return Machine(
            model=None,
            states=[s.name for s in self.stages],
            initial=self.stages[0].name,
            transitions=self._transitions(),
            send_event=True,
            auto_transitions=False,
            model_attribute="state",
        )

    def diagram(self) -> str:
        """The workflow as mermaid `stateDiagram-v2` text."""
        from transitions.extensions import GraphMachine

        graph = GraphMachine(
            states=[{"name": s.name} for s in self.stages],
            initial=self.stages[0].name,
            transitions=[
                {k: v for k, v in t.items() if k != "conditions"} for t in self._transitions()
            ],
            auto_transitions=False,
            graph_engine="mermaid",
            title=f"{self.title} ({self.key} {self.version})",
        )
        return graph.get_graph().draw(None)

    def _transitions(self) -> list[dict[str, Any]]:
        found = []
        for step in self.steps:
            if step.branches:
                for branch in step.branches:
                    found.append({
                        "trigger": step.name, "source": list(step.sources), "dest": branch.dest,
                        "conditions": [_option_is(step.branch_on or "", branch.when)],
                    })
            else:
                found.append({"trigger": step.name, "source": list(step.sources),
                              "dest": step.dest})
        return found

    def check(self) -> None:
        """Fail loudly, at definition time, on a definition that cannot work."""
        names = {s.name for s in self.stages}
        keys = {d.key for d in self.deadlines}
        for step in self.steps:
            targets = [step.dest] if step.dest else [b.dest for b in step.branches]
            for name in [*step.sources, *targets]:
                if name not in names:
                    raise ValueError(f"{self.key}: step {step.name} names unknown stage {name}")
            for key in [*step.opens, *step.meets, *step.moves,
                        *(k for b in step.branches for k in b.opens)]:
                if key not in keys:
                    raise ValueError(f"{self.key}: step {step.name} names unknown deadline {key}")
        for deadline in self.deadlines:
            if deadline.duration and deadline.anchor not in self.events:
                raise ValueError(f"{self.key}: deadline {deadline.key} has unknown anchor")
            if deadline.strength not in STRENGTHS:
                raise ValueError(f"{self.key}: deadline {deadline.key} has unknown strength")
            planners = [s for s in self.steps for o in s.options if o.event == deadline.anchor]
            if deadline.before and not planners:
                raise ValueError(f"{self.key}: deadline {deadline.key} counts back from "
                                 f"{deadline.anchor}, but no step plans {deadline.anchor}")
        if self.selected_by not in self.events:
            raise ValueError(f"{self.key} {self.version}: key date {self.selected_by} is not "
                             "an event it records")
        if self.selected_by != self.initial_records and not any(
                o.event == self.selected_by for o in self.intake.options):
            raise ValueError(f"{self.key} {self.version}: no intake option gives its key date "
                             f"({self.selected_by})")
        if self.escalation_role and self.escalation_role not in self.roles:
            raise ValueError(f"{self.key}: escalation role {self.escalation_role} not in roles")


def _option_is(name: str, value: str) -> Callable[[Any], bool]:
    def condition(event: Any) -> bool:
        return event.kwargs.get("options", {}).get(name) == value

    condition.__name__ = f"{name}_is_{value}"
    return condition
