"""The sweep: reminders before a deadline and escalations after it, and the service that runs
it every few minutes.

Each open deadline carries a pointer, `next_level_at` (indexed): when its next reminder or
escalation falls due under the board's policy (`casework.reminders`). A sweep as of an instant
claims the deadlines whose pointer has passed, in batches; for each it issues the levels now
due that were not yet issued for its current due date, queues their emails in the outbox with
a key of deadline, level and due date, records each as an event in the case's history, and
moves the pointer on - all in the batch's transaction. So a sweep finds only what is due (a
board with nothing due costs one index probe), ten sweeps in a minute issue a level once, and
after a month's outage the first sweep issues each missed escalation once and only the latest
missed reminder (an escalation overtakes the reminders before it).

Each run also sends the board its weekly overdue listing when the week's slot has passed and
this week's has not been queued (`weekly_listing`): a weekly job kept, like the deadlines, in
the database rather than in the scheduler's memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pendulum
from sqlalchemy import and_, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from casework.dates import LOCAL_TZ, local_date
from casework.db import claim, first_line, retryable
from casework.models import Agency, BoardContact, Case, Deadline, OutboxEmail
from casework.quarantine import UNREADABLE
from casework.reminders import Level, due_now, pending_levels
from notifications.notifier import queue_email, request_context
from notifications.rescheduling import reschedule as reschedule  # its old home
from workflows import registry
from workflows.formats import labelled, short, utc_stamp

if TYPE_CHECKING:
    from casework.service import CaseService
    from notifications.render import Renderer

log = logging.getLogger("casework.scheduler")
BATCH = 200
_timer = time.perf_counter  # a seam: tests fix a run's duration
RETRIES = 5  # a batch whose connection failed is tried again after 1, 2, 4, 8, 16 s


@dataclass
class SweepReport:
    as_of: dt.datetime
    deadlines: int = 0
    reminders: int = 0
    escalations: int = 0
    overtaken: int = 0
    unaddressed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    listing: str | None = None  # what became of the weekly overdue listing, if it was due
    damaged: list[Any] = field(default_factory=list)  # cases set aside (casework.quarantine)

    def add(self, batch: SweepReport) -> None:
        """Count a committed batch."""
        self.deadlines += batch.deadlines
        self.reminders += batch.reminders
        self.escalations += batch.escalations
        self.overtaken += batch.overtaken
        self.unaddressed += batch.unaddressed

    def line(self) -> str:
        text = (f"sweep as of {utc_stamp(self.as_of)}: {self.deadlines} deadlines, "
                f"{self.reminders} reminders, {self.escalations} escalations queued")
        if self.overtaken:
            text += f", {self.overtaken} overtaken reminders skipped"
        if self.unaddressed:
            text += f", {len(self.unaddressed)} with no address"
        if self.damaged:
            text += (f", {len(self.damaged)} damaged case{'s' if len(self.damaged) > 1 else ''}"
                     f" skipped ({', '.join(d.reference for d in self.damaged[:5])}"
                     f"{', ...' if len(self.damaged) > 5 else ''}: `casework doctor`)")
        text += f" ({self.seconds:.2f} s)"
        return text + (f"; {self.listing}" if self.listing else "")


def sweep(service: CaseService, as_of: dt.datetime, *, actor: str = "scheduler",
          stop: threading.Event | None = None) -> SweepReport:
    """Issue every reminder and escalation due by `as_of`. Stops between batches when `stop`
    is set (a SIGTERM): what is done is committed, the rest waits for the next sweep. A batch
    that loses its database connection (a server restart, a dropped network) was rolled back
    whole by the server; it is tried again after a pause, RETRIES times before the sweep
    gives up and leaves it to the next run."""
    from casework.quarantine import quarantine

    started = _timer()
    report = SweepReport(as_of)
    report.damaged = list(service.session.info.get("damaged", ()))  # set aside already
    session = service.session
    if not anything_due(service, as_of):  # the usual run: one probe of the index, no more
        session.rollback()
        report.seconds = _timer() - started
        return report
    renderer: Renderer | None = None
    seen: set[int] = set()
    failures = 0
    while not (stop and stop.is_set()):
        batch = SweepReport(as_of)
        try:
            session.commit()
            claimed = _claim(service, as_of)
            if not claimed or seen.issuperset(claimed):
                session.rollback()
                break
            if renderer is None:  # only now that something is due
                from notifications.render import renderer_for

                renderer = renderer_for(service.settings.mail.templates)
            contacts = service.board_contacts()
            agencies = {a.code: a for a in session.exec(select(Agency))}
            rows = session.exec(select(Deadline, Case).join(Case).where(Deadline.id.in_(claimed))
                                .order_by(Deadline.id)
                                .execution_options(populate_existing=True)).all()
            for deadline, case in rows:
                _issue(service, renderer, case, deadline, as_of, actor, contacts, agencies, batch)
            session.commit()
        except UNREADABLE:  # a damaged row: set the damaged cases aside, then go on
            session.rollback()
            if report.damaged:
                raise
            report.damaged = quarantine(session)
            if not report.damaged:
                raise
            continue
        except DBAPIError as exc:
            session.rollback()
            failures += 1
            if not retryable(exc) or failures > RETRIES:
                raise
            pause = min(2 ** (failures - 1), 30)
            log.warning("sweep: the database connection failed (%s); the batch was rolled "
                        "back, trying again in %d s", first_line(exc), pause)
            if (stop is not None and stop.wait(pause)) or (stop is None and time.sleep(pause)):
                break
            continue
        failures = 0
        seen.update(claimed)
        report.add(batch)
    report.seconds = _timer() - started
    return report


def anything_due(service: CaseService, as_of: dt.datetime) -> bool:
    """Whether any deadline's pointer has passed: one indexed probe, asked before anything
    is loaded or rendered, since most sweeps find nothing."""
    probe = select(Deadline.id).where(Deadline.next_level_at <= as_of).limit(1)
    return service.session.exec(probe).first() is not None


def _claim(service: CaseService, as_of: dt.datetime) -> list[int]:
    """The next batch of deadlines whose pointer has passed, locked for this sweep: the
    UPDATE is the transaction's first statement, so on SQLite it holds the write lock until
    the batch commits; on PostgreSQL other sweepers skip the locked rows."""
    from casework.quarantine import quarantined

    due = Deadline.next_level_at <= as_of
    skipped = quarantined(service.session)
    if skipped:  # a damaged case's deadlines wait, untouched, until it is repaired
        due = and_(due, Deadline.case_id.not_in(skipped))
    return claim(service.session.connection(), Deadline, due,
                 Deadline.next_level_at, BATCH, next_level_at=Deadline.next_level_at)


def _issue(service: CaseService, renderer: Renderer, case: Case, deadline: Deadline,
           now: dt.datetime, actor: str, contacts: dict[str, BoardContact],
           agencies: dict[str, Agency], report: SweepReport) -> None:
    report.deadlines += 1
    closed = service.workflow_of(case).stage(case.state).final  # e.g. transferred away
    if deadline.status != "open" or case.paused_on or closed:
        deadline.next_level_at = None
        return
    pending = pending_levels(service.settings.reminders, service.calendar, case, deadline)
    issue, overtaken = due_now(pending, now)
    report.overtaken += len(overtaken)
    for level in issue:
        _queue(service, renderer, case, deadline, level, now, actor, contacts, agencies,
               report, overtaken)
    reached = [level for level, at in pending if at <= now]
    if reached:
        deadline.level_reached = reached[-1].name
    later = [at for _, at in pending if at > now]
    deadline.next_level_at = later[0] if later else None


def _queue(service: CaseService, renderer: Renderer, case: Case, deadline: Deadline,
           level: Level, now: dt.datetime, actor: str, contacts: dict[str, BoardContact],
           agencies: dict[str, Agency], report: SweepReport, overtaken: list[Level]) -> None:
    agency = agencies.get(deadline.agency_code or "")
    to, cc = recipients(level, case, agency, contacts)
    key = f"{case.reference}/{deadline.key}/{level.name}/{deadline.due_on.isoformat()}"
    data = {"level": level.name, "deadline": deadline.key, "due": deadline.due_on.isoformat(),
            "overtook": [o.name for o in overtaken]}
    if level.kind == "reminder":
        report.reminders += 1
    else:
        report.escalations += 1
    if not to:
        report.unaddressed.append(key)
        service.record_email_event(
            case.id, level.kind, actor, note=f"{level.name} for {labelled(deadline.key)} (due "
            f"{short(deadline.due_on)}): not sent, no address (set the board's contacts)",
            data={"key": key, **data}, effective=now)
        return
    today = local_date(now)
    late_days = max((today - deadline.due_on).days, 0)
    context: dict[str, Any] = {
        "agency": {"code": agency.code, "name": agency.name} if agency else None,
        "owner": agency.name if agency else "the board's business unit",
        "request": request_context(deadline),
        "level": {"name": level.name, "who": level.who, "kind": level.kind},
        "late": {"days": late_days,
                 "working_days": max(service.calendar.working_days_between(deadline.due_on,
                                                                          today), 0)},
    }
    names = [f"{level.kind}_{level.who}", level.kind] if level.who == "board" \
        else [f"{level.kind}_{deadline.kind}", level.kind]
    queue_email(service, renderer, key=key, kind=level.kind, names=names, to=to, cc=cc,
                context=context, actor=actor, case=case, deadline=deadline,
                history_step=level.kind, history_data=data, contacts=contacts,
                effective=now)  # the sweep's moment: a back-filled year replays as it ran


def recipients(level: Level, case: Case, agency: Agency | None,
               contacts: dict[str, BoardContact]) -> tuple[str | None, str | None]:
    """Who hears of a level: reminders go to the owner (the agency's safeguarding contact,
    or the board mailbox for the board's own deadlines); the first escalation to the agency's
    escalation contact with the panel chair in copy; the last to the board chair. A role
    that is not set falls back to the board mailbox."""
    def address(role: str) -> str | None:
        row = contacts.get(role)
        return row.email if row else None

    mailbox = address("mailbox")
    workflow = registry.version(case.workflow_key, case.workflow_version)
    panel_chair = address(workflow.escalation_role) if workflow else None
    if level.who == "owner":
        to, cc = (agency.contact_email if agency else mailbox), None
    elif level.who == "escalation":
        if agency:
            to, cc = agency.escalation_email or agency.contact_email, panel_chair
        else:
            to, cc = panel_chair or mailbox, mailbox
    else:
        to, cc = address("chair") or mailbox, mailbox
    if cc and to and cc.lower() in to.lower():
        cc = None
    return to, cc


# -- the long-running service -------------------------------------------------------------


def last_listing_slot(now: dt.datetime, when: tuple[int, int, int]) -> pendulum.DateTime:
    """The latest weekly slot (weekday, hour, minute, London time) at or before `now`."""
    weekday, hour, minute = when
    local = pendulum.instance(now).in_timezone(LOCAL_TZ)
    day = local.date().subtract(days=(local.weekday() - weekday) % 7)
    slot = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=LOCAL_TZ)
    return slot if slot <= local else slot.subtract(weeks=1)


def weekly_listing(service: CaseService, now: dt.datetime, *,
                   actor: str = "scheduler") -> str | None:
    """The board's weekly overdue listing, once a week: the first run at or after the week's
    slot (`[scheduler] overdue_listing`, Monday 07:30 by default) queues it, as of that
    day, under a key naming the slot - so a run after an outage still sends the week's
    listing, and several workers send it once. Returns what it did, for the run's log line."""
    from notifications.reports import email_overdue_listing

    when = service.settings.overdue_listing
    if when is None:
        return None
    slot = last_listing_slot(now, when)
    key = f"board/overdue/weekly/{slot.date().isoformat()}"
    session = service.session
    session.commit()
    if session.exec(select(OutboxEmail.id).where(OutboxEmail.key == key)).first():
        session.rollback()  # queued already: the usual case, asked without taking the lock
        return None
    # The mailbox's row is the listing's lock: updating it first makes a second worker wait
    # here (SQLite's write lock, PostgreSQL's row lock) until the first has committed, and
    # then see its key.
    mailbox = BoardContact.role == "mailbox"
    held = session.connection().execute(
        update(BoardContact).where(mailbox).values(role=BoardContact.role))
    if not held.rowcount:
        session.rollback()
        return ("weekly overdue listing not sent: the board has no mailbox (`casework board "
                "set-contact mailbox --email ADDRESS`)")
    if session.exec(select(OutboxEmail.id).where(OutboxEmail.key == key)).first():
        session.rollback()
        return None
    row, listing = email_overdue_listing(service, local_date(now), actor=actor, key=key)
    session.commit()
    return f"weekly overdue listing queued ({listing.total} items)" if row else None


def run_once(service: CaseService, transport: Any, as_of: dt.datetime, *,
             actor: str = "scheduler", stop: threading.Event | None = None,
             send: bool = True) -> tuple[SweepReport, Any]:
    """One sweep, the week's overdue listing if it is due, then delivery of what is due in
    the outbox; logged in one line and recorded in the history (`scheduler status`)."""
    from notifications.outbox import deliver
    from notifications.sweeps import record_sweep

    started = _timer()
    report = sweep(service, as_of, actor=actor, stop=stop)
    if not (stop and stop.is_set()):
        report.listing = weekly_listing(service, as_of, actor=actor)
    delivery = deliver(service, transport, actor=actor) if send and transport else None
    line = report.line()
    if delivery is not None:
        line += f"; delivery via {delivery.via}: {delivery.sent} sent"
        if delivery.retrying or delivery.failed:
            line += f", {delivery.retrying} to retry, {delivery.failed} failed"
        if delivery.unavailable:
            line += f" ({delivery.unavailable})"
    log.info(line)
    record_sweep(service, report, delivery, actor=actor, seconds=_timer() - started,
                 stopped=bool(stop and stop.is_set()))
    return report, delivery


def guarded(run: Callable[[threading.Event], None], stop: threading.Event) -> None:
    """One run of the service: a failure is logged, and the service goes on to the next."""
    try:
        run(stop)
    except Exception:
        log.exception("scheduler run failed; the next run will try again")


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT (Ctrl-C) ask the service to stop after the batch in hand."""
    import signal

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())


def serve(run: Callable[[threading.Event], None], *, minutes: int, first_run: dt.datetime,
          stop: threading.Event | None = None) -> None:
    """Run `run` now and every `minutes`, until SIGTERM or SIGINT (or `stop`). A failed run is
    logged and the next goes ahead; a run in progress finishes its batch before the service
    stops."""
    from apscheduler.schedulers.background import BackgroundScheduler

    if stop is None:
        stop = threading.Event()
        stop_on_signals(stop)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(guarded, "interval", args=(run, stop), minutes=minutes, id="sweep",
                      replace_existing=True, coalesce=True, max_instances=1,
                      misfire_grace_time=6 * 3600, next_run_time=first_run)
    scheduler.start()
    log.info("scheduler started: a sweep and delivery every %d minutes", minutes)
    try:
        while not stop.wait(1):
            pass
    finally:
        scheduler.shutdown(wait=True)  # lets a run in progress finish its batch
        log.info("scheduler stopped")
