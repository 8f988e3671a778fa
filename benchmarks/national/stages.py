"""One stage of the growing database: the quiet sweep timed, the due sweep and its checks,
and the claim's plan."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pendulum
from measure import Statements, levels, one_sweep
from shared import Wrong, due_by
from sqlalchemy import Engine, func, text
from sqlmodel import col, select

from casework.config import Settings
from casework.models import Deadline, History, OutboxEmail
from national.common import london
from notifications.scheduler import SweepReport


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan of a statement as it ran: EXPLAIN QUERY PLAN on SQLite; EXPLAIN (ANALYZE,
    BUFFERS) on PostgreSQL, in a transaction rolled back (an UPDATE changes nothing)."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                              tuple(parameters)).all()
            connection.rollback()
            parents = {r[0]: r[1] for r in rows}

            def depth(row: Any) -> int:
                level, parent = 0, row[1]
                while parent in parents:
                    level, parent = level + 1, parents[parent]
                return level

            return [f"{'  ' * depth(row)}{row[-1]}" for row in rows]
        rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}",
                                          parameters).all()
        connection.rollback()
    return [row[0] for row in rows]



@dataclass
class Stage:
    size: int
    cases: int = 0
    open_deadlines: int = 0
    pointers: int = 0
    history: int = 0
    due_group_s: float = 0.0
    copies: int = 0
    copy_s: float = 0.0
    analyze_s: float = 0.0
    db_mb: float = 0.0
    quiet_as_of: pendulum.DateTime | None = None
    due_as_of: pendulum.DateTime | None = None
    warm_ms: float = 0.0
    quiet_ms: list[float] = field(default_factory=list)  # the sweep's own seconds
    quiet_wall_ms: list[float] = field(default_factory=list)  # with the new session
    quiet_sql_ms: list[float] = field(default_factory=list)  # in its SQL statements
    quiet_detail: list[tuple[float, str]] = field(default_factory=list)  # the last run's
    quiet_statements: int = 0
    due: SweepReport | None = None
    due_statements: int = 0
    second: SweepReport | None = None
    plan: list[str] = field(default_factory=list)
    due_plan: list[str] = field(default_factory=list)  # PostgreSQL: the claim with rows due

    @property
    def quiet_median(self) -> float:
        return statistics.median(self.quiet_ms) if self.quiet_ms else math.nan


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(text(query)).scalar_one() for name, query in (
            ("cases", "SELECT count(*) FROM case_record"),
            ("deadlines", "SELECT count(*) FROM deadline"),
            ("open", "SELECT count(*) FROM deadline WHERE status = 'open'"),
            ("pointers", "SELECT count(*) FROM deadline WHERE next_level_at IS NOT NULL"),
            ("history", "SELECT count(*) FROM history"),
            ("outbox", "SELECT count(*) FROM outbox"),
            ("paused", "SELECT count(*) FROM case_record WHERE paused_on IS NOT NULL"))}


def check_due(engine: Engine, stage: Stage, due_ids: set[int], wrong: list[str]) -> None:
    """Each due deadline got exactly one reminder (an outbox row and a history row), no other
    deadline got a level, and the second sweep did nothing."""
    assert stage.due is not None and stage.second is not None
    report, second = stage.due, stage.second
    size = f"{stage.size:,} rows"
    kinds = ("reminder", "escalation")
    with engine.connect() as connection:
        emailed = Counter(connection.execute(select(OutboxEmail.deadline_id).where(
            col(OutboxEmail.kind).in_(kinds), OutboxEmail.created_at == stage.due_as_of)
        ).scalars())
        recorded = connection.execute(select(func.count()).select_from(History).where(
            col(History.step).in_(kinds), History.at == stage.due_as_of)).scalar_one()
        reached = set(connection.execute(select(Deadline.id).where(
            Deadline.level_reached == "owner-4h")).scalars())
    if report.deadlines != len(due_ids) or report.reminders != len(due_ids) \
            or report.escalations:
        wrong.append(f"{size}: the due sweep took {report.deadlines:,} deadlines and issued "
                     f"{report.reminders:,} reminders and {report.escalations:,} escalations; "
                     f"{len(due_ids):,} home-visit reminders were due")
    if set(emailed) != due_ids or any(n != 1 for n in emailed.values()) \
            or recorded != len(due_ids):
        wrong.append(f"{size}: {len(due_ids - set(emailed)):,} due deadlines got no email, "
                     f"{len(set(emailed) - due_ids):,} not due got one; {recorded:,} history "
                     f"rows for {len(due_ids):,} levels")
    if not due_ids <= reached:
        wrong.append(f"{size}: {len(due_ids - reached):,} due deadlines reached no level")
    if report.unaddressed:
        wrong.append(f"{size}: {len(report.unaddressed):,} levels had no address")
    if second.deadlines or levels(second):
        wrong.append(f"{size}: the second sweep took {second.deadlines:,} deadlines and "
                     f"issued {levels(second):,} levels")


def sweep_stage(engine: Engine, settings: Settings, stage: Stage, due_ids: set[int],
                runs: int, counter: Statements, wrong: list[str], explain_claim: bool) -> None:
    assert stage.quiet_as_of is not None and stage.due_as_of is not None
    counter.claim = None
    with engine.connect() as connection:
        early, due = (due_by(connection, stage.quiet_as_of),
                      due_by(connection, stage.due_as_of))
    if early or due != due_ids:
        raise Wrong(f"{stage.size:,} rows: data not as planned: {len(early):,} deadlines due "
                    f"by the quiet instant (0 wanted), {len(due):,} by the due one "
                    f"({len(due_ids):,} wanted, {len(due ^ due_ids):,} differ)")
    warm = one_sweep(engine, settings, stage.quiet_as_of, counter)
    stage.warm_ms = warm.wall_s * 1000
    reports = [warm.report]
    for _ in range(runs):
        swept = one_sweep(engine, settings, stage.quiet_as_of, counter)
        stage.quiet_statements = swept.statements
        stage.quiet_ms.append(swept.report.seconds * 1000)
        stage.quiet_wall_ms.append(swept.wall_s * 1000)
        stage.quiet_sql_ms.append(sum(d for d, _, _ in counter.timed) * 1000)
        stage.quiet_detail = [(d * 1000, " ".join(sql.split())) for d, sql, _ in counter.timed]
        reports.append(swept.report)
    issued = [r for r in reports if r.deadlines or levels(r)]
    if issued:
        wrong.append(f"{stage.size:,} rows: a sweep with nothing due took "
                     f"{issued[0].deadlines} deadlines and issued {levels(issued[0])} levels")
    print(f"  quiet sweep as of {london(stage.quiet_as_of)} London: warm-up "
          f"{stage.warm_ms:.1f} ms; {runs} runs "
          + ", ".join(f"{ms:.1f}" for ms in stage.quiet_ms)
          + f" ms; {stage.quiet_statements} SQL statements", flush=True)
    if explain_claim and counter.claim:
        statement, parameters = counter.claim
        stage.plan = explain(engine, statement, parameters)
        if isinstance(parameters, dict):  # PostgreSQL: the same claim at the due instant
            at_due = {k: stage.due_as_of if isinstance(v, dt.datetime) else v
                      for k, v in parameters.items()}
            stage.due_plan = explain(engine, statement, at_due)
    due = one_sweep(engine, settings, stage.due_as_of, counter)
    stage.due, stage.due_statements = due.report, due.statements
    print(f"  due sweep as of {london(stage.due_as_of)} London: {stage.due.line()}; "
          f"{stage.due_statements:,} SQL statements", flush=True)
    stage.second = one_sweep(engine, settings, stage.due_as_of, counter).report
    print(f"  second sweep: {stage.second.line()}", flush=True)
    check_due(engine, stage, due_ids, wrong)

