"""What every part of the national benchmark shares: its actor and the London moments it
works in (stored as UTC)."""

from __future__ import annotations

import datetime as dt

import pendulum

from casework.clock import LOCAL_TZ

ACTOR = "benchmark"


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> pendulum.DateTime:
    """A London moment, as the UTC instant the code stores and compares (on SQLite the
    instants are compared as text: they must all be UTC)."""
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, second,
                             tz=LOCAL_TZ).in_timezone("UTC")


def london(instant: dt.datetime) -> str:
    return pendulum.instance(instant).in_timezone(LOCAL_TZ).format("YYYY-MM-DD HH:mm")
