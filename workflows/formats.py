"""How dates and times are written for people: the named formats, in one place.

It lives in the lowest layer so that a definition's own messages ("due on 3 Jan 2011") and the
command line's tables write a date the same way.

Only the standard library at the top, so the command line can import it without loading the
database stack or pendulum (`casework --help` must answer at once). Month and day names come
from tables, not strftime: the same in any locale, and quick across thousands of rows.
Instants are shown in London time, unless a format says UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def short(day: dt.date | None) -> str:
    """`31 Mar 2008`: compact enough for an 80-column table, unambiguous in any locale."""
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def in_words(day: dt.date) -> str:
    """`Monday 31 March 2008`, as a letter to an agency would put it."""
    return f"{weekday(day)} {day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday(day: dt.date) -> str:
    """`Saturday`: why a day is not a working day."""
    return DAYS[day.weekday()]


def clock_time(instant: dt.datetime) -> str:
    """`14:05`, the London time of an instant (a deadline counted in hours)."""
    return f"{_london(instant):%H:%M}"


def short_moment(instant: dt.datetime | None) -> str:
    """`3 Jan 2011 14:05` in London: when an email was queued or sent."""
    if instant is None:
        return ""
    local = _london(instant)
    return f"{short(local.date())} {local:%H:%M}"


def typed_moment(instant: dt.datetime) -> str:
    """`2008-04-05 03:20` in London: the form a person types and `parse_moment` reads."""
    return f"{_london(instant):%Y-%m-%d %H:%M}"


def utc_stamp(instant: dt.datetime) -> str:
    """`2008-06-30 06:30 UTC`: for logs and lock files, which several machines read."""
    return f"{_utc(instant):%Y-%m-%d %H:%M} UTC"


def key_stamp(instant: dt.datetime) -> str:
    """`20080630T063000`, in UTC: an instant inside an outbox key or a file name."""
    return f"{_utc(instant):%Y%m%dT%H%M%S}"


def _utc(instant: dt.datetime) -> dt.datetime:
    """A stored instant is UTC even when it comes back without its zone."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(dt.UTC)


def _london(instant: dt.datetime) -> dt.datetime:
    from casework.clock import LOCAL_TZ  # pendulum: only when an instant is shown

    return _utc(instant).astimezone(LOCAL_TZ)


def action_label(number: int | None) -> str | None:
    """`A3` for the third action of a plan, as boards number them; None for a deadline that
    is not an action."""
    return f"A{number}" if number is not None else None


def deadline_label(number: int | None, key: str) -> str:
    """How people name a deadline: `A3` for an action, else its key (`imr:POLICE`)."""
    return action_label(number) or key


_ACTION_KEY = re.compile(r"action:(\d+)")
# an outbox key: the case, the deadline, what the email is (SCR-2008-001/action:3/request)
_EMAIL_KEY = re.compile(r"([^/\s]+/)action:(\d+)((?:/\S*)?)")


def labelled(text: str) -> str:
    """An action's internal key (`action:3`), or an outbox key naming one
    (`SCR-2008-001/action:3/request`), written as people name the action: `A3`. Any other
    text is left as it is (a note that happens to say "action:3" is the writer's)."""
    if "action:" not in text:
        return text
    if _ACTION_KEY.fullmatch(text):
        return f"A{text[7:]}"
    found = _EMAIL_KEY.fullmatch(text)
    return f"{found[1]}A{found[2]}{found[3]}" if found else text


def labelled_data(value: Any) -> Any:
    """A history row's data with every action key in it written `A3` (the row itself keeps
    what was recorded)."""
    if isinstance(value, str):
        return labelled(value)
    if isinstance(value, dict):
        return {k: labelled_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [labelled_data(v) for v in value]
    return value
