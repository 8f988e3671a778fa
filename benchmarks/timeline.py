"""Template cases lived on one timeline, as a board lives them: every case's steps and a
reminder sweep every morning, in time order under one `FixedClock`, so the history holds the
requests, reminders and escalations and each deadline's pointer is where the scheduler left
it. One piece for the benchmarks that build this way (national_scale, overdue_listing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pendulum
from measure import levels

from casework.clock import FixedClock
from casework.service import CaseService
from notifications.scheduler import sweep

EXPUNGE_EVERY = 500  # events between emptying the session's identity map (it keeps it small)


@dataclass
class Timeline:
    """The events to live, then what living them did. An event is (instant, case, step,
    what to do); at one instant the sweeps and other events (case -1) go first, then the
    cases' steps by case and step."""

    service: CaseService
    clock: FixedClock
    events: list[tuple[pendulum.DateTime, int, int, Callable[[], object]]] = field(
        default_factory=list)
    service_calls: int = 0
    sweeps: int = 0
    levels: int = 0

    def step(self, at: pendulum.DateTime, case: int, seq: int,
             do: Callable[[], object]) -> None:
        """Case `case`'s step number `seq`: a service call."""
        self.events.append((at, case, seq, lambda: self._call(do)))

    def sweep(self, at: pendulum.DateTime) -> None:
        """A reminder sweep at `at`, as the scheduler runs it."""
        self.events.append((at, -1, 0, lambda: self._sweep(at)))

    def daily_sweeps(self, first: dt.date, last: dt.date,
                     at: Callable[[dt.date], pendulum.DateTime]) -> None:
        """A sweep on every day from `first` to `last`, at `at(day)`."""
        day = first
        while day <= last:
            self.sweep(at(day))
            day += dt.timedelta(days=1)

    def also(self, at: pendulum.DateTime, do: Callable[[], object]) -> None:
        """Something else done at `at` (a listing taken as the rows then stood)."""
        self.events.append((at, -1, 0, do))

    def live(self) -> None:
        """Every event in time order, the clock set to its instant."""
        self.events.sort(key=lambda event: event[:3])
        for number, (at, _, _, do) in enumerate(self.events):
            self.clock.set(at)
            do()
            if number % EXPUNGE_EVERY == EXPUNGE_EVERY - 1:
                self.service.session.expunge_all()

    def _call(self, do: Callable[[], object]) -> None:
        do()
        self.service_calls += 1

    def _sweep(self, at: pendulum.DateTime) -> None:
        report = sweep(self.service, at, actor="scheduler")
        self.sweeps += 1
        self.levels += levels(report)
