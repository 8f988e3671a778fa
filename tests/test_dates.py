"""Reading typed dates and turning local dates into UTC instants (DOMAIN.md §4).

Expected values are worked out by hand. Europe/London offsets: GMT (+0) in winter, BST (+1)
from 01:00 UTC on Sun 30 Mar 2008 to 01:00 UTC on Sun 26 Oct 2008.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from casework.clock import FixedClock, today
from casework.dates import (
    as_date,
    end_of_day,
    local_date,
    parse_date,
    parse_moment,
    start_of_day,
)
from casework.errors import InvalidInput
from workflows.formats import (
    clock_time,
    in_words,
    key_stamp,
    short,
    short_moment,
    typed_moment,
    utc_stamp,
    weekday,
)

D = dt.date


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


def assert_utc(instant: dt.datetime) -> None:
    assert instant.utcoffset() == dt.timedelta(0)


# --- parse_date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-03-20", D(2008, 3, 20)),
        ("20/03/2008", D(2008, 3, 20)),
        ("2008-02-29", D(2008, 2, 29)),  # 2008 is a leap year
        ("29/02/2008", D(2008, 2, 29)),
        ("2008-3-5", D(2008, 3, 5)),  # single digits accepted
        ("5/3/2008", D(2008, 3, 5)),  # day first, as written in England: 5 March, not May 3
        ("05/03/2008", D(2008, 3, 5)),
        ("12/01/2009", D(2009, 1, 12)),  # 12 January, not 1 December
        ("  2008-03-20  ", D(2008, 3, 20)),  # surrounding white space ignored
        ("31/12/2008", D(2008, 12, 31)),
        ("2000-02-29", D(2000, 2, 29)),  # 2000 divisible by 400: leap
    ],
)
def test_parse_date_accepts_iso_and_uk_forms(text, expected):
    result = parse_date(text)
    assert result == expected
    assert isinstance(result, dt.date) and not isinstance(result, dt.datetime)


@pytest.mark.parametrize(
    "text",
    ["tomorrow", "", "   ", "20-03-2008", "2008/03/20", "20.03.2008", "20/03/08", "080320",
     "20 March 2008", "2008-03-20x", "03-20", "2008-03", "2008-003-20"],
)
def test_parse_date_rejects_other_forms_saying_how_to_write_a_date(text):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "YYYY-MM-DD" in message
    assert "DD/MM/YYYY" in message
    assert "e.g. 2008-03-20" in message


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2008-02-30", "February never has 30 days"),
        ("2007-02-29", "2007 is not a leap year"),
        ("29/02/2007", "2007 is not a leap year (UK form)"),
        ("2100-02-29", "2100 is divisible by 100 but not 400: not leap"),
        ("31/04/2008", "April has 30 days"),
        ("2008-13-01", "there is no 13th month"),
        ("2008-00-10", "there is no month 0"),
        ("2008-01-00", "there is no day 0"),
        ("2008-01-32", "January has 31 days"),
    ],
)
def test_parse_date_rejects_days_that_do_not_exist(text, why):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text)
    message = str(caught.value)
    assert repr(text) in message, why
    assert "no such day" in message, why


def test_parse_date_none_is_refused_not_crashed():
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_date(None)  # type: ignore[arg-type]


def test_parse_date_names_what_was_being_read():
    with pytest.raises(InvalidInput, match=r"^malformed due date 'next week': use YYYY-MM-DD"):
        parse_date("next week", what="due date")
    with pytest.raises(InvalidInput, match=r"^malformed --on '2008-02-30': there is no such"):
        parse_date("2008-02-30", what="--on")


# --- parse_moment ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "reasoning"),
    [
        ("2008-03-20", utc(2008, 3, 20, 0, 0), "a date alone: midnight GMT = 00:00 UTC"),
        ("2008-06-20", utc(2008, 6, 19, 23, 0), "midnight BST = 23:00 UTC the day before"),
        ("2008-03-20 14:30", utc(2008, 3, 20, 14, 30), "GMT: local = UTC"),
        ("2008-06-20 14:30", utc(2008, 6, 20, 13, 30), "BST: one hour ahead of UTC"),
        ("2008-06-20T14:30", utc(2008, 6, 20, 13, 30), "ISO 'T' separator accepted"),
        ("20/06/2008 09:05", utc(2008, 6, 20, 8, 5), "UK form with a time, BST"),
        ("15/01/2008 9:05", utc(2008, 1, 15, 9, 5), "one-digit hour, GMT"),
        ("2008-06-20 00:00", utc(2008, 6, 19, 23, 0), "explicit midnight in BST"),
        ("2008-12-31 23:59", utc(2008, 12, 31, 23, 59), "last minute of 2008, GMT"),
        ("2008-10-25 23:30", utc(2008, 10, 25, 22, 30), "the night before the clocks go back"),
        ("2008-10-26 12:00", utc(2008, 10, 26, 12, 0), "after the clocks went back: GMT"),
        ("2008-03-30 12:00", utc(2008, 3, 30, 11, 0), "after the clocks went forward: BST"),
        ("  2008-06-20 14:30  ", utc(2008, 6, 20, 13, 30), "outer white space ignored"),
    ],
)
def test_parse_moment(text, expected, reasoning):
    result = parse_moment(text)
    assert result == expected, reasoning
    assert_utc(result)


@pytest.mark.parametrize(
    "text",
    ["2008-06-20 24:00", "2008-06-20 12:60", "2008-06-20 noon", "2008-06-20 14:30:00",
     "2008-06-20 14", "2008-06-20 1430", "2008-06-20 2:3", "2008-06-20 14:30pm",
     "2008-06-20 -1:30", "2008-06-20 14.30"],
)
def test_parse_moment_rejects_bad_times(text):
    with pytest.raises(InvalidInput) as caught:
        parse_moment(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "the time must be HH:MM, e.g. 14:30" in message


@pytest.mark.parametrize(
    ("text", "expected_message"),
    [
        ("2008-02-30 12:00", "no such day"),
        ("tomorrow 12:00", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
        ("14:30", "YYYY-MM-DD"),
    ],
)
def test_parse_moment_rejects_bad_dates(text, expected_message):
    with pytest.raises(InvalidInput, match=expected_message):
        parse_moment(text)


def test_parse_moment_names_what_was_being_read():
    with pytest.raises(InvalidInput, match=r"^malformed --at '2008-06-20 25:00'"):
        parse_moment("2008-06-20 25:00", what="--at")


# --- local_date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "expected", "reasoning"),
    [
        (utc(2008, 6, 30, 22, 59), D(2008, 6, 30), "23:59 BST on 30 June"),
        (utc(2008, 6, 30, 23, 0), D(2008, 7, 1), "00:00 BST on 1 July"),
        (utc(2008, 6, 30, 23, 30), D(2008, 7, 1), "00:30 BST on 1 July"),
        (utc(2008, 12, 31, 23, 59), D(2008, 12, 31), "23:59 GMT on 31 Dec"),
        (utc(2009, 1, 1, 0, 0), D(2009, 1, 1), "00:00 GMT on 1 Jan"),
        (utc(2008, 12, 31, 23, 30), D(2008, 12, 31), "GMT: a late UTC evening stays put"),
        (utc(2008, 3, 30, 0, 59), D(2008, 3, 30), "00:59 GMT, just before the change"),
        (utc(2008, 3, 29, 23, 59), D(2008, 3, 29), "23:59 GMT on Sat 29 Mar"),
        (utc(2008, 10, 25, 23, 30), D(2008, 10, 26), "00:30 BST on 26 Oct (before 01:00 UTC)"),
        (utc(2008, 10, 25, 22, 59), D(2008, 10, 25), "23:59 BST on 25 Oct"),
    ],
)
def test_local_date(instant, expected, reasoning):
    assert local_date(instant) == expected, reasoning


def test_local_date_of_stdlib_datetimes():
    # aware stdlib datetime in UTC: 30 Jun 2008 23:30 UTC = 1 Jul 00:30 BST.
    assert local_date(dt.datetime(2008, 6, 30, 23, 30, tzinfo=dt.UTC)) == D(2008, 7, 1)
    # a naive datetime as SQLite hands back a stored instant: read as UTC.
    assert local_date(dt.datetime(2008, 6, 30, 23, 30)) == D(2008, 7, 1)
    assert local_date(dt.datetime(2008, 12, 31, 23, 30)) == D(2008, 12, 31)


def test_today_is_the_london_date_of_the_clock():
    # 30 Jun 2008 23:30 UTC is already 1 July in London.
    assert today(FixedClock(utc(2008, 6, 30, 23, 30))) == D(2008, 7, 1)
    assert today(FixedClock(utc(2008, 12, 31, 23, 30))) == D(2008, 12, 31)


# --- start_of_day / end_of_day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "reasoning"),
    [
        (D(2008, 1, 15), utc(2008, 1, 15, 0, 0, 0), utc(2008, 1, 15, 23, 59, 59), "GMT"),
        (D(2008, 7, 1), utc(2008, 6, 30, 23, 0, 0), utc(2008, 7, 1, 22, 59, 59), "BST"),
        (D(2008, 3, 30), utc(2008, 3, 30, 0, 0, 0), utc(2008, 3, 30, 22, 59, 59),
         "clocks forward: starts in GMT, ends in BST"),
        (D(2008, 10, 26), utc(2008, 10, 25, 23, 0, 0), utc(2008, 10, 26, 23, 59, 59),
         "clocks back: starts in BST, ends in GMT"),
        (D(2008, 12, 31), utc(2008, 12, 31, 0, 0, 0), utc(2008, 12, 31, 23, 59, 59),
         "New Year's Eve"),
    ],
)
def test_start_and_end_of_day(day, start, end, reasoning):
    assert start_of_day(day) == start, reasoning
    assert end_of_day(day) == end, reasoning
    assert_utc(start_of_day(day))
    assert_utc(end_of_day(day))
    # both ends fall on the day itself in London
    assert local_date(start_of_day(day)) == day
    assert local_date(end_of_day(day)) == day


def test_day_lengths_around_the_clock_changes():
    # 30 Mar 2008 has 23 hours, 26 Oct 2008 has 25: start to end is that less one second.
    def length(day: dt.date) -> dt.timedelta:
        return end_of_day(day) - start_of_day(day)

    second = dt.timedelta(seconds=1)
    assert length(D(2008, 3, 30)) == dt.timedelta(hours=23) - second
    assert length(D(2008, 10, 26)) == dt.timedelta(hours=25) - second
    assert length(D(2008, 5, 1)) == dt.timedelta(hours=24) - second


def test_one_second_after_the_end_of_a_day_is_the_next_day():
    assert local_date(end_of_day(D(2008, 6, 30)).add(seconds=1)) == D(2008, 7, 1)
    assert start_of_day(D(2008, 7, 1)) == end_of_day(D(2008, 6, 30)).add(seconds=1)


def test_start_and_end_of_day_accept_pendulum_dates_and_datetimes():
    assert start_of_day(pendulum.date(2008, 7, 1)) == utc(2008, 6, 30, 23)
    assert end_of_day(dt.datetime(2008, 7, 1, 15, 0)) == utc(2008, 7, 1, 22, 59, 59)


def test_as_date():
    result = as_date(dt.datetime(2008, 3, 20, 14, 30))
    assert result == D(2008, 3, 20)
    assert isinstance(result, pendulum.Date) and not isinstance(result, dt.datetime)
    assert as_date(D(2008, 2, 29)).add(years=1) == D(2009, 2, 28)  # a pendulum Date


# --- short / in_words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2008, 3, 31), "31 Mar 2008"),
        (D(2008, 3, 5), "5 Mar 2008"),  # no leading zero
        (D(2009, 1, 1), "1 Jan 2009"),
        (D(2008, 9, 30), "30 Sep 2008"),
        (pendulum.date(2008, 2, 29), "29 Feb 2008"),
        (None, ""),
    ],
)
def test_short(day, expected):
    assert short(day) == expected


@pytest.mark.parametrize(
    ("day", "expected", "reasoning"),
    [
        (D(2008, 2, 29), "Friday 29 February 2008", "1 Jan 2008 Tue + 59 days = Fri"),
        (D(2008, 3, 31), "Monday 31 March 2008", "the issue's example due date"),
        (D(2009, 1, 1), "Thursday 1 January 2009", "2008 has 366 days: Tue + 2 = Thu"),
        (D(2008, 3, 5), "Wednesday 5 March 2008", "no leading zero on the day"),
        (pendulum.date(2008, 12, 25), "Thursday 25 December 2008", "Christmas 2008"),
    ],
)
def test_in_words(day, expected, reasoning):
    assert in_words(day) == expected, reasoning


@pytest.mark.parametrize(
    ("instant", "london", "typed", "utc_text", "key"),
    [
        (utc(2008, 1, 7, 9, 5), "7 Jan 2008 09:05", "2008-01-07 09:05", "2008-01-07 09:05 UTC",
         "20080107T090500"),  # winter: London is UTC
        (utc(2008, 6, 30, 23, 30), "1 Jul 2008 00:30", "2008-07-01 00:30",
         "2008-06-30 23:30 UTC", "20080630T233000"),  # summer: the London day is the next
        (dt.datetime(2008, 6, 30, 6, 30), "30 Jun 2008 07:30", "2008-06-30 07:30",
         "2008-06-30 06:30 UTC", "20080630T063000"),  # no zone: stored instants are UTC
    ],
)
def test_the_named_formats_of_an_instant(instant, london, typed, utc_text, key):
    assert short_moment(instant) == london
    assert clock_time(instant) == london[-5:]
    assert typed_moment(instant) == typed
    assert parse_moment(typed_moment(instant)) == pendulum.instance(instant)
    assert (utc_stamp(instant), key_stamp(instant)) == (utc_text, key)
    assert short_moment(None) == ""


def test_weekday_names_the_day_in_english():
    assert [weekday(D(2008, 3, 29 + n)) for n in range(3)] == ["Saturday", "Sunday", "Monday"]


def test_a_time_the_spring_clock_change_skips_is_refused():
    # On Sunday 30 March 2008 London went from 01:00 GMT straight to 02:00 BST.
    with pytest.raises(InvalidInput, match=r"01:30 did not happen in London that day "
                                           r"\(the clocks went forward\)"):
        parse_moment("2008-03-30 01:30", what="--on")


def test_a_time_the_autumn_clock_change_repeats_means_its_first_occurrence():
    # On Sunday 26 October 2008 01:00-02:00 came twice: first as BST (00:00-01:00 UTC).
    assert parse_moment("2008-10-26 01:30") == pendulum.datetime(2008, 10, 26, 0, 30, tz="UTC")


@pytest.mark.parametrize("text", ["1949-12-31", "2151-01-01", "9999-12-31", "0001-01-01"])
def test_dates_outside_1950_to_2150_are_refused(text):
    with pytest.raises(InvalidInput, match=rf"'{text}' is out of range: casework takes dates "
                                           r"from 1950 to 2150"):
        parse_date(text)
