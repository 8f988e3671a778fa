"""The one source of "now", and the board's local time.

Domain code never reads the wall clock itself: it is handed a `Clock`. Instants are UTC;
dates a person sees or types are Europe/London.
"""

from __future__ import annotations

from typing import Protocol

import pendulum

LOCAL_TZ = pendulum.timezone("Europe/London")
UTC = pendulum.timezone("UTC")


class Clock(Protocol):
    def now(self) -> pendulum.DateTime:
        """The current instant, in UTC."""
        ...


class SystemClock:
    """The real clock (frozen by freezegun in tests that need a fixed day)."""

    def now(self) -> pendulum.DateTime:
        return pendulum.now(UTC)


class FixedClock:
    """A clock that only moves when told: the seam for tests and for threads."""

    def __init__(self, instant: pendulum.DateTime) -> None:
        self._now = instant.in_timezone(UTC)

    def now(self) -> pendulum.DateTime:
        return self._now

    def set(self, instant: pendulum.DateTime) -> None:
        self._now = instant.in_timezone(UTC)

    def advance(self, **delta: int) -> None:
        self._now = self._now.add(**delta)


def today(clock: Clock) -> pendulum.Date:
    """The board's current local date."""
    return clock.now().in_timezone(LOCAL_TZ).date()
