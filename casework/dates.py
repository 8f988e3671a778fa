"""Reading the dates people type, and turning local dates into stored UTC instants.

Writing them for people is `workflows.formats`.
"""

from __future__ import annotations

import datetime as dt
import re

import pendulum
from pendulum.tz.exceptions import AmbiguousTime, NonExistingTime

from casework.clock import LOCAL_TZ, UTC
from casework.errors import InvalidInput
from workflows.formats import short

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$", re.ASCII)

DATE_HELP = "use YYYY-MM-DD (or DD/MM/YYYY), e.g. 2008-03-20"
# Far wider than any review needs, and far from the calendar's edges, so that no deadline
# arithmetic on a typed date can overflow.
FIRST_YEAR, LAST_YEAR = 1950, 2150


def parse_date(text: str, *, what: str = "date") -> pendulum.Date:
    """A calendar date from `YYYY-MM-DD` or `DD/MM/YYYY`; anything else is refused."""
    raw = (text or "").strip()
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK.match(raw)
        if not match:
            raise InvalidInput(f"malformed {what} {text!r}: {DATE_HELP}")
        day, month, year = (int(g) for g in match.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"{what} {text!r} is out of range: casework takes dates from "
                           f"{FIRST_YEAR} to {LAST_YEAR}")
    try:
        return pendulum.Date(year, month, day)
    except ValueError:
        raise InvalidInput(f"malformed {what} {text!r}: there is no such day") from None


def in_range(day: dt.date, what: str) -> dt.date:
    """Refuses a computed date beyond what casework takes (a runaway extension)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"{what} would fall on {short(day)}: casework takes dates from "
                           f"{FIRST_YEAR} to {LAST_YEAR}")
    return day


def parse_moment(text: str, *, what: str = "date") -> pendulum.DateTime:
    """A local date, optionally with a time (`2008-03-20 14:30`), as an instant in UTC.

    A date alone means the start of that day: day-based deadlines only look at the date.
    In the hour the autumn clock change repeats, the first (BST) occurrence is meant.
    """
    raw = (text or "").strip().replace("T", " ")
    date_part, _, time_part = raw.partition(" ")
    day = parse_date(date_part, what=what)
    hour = minute = 0
    if time_part:
        match = _TIME.match(time_part.strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise InvalidInput(f"malformed {what} {text!r}: the time must be HH:MM, e.g. 14:30")
        hour, minute = int(match.group(1)), int(match.group(2))
    parts = (day.year, day.month, day.day, hour, minute)
    try:
        local = pendulum.datetime(*parts, tz=LOCAL_TZ, raise_on_unknown_times=True)
    except AmbiguousTime:  # the autumn change repeats this hour: take its first (BST) pass
        local = pendulum.datetime(*parts, tz=LOCAL_TZ, fold=0)
    except NonExistingTime:
        raise InvalidInput(f"{what} {text!r}: {hour:02d}:{minute:02d} did not happen in "
                           "London that day (the clocks went forward)") from None
    return local.in_timezone(UTC)


def local_date(instant: dt.datetime) -> pendulum.Date:
    """The Europe/London date on which a stored instant fell."""
    return pendulum.instance(instant).in_timezone(LOCAL_TZ).date()


def start_of_day(day: dt.date) -> pendulum.DateTime:
    """Midnight at the start of a local date, in UTC."""
    return pendulum.datetime(day.year, day.month, day.day, tz=LOCAL_TZ).in_timezone(UTC)


def end_of_day(day: dt.date) -> pendulum.DateTime:
    """The last instant of a local date, in UTC: a deadline "on day D" runs to here."""
    local = pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, tz=LOCAL_TZ)
    return local.in_timezone(UTC)


def as_date(value: dt.date) -> pendulum.Date:
    return pendulum.Date(value.year, value.month, value.day)
