"""Reminders and escalations swept from the deadlines, with exact instants worked by hand.

The story: on Monday 14 April 2008 the panel commissions IMRs from POLICE (due Friday 23 May
2008, the Friday before the spring bank holiday) and HEALTH. Under the default policy POLICE's
levels fall, at 07:00 London time (06:00 UTC, BST):

    owner -5 working days       Friday 16 May (22, 21, 20, 19, 16 May)
    owner 0 days                Friday 23 May
    escalation +5 working days  Monday 2 June (27, 28, 29, 30 May, 2 June: 26 May is a holiday)
    board +20 working days      Monday 23 June (27-30 May 4, 2-6 June 9, 9-13 14, 16-20 19, 23)
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pendulum
import pytest
from sqlmodel import select

from casework.config import load_settings
from casework.errors import InvalidInput
from casework.models import Deadline, History, OutboxEmail
from casework.reminders import Level, Policy
from casework.service import CaseService
from notifications.scheduler import last_listing_slot, sweep
from tests.conftest import wait_for
from tests.test_emails import step, to_terms_of_reference


def london(*parts: int) -> pendulum.DateTime:
    return pendulum.datetime(*parts, tz="Europe/London")


@pytest.fixture
def clock(clock):
    clock.set(london(2008, 4, 14, 9))
    return clock


@pytest.fixture
def commissioned(service: CaseService, agencies, clock) -> str:
    for role in ("scr_panel_chair", "chair"):
        service.set_board_contact(role, f"{role.replace('_', '.')}@kent.example.org",
                                  actor="test")
    ref = to_terms_of_reference(service)
    # The review's own completion (due 20 April) is put out of the story's way.
    service.extend(ref, "completion", to="2008-12-31", reason="panel's timescale", actor="c")
    step(service, ref, "commission_imrs", "2008-04-14", terms="ToR",
         agency=["POLICE=2008-05-23", "HEALTH=2008-05-23"])
    return ref


def issued(service: CaseService) -> list[tuple[str, str, str | None]]:
    """(key, to, cc) of every reminder and escalation queued, in order."""
    service.session.expire_all()
    rows = service.session.exec(select(OutboxEmail)
                                .where(OutboxEmail.kind.in_(["reminder", "escalation"]))
                                .order_by(OutboxEmail.id))
    return [(row.key, row.recipients, row.cc) for row in rows]


def deadline(service: CaseService, ref: str, key: str) -> Deadline:
    service.session.expire_all()
    return next(d for d in service.deadlines_of(service.case(ref)) if d.key == key)


def police_only(keys: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
    return [k for k in keys if "imr:POLICE" in k[0]]


def test_a_deadlines_whole_life_across_a_bank_holiday_weekend(service, commissioned, clock):
    ref = commissioned
    police = deadline(service, ref, "imr:POLICE")
    assert police.next_level_at == pendulum.datetime(2008, 5, 16, 6)  # 07:00 BST
    assert sweep(service, london(2008, 5, 16, 6, 59)).deadlines == 0
    first = sweep(service, london(2008, 5, 16, 7))
    assert (first.deadlines, first.reminders, first.escalations) == (2, 2, 0)
    assert police_only(issued(service)) == [
        ("SCR-2007-001/imr:POLICE/owner-5wd/2008-05-23", "pp@police.example.org", None)]
    for minute in range(10):  # ten sweeps in a minute issue nothing more
        assert sweep(service, london(2008, 5, 16, 7, minute)).reminders == 0
    sweep(service, london(2008, 5, 23, 7))
    # Friday 30 May is 4 working days late: no escalation until Monday 2 June.
    assert sweep(service, london(2008, 5, 30, 23)).escalations == 0
    assert sweep(service, london(2008, 6, 2, 6, 59)).escalations == 0
    assert sweep(service, london(2008, 6, 2, 7)).escalations == 2
    assert police_only(issued(service)) == [
        ("SCR-2007-001/imr:POLICE/owner-5wd/2008-05-23", "pp@police.example.org", None),
        ("SCR-2007-001/imr:POLICE/owner+0d/2008-05-23", "pp@police.example.org", None),
        ("SCR-2007-001/imr:POLICE/escalation+5wd/2008-05-23", "chief@police.example.org",
         "scr.panel.chair@kent.example.org")]
    escalation = service.session.exec(select(OutboxEmail).where(
        OutboxEmail.key == "SCR-2007-001/imr:POLICE/escalation+5wd/2008-05-23")).one()
    assert escalation.subject == ("Overdue by 5 working days: Individual management review "
                                  "from Kent Police – SCR-2007-001 (Child A)")
    assert "it is 10 days (5 working days) late" in escalation.text_body
    # HEALTH has no escalation contact: its own contact hears, the panel chair in copy.
    assert ("SCR-2007-001/imr:HEALTH/escalation+5wd/2008-05-23", "nurse@pct.example.org",
            "scr.panel.chair@kent.example.org") in issued(service)
    assert deadline(service, ref, "imr:POLICE").next_level_at == pendulum.datetime(
        2008, 6, 23, 6)
    # POLICE's IMR arrives: its reminders stop at once; HEALTH's go on to the board chair.
    clock.set(london(2008, 6, 5, 12))
    step(service, ref, "receive_imr", "2008-06-05", agency="POLICE")
    assert deadline(service, ref, "imr:POLICE").next_level_at is None
    assert sweep(service, london(2008, 6, 23, 7)).escalations == 1
    assert issued(service)[-1] == ("SCR-2007-001/imr:HEALTH/board+20wd/2008-05-23",
                                   "chair@kent.example.org", "lscb@kent.example.org")
    assert len(police_only(issued(service))) == 3
    history = [h.step for h in service.history(ref) if h.step in ("reminder", "escalation")]
    assert history == ["reminder", "reminder", "reminder", "reminder", "escalation",
                       "escalation", "escalation"]


def test_after_a_month_down_each_missed_level_goes_once_and_overtaken_reminders_not(
        service, commissioned):
    report = sweep(service, london(2008, 6, 30, 12))
    assert (report.deadlines, report.reminders, report.escalations, report.overtaken) == \
        (2, 0, 4, 4)
    assert [k for k, _, _ in police_only(issued(service))] == [
        "SCR-2007-001/imr:POLICE/escalation+5wd/2008-05-23",
        "SCR-2007-001/imr:POLICE/board+20wd/2008-05-23"]
    assert sweep(service, london(2008, 6, 30, 12, 15)).deadlines == 0
    event = next(h for h in service.history(commissioned) if h.step == "escalation")
    assert event.data["overtook"] == ["owner-5wd", "owner+0d"]


def test_a_reminder_overtaken_by_a_later_reminder_is_not_sent(service, commissioned):
    sweep(service, london(2008, 5, 27, 12))  # the service was down from 15 to 27 May
    assert [k for k, _, _ in police_only(issued(service))] == [
        "SCR-2007-001/imr:POLICE/owner+0d/2008-05-23"]


def test_an_extension_moves_the_levels_with_the_deadline(service, commissioned, clock):
    ref = commissioned
    sweep(service, london(2008, 5, 16, 7))
    clock.set(london(2008, 5, 19, 10))
    service.extend(ref, "imr:POLICE", to="2008-06-13", reason="agreed", actor="c")
    # 5 working days before Friday 13 June: Friday 6 June, 07:00.
    assert deadline(service, ref, "imr:POLICE").next_level_at == pendulum.datetime(
        2008, 6, 6, 6)
    assert deadline(service, ref, "imr:POLICE").level_reached is None
    sweep(service, london(2008, 6, 2, 7))  # HEALTH escalates; POLICE is not late any more
    assert [k for k, _, _ in police_only(issued(service))] == [
        "SCR-2007-001/imr:POLICE/owner-5wd/2008-05-23"]
    sweep(service, london(2008, 6, 6, 7))
    assert [k for k, _, _ in police_only(issued(service))][-1] == \
        "SCR-2007-001/imr:POLICE/owner-5wd/2008-06-13"


def test_a_pause_stops_reminders_and_the_resume_moves_them(service, commissioned, clock):
    ref = commissioned
    clock.set(london(2008, 5, 1, 10))
    service.pause(ref, "criminal proceedings", actor="c", on="2008-05-01")
    assert deadline(service, ref, "imr:POLICE").next_level_at is None
    assert sweep(service, london(2008, 6, 30, 12)).deadlines == 0
    clock.set(london(2008, 5, 11, 10))
    service.resume(ref, actor="c", on="2008-05-11")
    # 10 days paused: due Monday 2 June 2008; 5 working days before: Monday 26 May is a
    # holiday, so Fri 30, Thu 29, Wed 28, Tue 27, Fri 23 May.
    police = deadline(service, ref, "imr:POLICE")
    assert police.due_on.isoformat() == "2008-06-02"
    assert police.next_level_at == pendulum.datetime(2008, 5, 23, 6)


def test_waiving_stops_the_reminders(service, commissioned, clock):
    clock.set(london(2008, 5, 20, 10))
    step(service, commissioned, "waive_imr", "2008-05-20", agency="HEALTH", reason="none")
    sweep(service, london(2008, 7, 30, 12))
    assert not [k for k, _, _ in issued(service) if "imr:HEALTH" in k]


def test_deadlines_in_hours_are_swept_with_the_same_code(service, agencies, clock):
    """An unexpected death notified Saturday 5 April 2008 at 09:00: the joint home visit is due
    24 hours later, Sunday 6 April 09:00 BST (08:00 UTC). The hours policy reminds the board
    mailbox 4 hours before (05:00), escalates to the CDOP chair 4 hours after (13:00) and to
    the board chair 24 hours after (Monday 7 April 09:00)."""
    from casework.deaths import notify_death

    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    service.set_board_contact("cdop_chair", "cdop@kent.example.org", actor="t")
    clock.set(london(2008, 4, 5, 10))
    ref = notify_death(service, pseudonym="Child B", died="2008-04-05 03:20", age_band="1-4y",
                       place="home", notifier="Dr Jones", notifier_agency="HEALTH",
                       residence="Kent", death="unexpected", actor="c",
                       on="2008-04-05 09:00").reference
    step(service, ref, "triage", "2008-04-05 09:30", death="unexpected")
    visit = deadline(service, ref, "home_visit")
    assert visit.due_at == pendulum.datetime(2008, 4, 6, 8)
    assert visit.next_level_at == pendulum.datetime(2008, 4, 6, 4)

    def visit_levels() -> list[tuple[str, str, str | None]]:
        return [k for k in issued(service) if "/home_visit/" in k[0]]

    sweep(service, london(2008, 4, 6, 4, 59))
    assert visit_levels() == []
    sweep(service, london(2008, 4, 6, 5))
    sweep(service, london(2008, 4, 6, 13))
    assert visit_levels() == [
        ("CDR-2008-001/home_visit/owner-4h/2008-04-06", "lscb@kent.example.org", None),
        ("CDR-2008-001/home_visit/escalation+4h/2008-04-06", "cdop@kent.example.org",
         "lscb@kent.example.org")]
    sweep(service, london(2008, 4, 7, 9))  # no board chair set: the mailbox hears
    assert visit_levels()[-1] == ("CDR-2008-001/home_visit/board+24h/2008-04-06",
                                  "lscb@kent.example.org", None)


def test_the_policy_is_data_a_board_can_change(tmp_path):
    path = tmp_path / "board.toml"
    path.write_text('[reminders]\ndefault = ["owner -10 working days", "board +1 week"]\n'
                    '[reminders.kinds]\naction = ["owner 0 days"]\n')
    policy = load_settings(db=str(tmp_path / "c.db"), config=str(path), env={}).reminders
    assert [lv.name for lv in policy.levels("scr", "imr", False)] == ["owner-10wd", "board+1w"]
    assert [lv.name for lv in policy.levels("scr", "action", False)] == ["owner+0d"]
    assert [lv.name for lv in policy.levels("cdr", "home_visit", True)] == [
        "owner-4h", "escalation+4h", "board+24h"]
    path.write_text('[reminders]\ndefault = ["chief -5 days"]\n')
    with pytest.raises(InvalidInput, match=r"\[reminders\] default: malformed reminder level "
                                           r"'chief -5 days'"):
        load_settings(db=str(tmp_path / "c.db"), config=str(path), env={})
    assert Policy().default[2] == Level("escalation", 5, "working_days")


def test_a_kinds_own_levels_are_swept(service, commissioned):
    service.settings.reminders = Policy(kinds={"imr": (Level.parse("escalation +1 day"),)})
    from notifications.scheduler import reschedule

    assert reschedule(service) == 3  # the decision's completion, and the two IMRs
    assert deadline(service, commissioned, "imr:POLICE").next_level_at == pendulum.datetime(
        2008, 5, 24, 6)


# -- processes -----------------------------------------------------------------------------


def many_due(service: CaseService, count: int) -> None:
    """`count` referrals made in January 2008 whose decisions (due a month later) are late."""
    for _ in range(count):
        service.refer_scr("Child X", actor="c", on="2008-01-07")


def outbox_keys(service: CaseService) -> list[str]:
    service.session.expire_all()
    return list(service.session.exec(select(OutboxEmail.key)))


def test_two_sweeps_racing_in_two_processes_issue_each_level_once(service, db_url):
    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    many_due(service, 150)
    command = [sys.executable, "-m", "casework", "--db", db_url, "scheduler",
               "run-once", "--as-of", "2008-03-31", "--no-send"]
    sweepers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
    outputs = [s.communicate(timeout=120) for s in sweepers]
    assert [s.returncode for s in sweepers] == [0, 0], outputs
    # Each decision (due Thursday 7 February) has its escalation (+5 working days) and its
    # board escalation (+20 working days, 7 March) due by 31 March; reminders overtaken.
    counts = [int(out.split("deadlines, ")[1].split(" reminders")[0]) +
              int(out.split("reminders, ")[1].split(" escalations")[0]) for out, _ in outputs]
    assert sum(counts) == 300
    keys = outbox_keys(service)
    # ... and the board's weekly listing, due from Monday 31 March 07:30, once between them.
    assert [k for k in keys if k.startswith("board/")] == ["board/overdue/weekly/2008-03-31"]
    keys = [k for k in keys if not k.startswith("board/")]
    assert len(keys) == len(set(keys)) == 300


def test_sigterm_during_a_run_loses_nothing(service, db_url):
    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    many_due(service, 400)
    runner = subprocess.Popen([sys.executable, "-m", "casework", "--db", db_url,
                               "scheduler", "run", "--every", "60"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Started (its signal handlers are in place by then: a fixed sleep raced a slow start-up
    # under load), then a moment into the first sweep of the 400.
    started = wait_for(runner, "scheduler started")
    time.sleep(0.3)
    runner.send_signal(signal.SIGTERM)
    _, rest = runner.communicate(timeout=60)
    err = started + rest
    assert runner.returncode == 0, err
    assert "scheduler started" in err and "scheduler stopped" in err
    assert "Traceback" not in err
    # Whatever the run had done is whole: each deadline past its levels has their emails.
    service.session.expire_all()
    rows = service.session.exec(select(Deadline).where(Deadline.kind == "decision")).all()
    keys = set(outbox_keys(service))
    for row in rows:
        if row.level_reached == "board+20wd":
            ref = service.session.get(type(service.case("SCR-2008-001")), row.case_id)
            assert f"{ref.reference}/decision/board+20wd/{row.due_on}" in keys
    # The next run finishes the rest, and every level is issued exactly once.
    finish = subprocess.run([sys.executable, "-m", "casework", "--db", db_url,
                             "scheduler", "run-once", "--no-send"], capture_output=True,
                            text=True, timeout=120)
    assert finish.returncode == 0, finish.stderr
    keys = outbox_keys(service)
    # The service's first run also queued this week's overdue listing for the board (the
    # real clock: the last Monday 07:30 that has passed), and only the first run did.
    slot = last_listing_slot(pendulum.now("Europe/London"), (0, 7, 30)).date()
    assert [k for k in keys if k.startswith("board/")] == [f"board/overdue/weekly/{slot}"]
    keys = [k for k in keys if not k.startswith("board/")]
    assert len(keys) == len(set(keys)) == 800
    assert len(service.session.exec(select(History).where(
        History.step == "escalation")).all()) == 800


def test_run_once_from_the_command_line(run, service, commissioned):
    out = run("scheduler", "run-once", "--as-of", "2008-05-16", "--no-send").stdout
    assert out.startswith("sweep as of 2008-05-16 22:59 UTC: 2 deadlines, 2 reminders, "
                          "0 escalations queued (")
    # The first run of the week (from Monday 12 May 07:30) queues the board's listing.
    assert out.endswith(" s); weekly overdue listing queued (0 items)\n")
    again = run("scheduler", "run-once", "--as-of", "2008-05-16 23:30", "--no-send").stdout
    assert again.startswith("sweep as of 2008-05-16 22:30 UTC: 0 deadlines, 0 reminders")
    assert "listing" not in again
    sent = run("scheduler", "run-once", "--as-of", "2008-05-17").stdout
    assert sent.splitlines()[-1].endswith(": 5 sent.")  # 2 requests, 2 reminders, the listing
    history = json.loads(run("case", "history", commissioned, "--json").stdout)
    assert [h["step"] for h in history].count("reminder") == 2
    assert run("scheduler", "run-once", "--as-of", "30/02/2008", expect=2).stderr.startswith(
        "Error: malformed --as-of")


def test_a_back_filled_sweep_records_its_reminders_on_its_own_day(run, commissioned, clock):
    clock.set(london(2008, 9, 1, 9))
    run("scheduler", "run-once", "--as-of", "2008-05-16", "--no-send")
    history = json.loads(run("case", "history", commissioned, "--json").stdout)
    reminders = [h for h in history if h["step"] == "reminder"]
    assert [(h["effective_at"], h["at"][:10]) for h in reminders] == [
        ("2008-05-16T22:59:59+00:00", "2008-09-01")] * 2
    text = run("case", "history", commissioned, "--emails").stdout
    assert text.index("16 May 2008  reminder") < text.index("1 Sep 2008")


def test_a_failed_run_is_logged_and_the_service_goes_on(caplog):
    import threading

    from notifications.scheduler import guarded

    def broken(stop: threading.Event) -> None:
        raise RuntimeError("database went away")

    guarded(broken, threading.Event())  # does not raise: the scheduler keeps its job
    failure = next(r for r in caplog.records if r.name == "casework.scheduler")
    assert failure.getMessage() == "scheduler run failed; the next run will try again"
    assert "database went away" in caplog.text


def test_the_weekly_listing_slot_in_london_time_across_the_clock_change():
    monday = (0, 7, 30)
    # Sunday 30 March 2008 (clocks went forward at 01:00 GMT): the week's slot was Monday
    # 24 March 07:30 GMT, which is 07:30 UTC.
    assert last_listing_slot(london(2008, 3, 30, 12), monday).in_timezone("UTC") == \
        pendulum.datetime(2008, 3, 24, 7, 30)
    # Monday 31 March, BST: 07:29 is still last week's; at 07:30 BST (06:30 UTC) the new one.
    assert last_listing_slot(london(2008, 3, 31, 7, 29), monday).date() == pendulum.Date(
        2008, 3, 24)
    slot = last_listing_slot(london(2008, 3, 31, 7, 30), monday)
    assert slot.in_timezone("UTC") == pendulum.datetime(2008, 3, 31, 6, 30)
    # A Friday 17:00 slot seen on the Friday morning is the previous Friday's.
    assert last_listing_slot(london(2008, 4, 4, 9), (4, 17, 0)).date() == pendulum.Date(
        2008, 3, 28)


def test_the_weekly_listing_goes_once_a_week_and_a_board_can_turn_it_off(service, agencies):
    from notifications.scheduler import weekly_listing

    assert weekly_listing(service, london(2008, 3, 31, 8)) == (
        "weekly overdue listing not sent: the board has no mailbox (`casework board "
        "set-contact mailbox --email ADDRESS`)")
    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    many_due(service, 2)  # referred 7 January: the decisions were due 7 February
    assert weekly_listing(service, london(2008, 3, 31, 8)) == (
        "weekly overdue listing queued (2 items)")
    for later in (london(2008, 3, 31, 9), london(2008, 4, 6, 23), london(2008, 4, 7, 7, 29)):
        assert weekly_listing(service, later) is None
    assert weekly_listing(service, london(2008, 4, 7, 7, 30)) == (
        "weekly overdue listing queued (2 items)")
    assert [k for k in outbox_keys(service) if k.startswith("board/")] == [
        "board/overdue/weekly/2008-03-31", "board/overdue/weekly/2008-04-07"]
    service.settings.overdue_listing = None  # [scheduler] overdue_listing = "off"
    assert weekly_listing(service, london(2008, 4, 14, 8)) is None


@pytest.mark.parametrize(("given", "expected"), [
    ('"monday 07:30"', (0, 7, 30)), ('"Friday 16:05"', (4, 16, 5)), ('"monday 7:30"', (0, 7, 30)),
    ('"off"', None)])
def test_the_weekly_listing_time_comes_from_the_config_file(tmp_path, given, expected):
    path = tmp_path / "casework.toml"
    path.write_text(f"[scheduler]\noverdue_listing = {given}\n", encoding="utf-8")
    assert load_settings(config=str(path), env={}).overdue_listing == expected


@pytest.mark.parametrize("given", ['"mondays"', '"monday 07:3"', '"someday 07:30"',
                                   '"monday 24:00"', "7"])
def test_a_weekly_listing_time_that_is_not_one_is_refused(tmp_path, given):
    path = tmp_path / "casework.toml"
    path.write_text(f"[scheduler]\noverdue_listing = {given}\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"\[scheduler\] overdue_listing must be a day and "
                                           r"a time, e\.g\. \"monday 07:30\", or \"off\""):
        load_settings(config=str(path), env={})
