"""One backend measured from start to end: built in stages, swept at each, then the
listing and `case show` in process, the timed processes and reschedule."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import pendulum
from measure import Rescheduled, Statements, Timed, timed_reschedule
from shared import Unplannable, Wrong, bench_settings, copy_numbered
from sqlalchemy import Engine, text

from casework.clock import FixedClock
from casework.config import Settings, Tuning
from casework.db import init_database, open_engine, session_scope
from casework.overdue import overdue_listing
from casework.queries import case_detail
from casework.service import CaseService
from national.backends import Backend
from national.build import TemplateBuild, build_templates, due_instants, make_due_group
from national.commands import measure_commands
from national.common import local
from national.plan import meeting_days, plan_copies, plan_templates, take
from national.stages import Stage, counts, explain, sweep_stage
from notifications.notifier import Notifier


@dataclass
class Measured:
    """What one backend's run found, for the report: the build, each stage's sweeps, the
    commands' timings, and anything wrong."""

    backend: Backend
    templates: TemplateBuild | None = None
    stages: list[Stage] = field(default_factory=list)
    build_s: float = 0.0
    final: dict[str, int] = field(default_factory=dict)
    stages_of_cases: list[tuple[str, str, int]] = field(default_factory=list)
    copy_plan: str = ""
    tables: dict[str, float] = field(default_factory=dict)
    show_ref: str = ""
    show_rows: int = 0
    show_history: int = 0
    big_ref: str = ""  # the case with the most deadlines of all (a closed review)
    big_rows: int = 0
    big_history: int = 0
    listing_items: int = 0
    listing_escalated: int = 0
    in_process: dict[str, tuple[float, int, float, str]] = field(default_factory=dict)
    slow_plans: dict[str, list[str]] = field(default_factory=dict)
    timings: list[Timed] = field(default_factory=list)
    rescheduled: Rescheduled | None = None
    wrong: list[str] = field(default_factory=list)


def measure_backend(backend: Backend, args: argparse.Namespace, scratch: Path,
                    today: dt.date) -> Measured:
    result = Measured(backend)
    print(f"\n{'=' * 78}\n{backend.title}: {backend.shown}\n{'=' * 78}", flush=True)
    backend.drop()
    started = time.perf_counter()
    init_database(backend.url)
    init_s = time.perf_counter() - started
    bulk = Tuning(statement_timeout=0, idle_in_transaction_timeout=0)
    build_engine = open_engine(backend.url, bulk)
    engine = open_engine(backend.url)  # as the command line opens it
    counter = Statements()
    counter.attach(engine)
    settings = bench_settings(backend.url)
    rng = random.Random(args.seed)
    quiet = local(today, 12)
    try:
        span_days = round(365.25 * args.years)
        meetings = meeting_days(today - dt.timedelta(days=span_days + 700),
                                today + dt.timedelta(days=400))
        templates = plan_templates(args.templates, today, rng, meetings, span_days)
        print(f"Templates: {len(templates)} cases through CaseService over "
              f"{min(t.days[0] for t in templates)} .. {max(t.days[-1] for t in templates)}, "
              f"a sweep every day ...", flush=True)
        built = result.templates = build_templates(build_engine, settings, templates, meetings,
                                                   today, quiet)
        print(f"  {built.cases} cases ({len(templates)} templates and the SCRs some referred "
              f"for), {built.rows:,} deadline rows, in {built.seconds:.1f} s: "
              f"{built.service_calls:,} service calls, {built.sweeps:,} daily sweeps issuing "
              f"{built.levels:,} reminders and escalations", flush=True)
        pool = [t for t in templates if t.copyable]
        due_rows = 5 * args.due  # notification, triage, home visit, information sharing,
        stages = len(args.sizes)  # final discussion
        notes: list[str] = []
        plan = plan_copies(pool, args.cases - built.cases - stages * args.due,
                           args.deadlines - built.rows - stages * due_rows, rng, notes)
        result.copy_plan = notes[0]
        print(f"  copy plan: {result.copy_plan}", flush=True)
        next_pseudonym = len(templates)
        due_as_of: pendulum.DateTime | None = None
        for index, size in enumerate(args.sizes):
            stage = Stage(size)
            last = index == len(args.sizes) - 1
            print(f"\n-- stage {index + 1}: {size:,} deadline rows", flush=True)
            due_ids, stage.due_group_s = make_due_group(build_engine, settings, index,
                                                        args.due, today, next_pseudonym)
            next_pseudonym += args.due
            now = counts(engine)
            if last:
                batch, plan = plan, []
                planned = now["deadlines"] + sum(t.rows for t in batch)
                if planned != size:
                    raise Wrong(f"the last stage would hold {planned:,} deadline rows, not "
                                f"{size:,} (a due group not of {due_rows // args.due} rows)")
            else:
                if now["deadlines"] > size:
                    raise Unplannable(f"the templates and due groups hold {now['deadlines']:,} "
                                      f"deadline rows, more than the stage of {size:,}: "
                                      "fewer --templates, or larger --growth sizes")
                batch, plan = take(plan, size - now["deadlines"])
            mark = time.perf_counter()
            for chunk in range(0, len(batch), 5000):
                with build_engine.begin() as connection:
                    copy_numbered(connection, [t.case_id for t in batch[chunk:chunk + 5000]],
                               next_pseudonym)
                next_pseudonym += len(batch[chunk:chunk + 5000])
            stage.copies, stage.copy_s = len(batch), time.perf_counter() - mark
            mark = time.perf_counter()
            if backend.name == "postgresql":
                with build_engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE")
            stage.analyze_s = time.perf_counter() - mark
            stage.db_mb = backend.size_mb(build_engine)
            now = counts(engine)
            stage.cases, stage.open_deadlines = now["cases"], now["open"]
            stage.pointers, stage.history = now["pointers"], now["history"]
            print(f"  due group: {args.due} deaths notified through the service in "
                  f"{stage.due_group_s:.1f} s; {stage.copies:,} SQL copies in "
                  f"{stage.copy_s:.1f} s" + (f"; VACUUM ANALYZE {stage.analyze_s:.1f} s"
                                             if backend.name == "postgresql" else "")
                  + f"; {now['cases']:,} cases, {now['deadlines']:,} deadline rows "
                  f"({now['open']:,} open, {now['pointers']:,} with a pointer), "
                  f"{now['history']:,} history rows; {stage.db_mb:,.0f} MB", flush=True)
            if now["deadlines"] != size:
                raise Wrong(f"stage {index + 1}: {now['deadlines']:,} deadline rows, not "
                            f"{size:,}")
            if last and now["cases"] != args.cases:
                raise Wrong(f"{now['cases']:,} cases, not {args.cases:,}")
            stage.quiet_as_of = due_as_of or quiet
            stage.due_as_of = due_instants(index, today)[1]
            due_as_of = stage.due_as_of
            sweep_stage(engine, settings, stage, due_ids, args.runs, counter, result.wrong,
                        explain_claim=last)
            result.stages.append(stage)
        result.build_s = init_s + built.seconds + sum(
            s.due_group_s + s.copy_s + s.analyze_s for s in result.stages)
        assert due_as_of is not None
        final_checks(result, engine, settings, today)
        measure_commands(result, args, scratch, today, due_as_of)
        check_reschedule(result, engine, settings, due_as_of)
    finally:
        build_engine.dispose()
        engine.dispose()
    return result


def final_checks(result: Measured, engine: Engine, settings: Settings, today: dt.date) -> None:
    """The database's make-up, and the listing and `case show` in this process."""
    backend = result.backend
    result.final = counts(engine)
    result.tables = backend.tables_mb(engine)
    with engine.connect() as connection:
        result.stages_of_cases = [(kind, state, n) for kind, state, n in connection.execute(text(
            "SELECT kind, state, count(*) FROM case_record GROUP BY kind, state "
            "ORDER BY kind, count(*) DESC"))]
        ref, rows = connection.execute(text(
            "SELECT c.reference, count(d.id) AS n FROM case_record c "
            "JOIN deadline d ON d.case_id = c.id "
            "WHERE c.closed_on IS NULL AND c.paused_on IS NULL AND c.opened_on < :today "
            "GROUP BY c.id, c.reference ORDER BY n DESC, c.id LIMIT 1"),
            {"today": dt.date.today()}).one()
        result.show_ref, result.show_rows = ref, rows
        result.big_ref, result.big_rows = connection.execute(text(
            "SELECT c.reference, count(d.id) AS n FROM case_record c "
            "JOIN deadline d ON d.case_id = c.id WHERE c.opened_on < :today "
            "GROUP BY c.id, c.reference ORDER BY n DESC, c.id LIMIT 1"),
            {"today": dt.date.today()}).one()

        def history_of(reference: str) -> int:
            return connection.execute(text(
                "SELECT count(*) FROM history h JOIN case_record c ON c.id = h.case_id "
                "WHERE c.reference = :r"), {"r": reference}).scalar_one()

        result.show_history = history_of(ref)
        result.big_history = history_of(result.big_ref)
    counter = Statements()
    counter.attach(engine)
    clock = FixedClock(local(today, 12))
    for name, run in (("overdue listing", lambda s: overdue_listing(s, today)),
                      ("case show", lambda s: case_detail(s, result.show_ref, today))):
        figures = []
        for attempt in range(4):  # a warm-up, then three
            counter.reset()
            counter.on = True
            started = time.perf_counter()
            with session_scope(engine) as session:
                value = run(CaseService(session, settings, clock,
                                        listeners=[Notifier(settings)]))
            elapsed = time.perf_counter() - started
            counter.on = False
            if attempt:
                slow = counter.slowest()
                figures.append((elapsed, counter.count, slow[0], slow[1], slow[2]))
        best = sorted(figures, key=lambda f: f[0])[len(figures) // 2]
        result.in_process[name] = (best[0], best[1], best[2], " ".join(best[3].split()))
        result.slow_plans[name] = explain(engine, best[3], best[4])
        if name == "overdue listing":
            result.listing_items, result.listing_escalated = value.total, value.escalated
    print(f"\nIn this process: the overdue listing as of {today}: {result.listing_items:,} "
          f"items ({result.listing_escalated:,} escalated) in "
          f"{result.in_process['overdue listing'][0]:.2f} s; case show {result.show_ref} "
          f"({result.show_rows} deadlines, {result.show_history} history rows) in "
          f"{result.in_process['case show'][0] * 1000:.0f} ms", flush=True)


def check_reschedule(result: Measured, engine: Engine, settings: Settings,
                     as_of: pendulum.DateTime) -> None:
    """`scheduler reschedule` over the whole database, after the timed commands. The sweeps
    left each pointer where it belongs (a deadline opened after some of its levels fell
    skipped them), so with the same policy it must move none."""
    result.rescheduled = done = timed_reschedule(engine, settings, as_of)
    print(f"\n{done.line()}", flush=True)
    if done.moved:
        result.wrong.append(f"reschedule moved {len(done.moved):,} pointers the sweeps had "
                            f"left, e.g. (id, before, after) {done.moved[:3]}")

