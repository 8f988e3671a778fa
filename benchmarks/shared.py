"""What the benchmarks build with: big databases made quickly (a few hundred cases through the
service, copied with SQL to the size wanted), the story of a serious case review to build them
from, and their tables of figures (what they measure with is in measure.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pendulum
from sqlalchemy import Connection, text
from sqlmodel import select

from casework.config import Settings
from casework.models import Case, Deadline, History
from casework.service import CaseService
from workflows import registry


def pseudonym(number: int) -> str:
    """Child A, Child B, ... Child Z, Child AA, ..."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Child {letters}"


class Wrong(Exception):
    """The data, a sweep or an output is not what it should be: a correctness problem, not a
    timing (the benchmark exits 1)."""


class Unplannable(Exception):
    """The sizes asked for cannot be made from these templates (a usage problem: exit 2)."""


def _columns(table: Any, *skip: str) -> list[str]:
    return [c.name for c in table.columns if c.name not in skip]


def copy_cases(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Copy cases with their deadline and history rows, in three INSERT..SELECTs. Each row
    gives `new_id`, `template_id`, `reference`, `number` and `pseudonym`; the reference
    counter is rebuilt after. On SQLite and PostgreSQL alike (there the map of copies is
    loaded with COPY, and the id sequence moved past the ids given)."""
    pg = connection.dialect.name == "postgresql"
    connection.execute(text(
        "CREATE TEMP TABLE clone_map (new_id INTEGER PRIMARY KEY, template_id INTEGER, "
        "reference TEXT, number INTEGER, pseudonym TEXT)"))
    fields = ("new_id", "template_id", "reference", "number", "pseudonym")
    if pg:
        cursor = connection.connection.cursor()
        with cursor.copy("COPY clone_map FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in fields])
        cursor.close()
    else:
        connection.execute(text(
            f"INSERT INTO clone_map VALUES ({', '.join(':' + name for name in fields)})"), rows)
    case_columns = _columns(Case.__table__, "id", "reference", "number", "pseudonym")
    connection.execute(text(
        f"INSERT INTO case_record (id, reference, number, pseudonym, "
        f"{', '.join(case_columns)}) "
        f"SELECT m.new_id, m.reference, m.number, m.pseudonym, "
        f"{', '.join('c.' + name for name in case_columns)} "
        "FROM clone_map m JOIN case_record c ON c.id = m.template_id ORDER BY m.new_id"))
    deadline_columns = _columns(Deadline.__table__, "id", "case_id")
    connection.execute(text(
        f"INSERT INTO deadline (case_id, {', '.join(deadline_columns)}) "
        f"SELECT m.new_id, {', '.join('d.' + name for name in deadline_columns)} "
        "FROM clone_map m JOIN deadline d ON d.case_id = m.template_id "
        "ORDER BY m.new_id, d.id"))
    history_columns = _columns(History.__table__, "id", "case_id", "data")
    if pg:
        data = ("CASE WHEN h.data::jsonb -> 'pseudonym' IS NULL THEN h.data ELSE "
                "jsonb_set(h.data::jsonb, '{pseudonym}', to_jsonb(m.pseudonym))::json END")
    else:
        data = ("CASE WHEN json_type(h.data, '$.pseudonym') IS NULL THEN h.data "
                "ELSE json_set(h.data, '$.pseudonym', m.pseudonym) END")
    connection.execute(text(
        f"INSERT INTO history (case_id, data, {', '.join(history_columns)}) "
        f"SELECT m.new_id, {data}, {', '.join('h.' + name for name in history_columns)} "
        "FROM clone_map m JOIN history h ON h.case_id = m.template_id "
        "ORDER BY m.new_id, h.id"))
    connection.execute(text("DROP TABLE clone_map"))
    connection.execute(text("DELETE FROM reference_counter"))
    connection.execute(text(
        "INSERT INTO reference_counter (kind, year, last) "
        "SELECT kind, year, MAX(number) FROM case_record GROUP BY kind, year"))
    if pg:  # the ids were given: the next case the service opens takes the one after
        connection.execute(text(
            "SELECT setval(pg_get_serial_sequence('case_record', 'id'), "
            "(SELECT MAX(id) FROM case_record))"))


def copy_numbered(connection: Connection, template_ids: Sequence[int],
                  first_pseudonym: int) -> int:
    """One copy of each case in `template_ids` (in order; an id may repeat), each with the
    next free number of its template's kind and year, hence its own reference
    (`SCR-YYYY-NNN`, `CDR-YYYY-NNN`), and its own pseudonym from `first_pseudonym` on.
    Returns how many were made."""
    if not template_ids:
        return 0
    made = {row.id: (row.kind, row.year) for row in connection.execute(
        text("SELECT id, kind, year FROM case_record"))}
    numbers = {(kind, year): last for kind, year, last in connection.execute(
        text("SELECT kind, year, MAX(number) FROM case_record GROUP BY kind, year"))}
    next_id = max(made) + 1
    rows = []
    for offset, template_id in enumerate(template_ids):
        kind, year = made[template_id]
        numbers[kind, year] += 1
        number = numbers[kind, year]
        rows.append({"new_id": next_id + offset, "template_id": template_id,
                     "reference": f"{kind.upper()}-{year}-{number:03d}", "number": number,
                     "pseudonym": pseudonym(first_pseudonym + offset)})
    copy_cases(connection, rows)
    return len(rows)


def add_board(service: CaseService, agencies: Sequence[tuple[str, str, str]], actor: str,
              contacts: Sequence[tuple[str, str, str]] = ()) -> None:
    """A board's agencies (code, name, email; the director at the same domain) and its
    contacts (role, name, address), set up through the service as a board does."""
    for code, name, email in agencies:
        service.add_agency(code, name, email, f"director@{email.split('@')[1]}", actor=actor)
    for role, name, address in contacts:
        service.set_board_contact(role, address, name=name, actor=actor)


def due_by(connection: Connection, as_of: pendulum.DateTime) -> set[int]:
    """The deadlines whose pointer has passed by `as_of`, compared as the sweep compares
    (the ORM column binds the instant)."""
    return set(connection.execute(
        select(Deadline.id).where(Deadline.next_level_at <= as_of)).scalars())


def numbers(value: str) -> list[int]:
    """An option's list of sizes, "10000,100_000" -> [10000, 100000] (sorted, once each)."""
    try:
        return sorted({int(part.replace("_", "")) for part in value.split(",") if part})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {value!r}") from None


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], aligns: str) -> None:
    """Print columns two spaces apart, aligned by `aligns` ("<" or ">" per column)."""
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(f"{v:{a}{w}}" for v, a, w in zip(values, aligns, widths, strict=True))

    print(line(headers).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row).rstrip())


# -- a serious case review's story --------------------------------------------------------------

SCR_CRITERIA = ("death", "life_threatening_injury", "permanent_impairment", "sexual_abuse",
                "parent_murdered", "killed_by_parent_mental_illness")
SCR_FINAL = ("closed", "no_review")
# The benchmarks measure load, not law: their serious case reviews run on timelines that end
# today, years after SCRs ended (28 Sep 2019). So they open them under the last version with
# its end moved past today, as only a program can (a board's config may move it earlier
# only); the cases, deadlines and emails are those a board ran up to 2019. Likewise their
# child death reviews (benchmarks/national/stories.py's) are the older review's, with the newest
# version's start moved past today, so a death dated today is still reviewed the older way
# (triage, rapid response, Form B): the load of a board's deaths, not the 2018 guidance's steps.
SWITCHES = {("scr", registry.LAST): dt.date.max,
            ("cdr", registry.versions("cdr")[-1].version): dt.date.max}
# The steps of the SCR regime the benchmarks' referrals run under (WT2013/15).
REGIME_STEPS = frozenset(s.name for s in registry.in_force("scr", dt.date.today(),
                                                           SWITCHES).steps)


def bench_settings(url: str) -> Settings:
    """The settings a benchmark builds its database with (SWITCHES: SCRs on until today)."""
    return Settings(database_url=url, database_source="benchmark", switches=SWITCHES)
PAUSE_REASONS = ("criminal proceedings: police asked the panel to wait",
                 "care proceedings under way", "coroner's inquest")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class DaysAfter:
    """An option counted from the day its step is taken (a due date, `CODE=2024-05-01`): a
    plan is written before its days are known."""

    days: int
    prefix: str = ""

    def on(self, day: dt.date) -> str:
        return self.prefix + (day + dt.timedelta(days=self.days)).isoformat()


def resolve(value: Any, day: dt.date) -> Any:
    """An option's value on the day its step is taken (`DaysAfter`, also inside a list)."""
    if isinstance(value, DaysAfter):
        return value.on(day)
    if isinstance(value, list):
        return [resolve(v, day) for v in value]
    return value


class Planner(Generic[ItemT]):
    """Writes the life of one case as a list of items. Each benchmark keeps its own item
    dataclass (its build reads its own fields): `make_item` is that class, called with
    `action`, `step`, `options` and `gap` (days after the item before) by keyword."""

    make_item: Callable[..., ItemT]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.items: list[ItemT] = []

    def item(self, action: str, step: str = "", options: dict[str, Any] | None = None,
             gap: int = 0) -> ItemT:
        return self.make_item(action=action, step=step, options=options or {}, gap=gap)

    def add(self, lo: int, hi: int, step: str, **options: Any) -> ItemT:
        """Append an `advance` by `step`, `lo` to `hi` days after the item before."""
        item = self.item("advance", step, options, gap=self.rng.randint(lo, hi))
        self.items.append(item)
        return item


class ScrPlanner(Planner[ItemT], ABC):
    """The life of one SCR up to a target stage, with plausible (often late) gaps.

    The steps and their order are the workflow's, the same for every benchmark; a subclass
    sets how large its reviews are (the class attributes, `_action_count`) and writes the
    action plan's implementation and the audit, which differ in kind between a board's
    reviews (benchmarks/cli_speed.py) and national ones (benchmarks/national/stories.py).
    """

    codes: Sequence[str]  # the agencies that may be asked for IMRs and own actions
    paused_share: float  # of open reviews: paused at the end (a third resumed again)
    imr_agencies: tuple[int, int]  # how many agencies are asked for an IMR, at least and most
    imr_gap: int  # the most days between one IMR arriving and the next
    action_gap: int  # the most days between adding one action and the next
    actions_per_recommendation: int
    action_due: tuple[int, int]  # an action is due this many days after it is added
    # A review stopped at "publication": True, it may have been held and released on the way;
    # False, it stops straight after its endorsement.
    hold_before_publication: bool

    def plan(self, target: str) -> list[ItemT]:
        rng = self.rng
        self.items = [self._referral()]
        if "notify_ofsted" in REGIME_STEPS:  # WT2013/15: the incident notified in 5 days
            self.add(0, 4, "notify_ofsted")
        self._steps_to(target)
        if target not in SCR_FINAL and rng.random() < self.paused_share:
            gap, reason = rng.randint(1, 30), rng.choice(PAUSE_REASONS)
            self.items.append(self.item("pause", options={"reason": reason}, gap=gap))
            if rng.random() < 1 / 3:
                self.items.append(self.item("resume", gap=rng.randint(20, 120)))
        return self.items

    def _referral(self) -> ItemT:
        return self.item("refer")

    def _steps_to(self, target: str) -> None:
        rng = self.rng
        chair = {"chair": "Board chair"}
        if target == "screening":
            return
        if target == "no_review":
            self.add(5, 25, "recommend", recommendation="no_review")
            self.add(3, 30, "decide", outcome="no_review", rationale="single-agency learning",
                     **chair)
            if "inform_panel" in REGIME_STEPS:  # WT2013/15: the national panel told why
                self.add(1, 12, "inform_panel")
            return
        statutory = target == "notification" or rng.random() < 0.75
        outcome = "scr" if statutory else "non_statutory"
        criteria = (rng.sample(SCR_CRITERIA, rng.randint(1, 2)) if statutory
                    else ["inter_agency_concerns"])
        self.add(5, 25, "recommend", recommendation=outcome, criteria=criteria)
        if target == "decision":
            return
        self.add(3, 30, "decide", outcome=outcome, criteria=criteria,
                 rationale="the criteria in Working Together 8.9 are met", **chair)
        if target == "notification":
            return
        if statutory:
            self.add(1, 10, "notify_inspectorate")
        if target == "panel_formation":
            return
        self.add(10, 45, "form_panel", chair="Independent chair", conflicts="none declared",
                 member=["Detective Inspector, POLICE", "Service Manager, CSC",
                         "Designated Nurse, HEALTH"][: rng.randint(1, 3)])
        if target == "terms_of_reference":
            return
        self._imrs(target)
        if target == "imrs":
            return
        self.add(5, 20, "commission_overview", author="Independent overview author")
        actions = self._actions(target)
        if target == "overview":
            return
        self.add(10, 40, "submit_overview")
        if target == "endorsement":
            return
        endorse = len(self.items)
        if actions:
            self.add(10, 40, "endorse")
        else:
            self.add(10, 40, "endorse", no_actions_reason="learning addressed by agencies")
        if target == "publication" and not self.hold_before_publication:
            return
        if target == "publication_held" or rng.random() < 0.15:
            self.add(5, 20, "hold_publication", reason="criminal proceedings")
            if target == "publication_held":
                return
            self.add(30, 120, "release_publication")
        if target == "publication":
            return
        self.add(10, 60, "publish")
        self._implementation(target, actions, endorse)

    def _imrs(self, target: str) -> None:
        rng = self.rng
        agencies = rng.sample(self.codes, rng.randint(*self.imr_agencies))
        requested = [DaysAfter(rng.randint(42, 84), f"{code}=") if rng.random() < 0.3 else code
                     for code in agencies]
        self.add(7, 30, "commission_imrs", terms="ToR v1 agreed by the panel",
                 agency=requested, records_secured=True)
        if rng.random() < 0.2:
            self.items.append(self.item("extend", f"imr:{agencies[0]}",
                                        {"by": "10 working days"}, gap=rng.randint(20, 40)))
        # At the imrs stage some are in and at least one is still awaited; later, all are.
        arrived = agencies[: rng.randint(0, len(agencies) - 1)] if target == "imrs" else agencies
        for number, code in enumerate(arrived):
            lo, hi = (30, 70) if number == 0 else (0, self.imr_gap)
            if target != "imrs" and rng.random() < 0.1:
                self.add(lo, hi, "waive_imr", agency=code,
                         reason="no contact with the family in the period")
            else:
                self.add(lo, hi, "receive_imr", agency=code)

    def _actions(self, target: str) -> int:
        """The action plan, written while the overview is drafted; returns its length."""
        rng = self.rng
        count = self._action_count(target)
        for number in range(1, count + 1):
            recommendation = (number - 1) // self.actions_per_recommendation + 1
            self.add(20 if number == 1 else 0, 60 if number == 1 else self.action_gap,
                     "add_action", recommendation=f"R{recommendation} Inter-agency learning",
                     action=f"Action {number}: audit and report to the board",
                     agency=rng.choice(self.codes), due=DaysAfter(rng.randint(*self.action_due)))
        return count

    @abstractmethod
    def _action_count(self, target: str) -> int:
        """How many actions a review stopped at `target` has."""

    @abstractmethod
    def _implementation(self, target: str, actions: int, endorse: int) -> None:
        """The action plan carried out after publication, to `target` (implementation or
        closed); `endorse` is the index of the endorsement item, the audit's starting point."""
