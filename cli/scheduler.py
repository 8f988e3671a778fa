"""`casework scheduler ...`: reminders and escalations, swept from the deadlines."""

from __future__ import annotations

import re

import click

from cli.app import App, json_option, pass_app
from workflows.formats import labelled

OVERDUE = 10  # `scheduler status`: no sweep within twice the interval, for monitoring


@click.group()
def scheduler() -> None:
    """Send reminders before deadlines and escalations after them."""


def _as_of(app: App, given: str | None):
    from casework.clock import SystemClock
    from casework.dates import end_of_day, parse_date, parse_moment

    if not given:
        return (app.clock or SystemClock()).now()
    if re.search(r"\d:\d", given):
        return parse_moment(given, what="--as-of")
    return end_of_day(parse_date(given, what="--as-of"))  # the whole of that day


@scheduler.command("run-once")
@click.option("--as-of", metavar="DATE", default=None,
              help="Sweep as at this date (its end) or 'DATE HH:MM' (default: now).")
@click.option("--send/--no-send", default=True, show_default=True,
              help="Deliver the outbox after the sweep.")
@pass_app
def run_once(app: App, as_of: str | None, send: bool) -> None:
    """One sweep and one delivery, then exit (for cron, tests and the demo)."""
    from casework.errors import DeliveryFailed
    from notifications.scheduler import run_once as sweep_and_send

    moment = _as_of(app, as_of)
    transport = app.transport() if send else None
    with app.service() as service:
        report, delivery = sweep_and_send(service, transport, moment, send=send)
    click.echo(report.line())
    app.warn(report.damaged)
    for key in report.unaddressed:
        click.echo(f"  no address for {labelled(key)}: set the board's contacts "
                   "(`casework board contacts`)")
    if delivery is not None:
        click.echo(f"Delivery through {delivery.via}: {delivery.sent} sent"
                   + (f", {delivery.retrying} to retry later" if delivery.retrying else "")
                   + (f", {delivery.failed} failed" if delivery.failed else "") + ".")
        if delivery.unavailable:
            raise DeliveryFailed(f"{delivery.unavailable}: the emails wait in the outbox")


@scheduler.command()
@click.option("--every", "minutes", type=click.IntRange(1, 1440), default=None,
              help="Minutes between sweeps (default: the config file's [scheduler] "
                   "sweep_minutes, else 15).")
@click.option("--standby", is_flag=True,
              help="On SQLite, if another scheduler is working on the database, wait and take "
                   "over when it stops (default: refuse, exit code 5).")
@pass_app
def run(app: App, minutes: int | None, standby: bool) -> None:
    """Run as a service: sweep and deliver now and every few minutes, until SIGTERM or
    Ctrl-C. Each run is logged in one line; a failed run does not stop the service. On
    PostgreSQL, start as many as you like, on any machines: they share the work. On SQLite,
    one at a time."""
    import gc
    import logging
    import threading

    from casework.clock import SystemClock
    from casework.db import open_engine, session_scope
    from casework.service import CaseService
    from cli.logs import configure, level_for
    from notifications.notifier import Notifier
    from notifications.scheduler import run_once as sweep_and_send
    from notifications.scheduler import serve, stop_on_signals
    from notifications.sole_worker import sole_worker

    gc.enable()  # a long-lived process: the CLI turned the collector off for short commands
    configure(level_for(app.verbosity, default=logging.INFO))  # a service logs each run
    settings = app.settings
    transport = app.transport()
    clock = app.clock or SystemClock()
    engine = open_engine(settings.database_url, settings.database)
    stop = threading.Event()
    stop_on_signals(stop)
    lock = sole_worker(settings.database_url)
    if lock is not None and not lock.acquire(standby=standby, stop=stop, clock=clock.now):
        engine.dispose()
        return  # stopped while standing by

    def one_run(stop: threading.Event) -> None:
        with session_scope(engine) as session:
            service = CaseService(session, settings, clock, listeners=[Notifier(settings)])
            sweep_and_send(service, transport, clock.now(), stop=stop)

    try:
        serve(one_run, minutes=minutes or settings.sweep_minutes, first_run=clock.now(),
              stop=stop)
    finally:
        if lock is not None:
            lock.release()
        engine.dispose()


@scheduler.command()
@pass_app
def reschedule(app: App) -> None:
    """Recompute every open deadline's next reminder after a change to [reminders]."""
    from notifications.rescheduling import reschedule as recompute

    with app.service() as service:
        count = recompute(service, progress=progress_line)
    click.echo(f"Rescheduled the reminders of {count} open deadlines.")


def progress_line(done: int, total: int) -> None:
    """How far a reschedule has got, on stderr: one line rewritten on a terminal, a line a
    batch in a log."""
    import sys

    line = f"Rescheduling reminders: {done:,} of {total:,} open deadlines"
    if sys.stderr.isatty():
        click.echo(f"\r{line}", err=True, nl=done >= total)
    else:
        click.echo(line, err=True)


@scheduler.command()
@json_option
@pass_app
def status(app: App, as_json: bool) -> None:
    """When the last sweep ran, how long it took, what it queued and sent, and whether it is
    overdue: none within twice [scheduler] sweep_minutes. Exit code 10 when overdue, for a
    monitoring check."""
    import json

    from casework.clock import SystemClock
    from notifications.sweeps import status as last_run

    with app.service() as service:
        found = last_run(service.session, (app.clock or SystemClock()).now(),
                         app.settings.sweep_minutes)
    if as_json:
        click.echo(json.dumps(found.to_dict(), indent=2))
    else:
        for line in found.lines():
            click.echo(line)
    if found.overdue:
        click.get_current_context().exit(OVERDUE)

