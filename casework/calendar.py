"""Working days on the England and Wales calendar.

Bank holidays (substitute days and one-off proclaimed days included) come from the `holidays`
package. They are kept as a data file generated from it, because importing `holidays` costs
more than the whole of a `casework case advance` may take; a test checks the file still agrees
with the package, and years outside the file fall back to the package itself. A board adds its
own closed days (e.g. the days between Christmas and New Year) in its config file.

Regenerate the file after upgrading `holidays`:  python -m casework.calendar --write
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from workflows.formats import short, weekday

DATA_FILE = "bank_holidays_england_wales.json"
FIRST_YEAR, LAST_YEAR = 1995, 2060


@cache
def _bank_holidays_file() -> dict[dt.date, str]:
    text = resources.files("casework.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    return {dt.date.fromisoformat(day): name for day, name in data["days"].items()}


@cache
def _bank_holidays_from_package(year: int) -> dict[dt.date, str]:
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: str(name) for day, name in found.items()}


def bank_holidays(year: int) -> dict[dt.date, str]:
    """England and Wales bank holidays in one year."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return {d: n for d, n in _bank_holidays_file().items() if d.year == year}
    return _bank_holidays_from_package(year)


class WorkingCalendar:
    """Says which days are working days and counts them.

    Day 0 is the anchor's own day: 5 working days from Thursday 20 March 2008 is Monday
    31 March 2008 (Good Friday and Easter Monday fall between).
    """

    def __init__(self, closed_days: Mapping[dt.date, str] | Iterable[dt.date] = ()) -> None:
        if isinstance(closed_days, Mapping):
            self._closed = {_plain(d): str(n) for d, n in closed_days.items()}
        else:
            self._closed = {_plain(d): "closed" for d in closed_days}
        self._years: dict[int, dict[dt.date, str]] = {}
        self._ordinal_span: tuple[int, int] | None = None
        self._ordinals: list[int] = []

    def closure(self, day: dt.date) -> str | None:
        """Why `day` is not a working day, or None when it is one."""
        day = _plain(day)
        if day.weekday() >= 5:
            return weekday(day)
        holidays = self._years.get(day.year)
        if holidays is None:
            holidays = self._years[day.year] = bank_holidays(day.year)
        return holidays.get(day) or self._closed.get(day)

    def why_closed(self, day: dt.date) -> str | None:
        """Why `day` is not a working day, as a sentence: "25 Dec 2008 is Christmas Day, a
        bank holiday in England and Wales"; None when it is a working day."""
        day = _plain(day)
        holiday = bank_holidays(day.year).get(day)
        if holiday:
            return f"{short(day)} is {holiday}, a bank holiday in England and Wales"
        if day.weekday() >= 5:
            return f"{short(day)} is a {weekday(day)}"
        closed = self._closed.get(day)
        if closed:
            return f"{short(day)} is a day the board is closed ({closed})"
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return self.closure(day) is None

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The date `count` working days after `day` (before it when negative)."""
        day = _plain(day)
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        day = _plain(day)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start).

        Counted by arithmetic, not by walking the days: the overdue listing asks this of
        every late item.
        """
        first, last = start.toordinal(), end.toordinal()
        if last < first:
            return -self.working_days_between(end, start)
        closed = self._closed_weekday_ordinals(start.year, end.year)
        return (_weekdays_upto(last) - _weekdays_upto(first)
                - (bisect.bisect_right(closed, last) - bisect.bisect_right(closed, first)))

    def _closed_weekday_ordinals(self, first_year: int, last_year: int) -> list[int]:
        """Every closed Monday-to-Friday from first_year to last_year, as sorted ordinals,
        kept across calls (the span only ever grows)."""
        span = self._ordinal_span
        if span is None or first_year < span[0] or last_year > span[1]:
            low = first_year if span is None else min(first_year, span[0])
            high = last_year if span is None else max(last_year, span[1])
            days = set(self._closed)
            for year in range(low, high + 1):
                days.update(bank_holidays(year))
            self._ordinals = sorted(d.toordinal() for d in days
                                    if d.weekday() < 5 and low <= d.year <= high)
            self._ordinal_span = (low, high)
        return self._ordinals


def _weekdays_upto(ordinal: int) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) to `ordinal`, inclusive."""
    return (ordinal // 7) * 5 + min(ordinal % 7, 5)


def _plain(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


def _write_data_file() -> None:  # pragma: no cover - maintenance command
    import importlib.metadata
    from pathlib import Path

    import holidays

    days: dict[str, str] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for day, name in sorted(holidays.country_holidays("GB", subdiv="ENG", years=year).items()):
            days[day.isoformat()] = str(name)
    data = {
        "source": f"holidays {importlib.metadata.version('holidays')}, GB subdivision ENG",
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
        "days": days,
    }
    path = Path(__file__).parent / "data" / DATA_FILE
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(days)} bank holidays to {path}")


if __name__ == "__main__":  # pragma: no cover
    import sys

    if sys.argv[1:] == ["--write"]:
        _write_data_file()
    else:
        print(__doc__)
