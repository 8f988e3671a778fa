"""`casework scheduler status`: the last run, read back from the history, against the clock."""

from __future__ import annotations

import itertools
import json

import pytest

from tests.test_scheduler import clock, commissioned, london  # noqa: F401 (fixtures)


@pytest.fixture
def timed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each reading of the run's timer is 0.25 s after the last: durations are exact."""
    ticks = itertools.count()
    monkeypatch.setattr("notifications.scheduler._timer", lambda: next(ticks) * 0.25)


def test_no_sweep_yet_is_overdue(run):
    result = run("scheduler", "status", expect=10)
    assert result.stdout.splitlines()[-1] == "OVERDUE: no sweep within 30 minutes."
    data = json.loads(run("scheduler", "status", "--json", expect=10).stdout)
    assert data["overdue"] is True and data["last"] is None


def test_status_after_one_run_and_overdue_later(run, commissioned, clock, timed):  # noqa: F811
    clock.set(london(2008, 5, 16, 9))
    run("scheduler", "run-once", "--as-of", "2008-05-16", "--no-send")
    clock.advance(minutes=10)
    assert run("scheduler", "status").stdout.splitlines() == [
        "Last sweep: 2008-05-16 08:00 UTC (10 minutes ago), as of 2008-05-16 22:59 UTC, "
        "took 0.75 s.",
        "Queued: 2 reminders, 0 escalations (2 deadlines looked at).",
        "Emails sent: none (run without delivery).",
        "Weekly listing: weekly overdue listing queued (0 items).",
        "OK: a sweep every 15 minutes, overdue after 30.",
    ]
    data = json.loads(run("scheduler", "status", "--json").stdout)
    assert data == {
        "now": "2008-05-16T08:10:00+00:00", "sweep_minutes": 15, "overdue": False,
        "last": {"at": "2008-05-16T08:00:00+00:00", "as_of": "2008-05-16T22:59:59+00:00",
                 "seconds": 0.75, "deadlines": 2, "reminders": 2, "escalations": 0,
                 "overtaken": 0, "unaddressed": 0, "damaged": 0,
                 "listing": "weekly overdue listing queued (0 items)", "stopped": False,
                 "delivery": None}}
    clock.advance(minutes=20)  # 30 minutes: still within twice the interval
    run("scheduler", "status")
    clock.advance(minutes=1)
    out = run("scheduler", "status", expect=10).stdout
    assert out.splitlines()[-1] == ("OVERDUE: no sweep within 30 minutes (twice the sweep "
                                    "interval).")
    # the next run, with delivery, is the one reported
    run("scheduler", "run-once", "--as-of", "2008-05-17")
    data = json.loads(run("scheduler", "status", "--json").stdout)
    assert data["overdue"] is False
    delivery = data["last"]["delivery"]
    assert delivery["via"].startswith("the folder ") and delivery["sent"] == 5
    assert run("scheduler", "status").stdout.splitlines()[2].startswith("Emails sent: 5 via ")
