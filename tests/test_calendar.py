"""The England and Wales working calendar (DOMAIN.md §4).

Every expected date below was worked out by hand from the published gov.uk list of bank
holidays and a paper calendar; the reasoning is in the comment beside each case. Weekday
anchors used throughout: 1 January 2008 was a Tuesday, 2009 a Thursday, 2010 a Friday,
2011 a Saturday, 2012 a Sunday, 2015 a Thursday, 2016 a Friday, 2020 a Wednesday, 2021 a
Friday, 2022 a Saturday, 2023 a Sunday.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from importlib import resources

import pendulum
import pytest

from casework import calendar as cal_module
from casework.calendar import WorkingCalendar, bank_holidays

D = dt.date


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def weekday_holidays(year: int) -> set[dt.date]:
    """The bank holidays of `year` that close a Monday-to-Friday."""
    return {day for day in bank_holidays(year) if day.weekday() < 5}


# --- weekends -------------------------------------------------------------------------------


def test_weekends_are_closed_and_named(cal):
    # Sat 15 / Sun 16 March 2008 (Thu 20 Mar - 5 / - 4); Mon 17 - Fri 14 are ordinary weekdays.
    assert cal.closure(D(2008, 3, 15)) == "Saturday"
    assert cal.closure(D(2008, 3, 16)) == "Sunday"
    assert not cal.is_working_day(D(2008, 3, 15))
    assert not cal.is_working_day(D(2008, 3, 16))
    for day in (D(2008, 3, 14), D(2008, 3, 17), D(2008, 3, 18), D(2008, 3, 19), D(2008, 3, 20)):
        assert cal.is_working_day(day), day
        assert cal.closure(day) is None


def test_a_weekend_bank_holiday_is_reported_as_the_weekend(cal):
    # Christmas Day 2010 fell on Saturday 25 Dec: closed because it is a Saturday.
    assert cal.closure(D(2010, 12, 25)) == "Saturday"


def test_datetimes_are_read_as_their_date(cal):
    # Good Friday 2008 is 21 March, whatever time of day is attached.
    assert not cal.is_working_day(dt.datetime(2008, 3, 21, 9, 30))
    assert not cal.is_working_day(pendulum.datetime(2008, 3, 21, 23, 59, tz="Europe/London"))
    assert cal.is_working_day(pendulum.date(2008, 3, 20))


# --- bank holidays --------------------------------------------------------------------------


def test_easter_2008(cal):
    # Easter Sunday 2008 was 23 March (very early): Good Friday 21, Easter Monday 24 March.
    assert cal.closure(D(2008, 3, 21)) == "Good Friday"
    assert cal.closure(D(2008, 3, 24)) == "Easter Monday"
    assert cal.is_working_day(D(2008, 3, 20))  # Maundy Thursday is a working day
    assert cal.is_working_day(D(2008, 3, 25))


# Weekday bank holidays per year, copied from gov.uk's England and Wales list; substitute
# days marked (sub). Derivations: first-Monday-in-May / last-Monday-in-May / last Monday in
# August counted from 1 May and 1 August (1 May = 1 Jan + 120 days, +121 in a leap year).
GOV_UK = {
    # 2008: NY Tue 1 Jan; Easter Sun 23 Mar -> GF 21, EM 24 Mar; 1 May Thu -> Mon 5 May;
    # Mon 26 May; 1 Aug Fri -> Mon 25 Aug; Christmas Thu 25, Boxing Fri 26 Dec.
    2008: {D(2008, 1, 1), D(2008, 3, 21), D(2008, 3, 24), D(2008, 5, 5), D(2008, 5, 26),
           D(2008, 8, 25), D(2008, 12, 25), D(2008, 12, 26)},
    # 2009: NY Thu; Easter 12 Apr -> 10, 13 Apr; 1 May Fri -> 4 May, 25 May; 1 Aug Sat ->
    # 31 Aug; Christmas Fri 25, Boxing Sat 26 -> (sub) Mon 28 Dec.
    2009: {D(2009, 1, 1), D(2009, 4, 10), D(2009, 4, 13), D(2009, 5, 4), D(2009, 5, 25),
           D(2009, 8, 31), D(2009, 12, 25), D(2009, 12, 28)},
    # 2010: NY Fri; Easter 4 Apr -> 2, 5 Apr; 1 May Sat -> 3 May, 31 May; 1 Aug Sun ->
    # 30 Aug; Christmas Sat, Boxing Sun -> (sub) Mon 27 and (sub) Tue 28 Dec.
    2010: {D(2010, 1, 1), D(2010, 4, 2), D(2010, 4, 5), D(2010, 5, 3), D(2010, 5, 31),
           D(2010, 8, 30), D(2010, 12, 27), D(2010, 12, 28)},
    # 2011: NY Sat -> (sub) Mon 3 Jan; Easter 24 Apr -> 22, 25 Apr; royal wedding Fri 29 Apr;
    # 1 May Sun -> 2 May, 30 May; 1 Aug Mon -> 29 Aug; Christmas Sun, Boxing Mon 26 ->
    # (sub, for Christmas) Tue 27 Dec.
    2011: {D(2011, 1, 3), D(2011, 4, 22), D(2011, 4, 25), D(2011, 4, 29), D(2011, 5, 2),
           D(2011, 5, 30), D(2011, 8, 29), D(2011, 12, 26), D(2011, 12, 27)},
    # 2012: NY Sun -> (sub) Mon 2 Jan; Easter 8 Apr -> 6, 9 Apr; 1 May Tue -> 7 May; spring
    # holiday moved from 28 May to Mon 4 Jun, Diamond Jubilee Tue 5 Jun; 1 Aug Wed -> 27 Aug;
    # Christmas Tue 25, Boxing Wed 26.
    2012: {D(2012, 1, 2), D(2012, 4, 6), D(2012, 4, 9), D(2012, 5, 7), D(2012, 6, 4),
           D(2012, 6, 5), D(2012, 8, 27), D(2012, 12, 25), D(2012, 12, 26)},
    # 2015: NY Thu; Easter 5 Apr -> 3, 6 Apr; 1 May Fri -> 4 May, 25 May; 1 Aug Sat -> 31 Aug;
    # Christmas Fri 25, Boxing Sat -> (sub) Mon 28 Dec.
    2015: {D(2015, 1, 1), D(2015, 4, 3), D(2015, 4, 6), D(2015, 5, 4), D(2015, 5, 25),
           D(2015, 8, 31), D(2015, 12, 25), D(2015, 12, 28)},
    # 2016: NY Fri; Easter 27 Mar -> 25, 28 Mar; 1 May Sun -> 2 May, 30 May; 1 Aug Mon ->
    # 29 Aug; Christmas Sun, Boxing Mon 26 -> (sub) Tue 27 Dec.
    2016: {D(2016, 1, 1), D(2016, 3, 25), D(2016, 3, 28), D(2016, 5, 2), D(2016, 5, 30),
           D(2016, 8, 29), D(2016, 12, 26), D(2016, 12, 27)},
    # 2020: NY Wed; Easter 12 Apr -> 10, 13 Apr; early May holiday moved from Mon 4 May to
    # Fri 8 May (VE day 75); 25 May; 1 Aug Sat -> 31 Aug; Christmas Fri 25, Boxing Sat ->
    # (sub) Mon 28 Dec.
    2020: {D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25),
           D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)},
    # 2021: NY Fri; Easter 4 Apr -> 2, 5 Apr; 1 May Sat -> 3 May, 31 May; 1 Aug Sun -> 30 Aug;
    # Christmas Sat, Boxing Sun -> (sub) Mon 27, (sub) Tue 28 Dec.
    2021: {D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31),
           D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)},
    # 2022: NY Sat -> (sub) Mon 3 Jan; Easter 17 Apr -> 15, 18 Apr; 1 May Sun -> 2 May; spring
    # holiday moved to Thu 2 Jun, Platinum Jubilee Fri 3 Jun; 1 Aug Mon -> 29 Aug; state
    # funeral Mon 19 Sep; Christmas Sun, Boxing Mon 26 -> (sub) Tue 27 Dec.
    2022: {D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
           D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)},
    # 2023: NY Sun -> (sub) Mon 2 Jan; Easter 9 Apr -> 7, 10 Apr; 1 May Mon; coronation Mon
    # 8 May; 29 May; 1 Aug Tue -> 28 Aug; Christmas Mon 25, Boxing Tue 26.
    2023: {D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
           D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)},
}


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_weekday_bank_holidays_match_gov_uk(year):
    assert weekday_holidays(year) == GOV_UK[year]


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_every_listed_bank_holiday_closes_the_calendar(cal, year):
    for day in GOV_UK[year]:
        assert not cal.is_working_day(day), day
        assert cal.closure(day) not in (None, "Saturday", "Sunday")


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2010, 12, 27), "Christmas Day 2010 was a Saturday: substitute Monday 27 Dec"),
        (D(2010, 12, 28), "Boxing Day 2010 was a Sunday: substitute Tuesday 28 Dec"),
        (D(2011, 12, 27), "Christmas Day 2011 was a Sunday, Boxing Day Mon 26: sub Tue 27"),
        (D(2015, 12, 28), "Boxing Day 2015 was a Saturday: substitute Monday 28 Dec"),
        (D(2020, 12, 28), "Boxing Day 2020 was a Saturday: substitute Monday 28 Dec"),
        (D(2021, 12, 27), "Christmas Day 2021 was a Saturday: substitute Monday 27 Dec"),
        (D(2021, 12, 28), "Boxing Day 2021 was a Sunday: substitute Tuesday 28 Dec"),
        (D(2022, 12, 27), "Christmas Day 2022 was a Sunday, Boxing Day Mon 26: sub Tue 27"),
        (D(2011, 1, 3), "1 Jan 2011 was a Saturday: substitute Monday 3 Jan"),
    ],
)
def test_substitute_days_are_closed(cal, day, reason):
    assert day.weekday() < 5, reason  # a substitute always falls on a weekday
    assert not cal.is_working_day(day), reason


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2015, 12, 29), "2015: only Boxing Day needed a substitute (Mon 28); Tue 29 works"),
        (D(2020, 12, 29), "2020: Christmas Fri 25 kept its day; only Mon 28 substitutes"),
        (D(2012, 12, 27), "2012: Christmas Tue, Boxing Wed, no substitute; Thu 27 works"),
        (D(2023, 12, 27), "2023: Christmas Mon, Boxing Tue, no substitute; Wed 27 works"),
        (D(2011, 12, 28), "2011: one substitute (Tue 27); Wed 28 works"),
        (D(2022, 12, 28), "2022: one substitute (Tue 27); Wed 28 works"),
    ],
)
def test_days_after_christmas_that_were_not_substitutes_are_working_days(cal, day, reason):
    assert cal.is_working_day(day), reason


@pytest.mark.parametrize(
    ("day", "what"),
    [
        (D(1999, 12, 31), "Fri 31 Dec 1999: millennium"),
        (D(2002, 6, 3), "Mon 3 Jun 2002: Golden Jubilee"),
        (D(2002, 6, 4), "Tue 4 Jun 2002: spring bank holiday moved from 27 May"),
        (D(2011, 4, 29), "Fri 29 Apr 2011: wedding of Prince William"),
        (D(2012, 6, 4), "Mon 4 Jun 2012: spring bank holiday moved from 28 May"),
        (D(2012, 6, 5), "Tue 5 Jun 2012: Diamond Jubilee"),
        (D(2022, 6, 2), "Thu 2 Jun 2022: spring bank holiday moved from 30 May"),
        (D(2022, 6, 3), "Fri 3 Jun 2022: Platinum Jubilee"),
        (D(2022, 9, 19), "Mon 19 Sep 2022: state funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Mon 8 May 2023: coronation of King Charles III"),
        (D(1995, 5, 8), "Mon 8 May 1995: early May holiday moved for VE day 50"),
        (D(2020, 5, 8), "Fri 8 May 2020: early May holiday moved for VE day 75"),
    ],
)
def test_one_off_proclaimed_days_are_closed(cal, day, what):
    assert day.weekday() < 5, what
    assert not cal.is_working_day(day), what


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2020, 5, 4), "Mon 4 May 2020: the early May holiday moved to Fri 8 May"),
        (D(1995, 5, 1), "Mon 1 May 1995: the early May holiday moved to Mon 8 May"),
        (D(2012, 5, 28), "Mon 28 May 2012: the spring holiday moved to Mon 4 June"),
        (D(2002, 5, 27), "Mon 27 May 2002: the spring holiday moved to Tue 4 June"),
        (D(2022, 5, 30), "Mon 30 May 2022: the spring holiday moved to Thu 2 June"),
    ],
)
def test_days_a_holiday_moved_away_from_are_working_days(cal, day, why):
    assert day.weekday() == 0, why
    assert cal.is_working_day(day), why


def test_year_outside_the_data_file_falls_back_to_the_holidays_package(cal):
    assert cal_module.LAST_YEAR < 2070
    # 2070 by hand: 1 Jan 2000 Sat; 2000..2069 = 70 years with 18 leap years (2000..2068)
    # -> shift 88 = 4 (mod 7) -> 1 Jan 2070 is a Wednesday.
    # Easter (anonymous Gregorian algorithm): a=18 b=20 c=70 d=5 e=0 f=1 g=6 h=6 i=17 k=2
    # l=2 m=0 -> (6+2+114)=122 -> month 3, day 122%31+1 = 30: Easter Sunday 30 Mar 2070
    # (day 89 of the year, 88 after a Wednesday -> Sunday). GF Fri 28 Mar, EM Mon 31 Mar.
    # 1 May = 120 days after Wed -> Thu: early May Mon 5 May, spring Mon 26 May.
    # 1 Aug = 212 days after Wed -> Fri: late summer Mon 25 Aug.
    # Christmas = 358 days after Wed -> Thu 25 Dec, Boxing Fri 26 Dec: no substitutes.
    expected = {D(2070, 1, 1), D(2070, 3, 28), D(2070, 3, 31), D(2070, 5, 5), D(2070, 5, 26),
                D(2070, 8, 25), D(2070, 12, 25), D(2070, 12, 26)}
    assert set(bank_holidays(2070)) == expected
    assert not cal.is_working_day(D(2070, 3, 28))
    assert cal.closure(D(2070, 3, 28)) == "Good Friday"
    assert cal.is_working_day(D(2070, 3, 27))  # Thursday before Good Friday
    # Thu 27 Mar 2070 + 1 wd: Fri 28 GF, Sat, Sun, Mon 31 EM -> Tue 1 Apr 2070.
    assert cal.add_working_days(D(2070, 3, 27), 1) == D(2070, 4, 1)


def test_years_either_side_of_the_data_file_edges(cal):
    first, last = cal_module.FIRST_YEAR, cal_module.LAST_YEAR
    for year in (first - 1, first, last, last + 1):
        # New Year's Day and Christmas Day are holidays in every year, in or out of the file.
        assert D(year, 1, 1) in bank_holidays(year), year
        assert D(year, 12, 25) in bank_holidays(year), year


def test_data_file_agrees_with_the_holidays_package():
    """Fails after upgrading `holidays` if the package changed: run
    `python -m casework.calendar --write` and commit the regenerated file."""
    import holidays

    text = (resources.files("casework.data")
            .joinpath(cal_module.DATA_FILE).read_text(encoding="utf-8"))
    data = json.loads(text)
    assert (data["first_year"], data["last_year"]) == (cal_module.FIRST_YEAR,
                                                        cal_module.LAST_YEAR)
    in_file: dict[int, dict[str, str]] = {}
    for day, name in data["days"].items():
        in_file.setdefault(int(day[:4]), {})[day] = name
    assert min(in_file) == cal_module.FIRST_YEAR and max(in_file) == cal_module.LAST_YEAR

    stale = []
    for year in range(cal_module.FIRST_YEAR, cal_module.LAST_YEAR + 1):
        package = {day.isoformat(): str(name) for day, name in
                   holidays.country_holidays("GB", subdiv="ENG", years=year).items()}
        if in_file.get(year, {}) != package:
            stale.append(year)
        # and what the module serves for the year is the same
        assert {d.isoformat(): n for d, n in bank_holidays(year).items()} == package, year
    assert not stale, (f"bank holiday data file is stale for {stale}: regenerate it with "
                       "`python -m casework.calendar --write`")


# --- closed days configured by the board ----------------------------------------------------


def test_closed_days_from_a_mapping_keep_their_reason():
    # Kent closes the working days between Christmas and New Year: in 2008 Mon 29 - Wed 31 Dec.
    closed = {D(2008, 12, 29): "office closed", D(2008, 12, 30): "office closed",
              D(2008, 12, 31): "office closed"}
    cal = WorkingCalendar(closed)
    assert cal.closure(D(2008, 12, 29)) == "office closed"
    assert not cal.is_working_day(D(2008, 12, 31))
    assert cal.is_working_day(D(2009, 1, 2))  # Fri 2 Jan 2009 not in the list
    # Wed 24 Dec 2008 + 1 wd: Thu 25 Xmas, Fri 26 Boxing, Sat, Sun, Mon-Wed closed,
    # Thu 1 Jan NY -> Fri 2 Jan 2009.
    assert cal.add_working_days(D(2008, 12, 24), 1) == D(2009, 1, 2)
    # Without the closure: Mon 29 Dec 2008.
    assert WorkingCalendar().add_working_days(D(2008, 12, 24), 1) == D(2008, 12, 29)


def test_closed_days_from_an_iterable():
    cal = WorkingCalendar([D(2008, 12, 29), D(2008, 12, 30)])
    assert cal.closure(D(2008, 12, 29)) == "closed"
    assert not cal.is_working_day(D(2008, 12, 30))
    assert cal.is_working_day(D(2008, 12, 31))
    # A generator works too (read once).
    gen_cal = WorkingCalendar(d for d in [D(2008, 12, 31)])
    assert not gen_cal.is_working_day(D(2008, 12, 31))
    assert gen_cal.is_working_day(D(2008, 12, 29))


def test_closed_days_given_as_datetimes_close_their_date():
    cal = WorkingCalendar({dt.datetime(2008, 12, 29, 17, 0): "closed early"})
    assert cal.closure(D(2008, 12, 29)) == "closed early"


def test_closed_days_do_not_leak_between_calendars():
    WorkingCalendar([D(2008, 12, 29)])
    assert WorkingCalendar().is_working_day(D(2008, 12, 29))


def test_a_bank_holiday_also_closed_by_the_board_counts_once():
    # Closing Christmas Day (already a holiday) and a Saturday changes nothing.
    cal = WorkingCalendar([D(2008, 12, 25), D(2008, 12, 27)])
    # Wed 24 Dec 2008 -> Mon 29 Dec: Thu 25, Fri 26 holidays, Sat, Sun -> 1 (Mon 29).
    assert cal.working_days_between(D(2008, 12, 24), D(2008, 12, 29)) == 1
    assert cal.add_working_days(D(2008, 12, 24), 1) == D(2008, 12, 29)


def test_closed_days_reduce_working_days_between():
    cal = WorkingCalendar({D(2008, 12, 29): "x", D(2008, 12, 30): "x", D(2008, 12, 31): "x"})
    # Fri 19 Dec 2008 -> Fri 2 Jan 2009: Mon 22, Tue 23, Wed 24 work; 25, 26 holidays; 29-31
    # closed; Thu 1 Jan NY; Fri 2 Jan works -> 4.
    assert cal.working_days_between(D(2008, 12, 19), D(2009, 1, 2)) == 4
    assert cal.working_days_between(D(2009, 1, 2), D(2008, 12, 19)) == -4


# --- add_working_days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected", "reasoning"),
    [
        (D(2008, 3, 20), 5, D(2008, 3, 31),
         "Thu 20 Mar 2008: Fri 21 GF, Sat, Sun, Mon 24 EM skipped -> 25,26,27,28,31"),
        (D(2008, 3, 20), 1, D(2008, 3, 25), "Thu 20 Mar 2008 +1: 21-24 closed -> Tue 25"),
        (D(2008, 3, 20), 0, D(2008, 3, 20), "day 0 is the anchor's own day"),
        (D(2008, 3, 15), 0, D(2008, 3, 15), "day 0 even on a Saturday"),
        (D(2008, 3, 15), 1, D(2008, 3, 17), "Sat 15 Mar 2008 +1: Sun skipped -> Mon 17"),
        (D(2008, 3, 14), 1, D(2008, 3, 17), "Fri 14 Mar 2008 +1: weekend -> Mon 17"),
        (D(2008, 3, 10), 20, D(2008, 4, 9),
         "Mon 10 Mar 2008 +20: 11,12,13,14 (4) 17,18,19,20 (8) 25,26,27,28 (12) "
         "31,1,2,3,4 (17) 7,8,9 (20) -> Wed 9 Apr"),
        (D(2010, 12, 24), 1, D(2010, 12, 29),
         "Fri 24 Dec 2010 +1: Sat 25, Sun 26, Mon 27 sub, Tue 28 sub -> Wed 29"),
        (D(2015, 12, 24), 2, D(2015, 12, 30),
         "Thu 24 Dec 2015 +2: Fri 25 Xmas, Sat, Sun, Mon 28 sub skipped -> Tue 29, Wed 30"),
        (D(2020, 5, 7), 1, D(2020, 5, 11), "Thu 7 May 2020 +1: Fri 8 VE day, weekend -> Mon 11"),
        (D(2020, 5, 1), 1, D(2020, 5, 4), "Fri 1 May 2020 +1: Mon 4 May 2020 is a working day"),
        (D(2008, 12, 31), 1, D(2009, 1, 2), "Wed 31 Dec 2008 +1: Thu 1 Jan NY -> Fri 2 Jan"),
        (D(2008, 2, 28), 2, D(2008, 3, 3), "Thu 28 Feb 2008 +2: Fri 29 Feb (leap) (1), Mon 3"),
    ],
)
def test_add_working_days_forward(cal, start, count, expected, reasoning):
    assert cal.add_working_days(start, count) == expected, reasoning


@pytest.mark.parametrize(
    ("start", "count", "expected", "reasoning"),
    [
        (D(2008, 3, 31), -5, D(2008, 3, 20),
         "Mon 31 Mar 2008 -5: 28,27,26,25 (4), Mon 24 EM, Sun, Sat, Fri 21 GF skipped -> Thu 20"),
        (D(2008, 3, 25), -1, D(2008, 3, 20), "Tue 25 Mar 2008 -1: 24..21 closed -> Thu 20"),
        (D(2008, 3, 17), -1, D(2008, 3, 14), "Mon 17 Mar 2008 -1: weekend -> Fri 14"),
        (D(2008, 3, 16), -1, D(2008, 3, 14), "Sun 16 Mar 2008 -1: Sat skipped -> Fri 14"),
        (D(2011, 1, 4), -1, D(2010, 12, 31),
         "Tue 4 Jan 2011 -1: Mon 3 Jan sub, Sun 2, Sat 1 -> Fri 31 Dec 2010"),
        (D(2010, 12, 29), -1, D(2010, 12, 24),
         "Wed 29 Dec 2010 -1: Tue 28, Mon 27 subs, Sun, Sat -> Fri 24"),
    ],
)
def test_add_working_days_backward(cal, start, count, expected, reasoning):
    assert cal.add_working_days(start, count) == expected, reasoning


def test_add_working_days_accepts_datetimes_and_returns_a_date(cal):
    result = cal.add_working_days(dt.datetime(2008, 3, 20, 15, 0), 5)
    assert result == D(2008, 3, 31)
    assert not isinstance(result, dt.datetime)


# --- next_working_day -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected", "reasoning"),
    [
        (D(2008, 3, 20), D(2008, 3, 20), "Thu 20 Mar 2008 is itself a working day"),
        (D(2008, 3, 21), D(2008, 3, 25), "Good Friday 2008 -> Sat, Sun, Easter Mon -> Tue 25"),
        (D(2008, 3, 22), D(2008, 3, 25), "Sat 22 Mar 2008 -> Tue 25"),
        (D(2008, 3, 15), D(2008, 3, 17), "Sat 15 Mar 2008 -> Mon 17"),
        (D(2010, 12, 25), D(2010, 12, 29), "Sat 25 Dec 2010 -> 26 Sun, 27, 28 subs -> Wed 29"),
        (D(2021, 12, 25), D(2021, 12, 29), "Sat 25 Dec 2021 -> 26 Sun, 27, 28 subs -> Wed 29"),
        (D(2022, 12, 24), D(2022, 12, 28), "Sat 24 Dec 2022 -> Sun, Mon 26, Tue 27 -> Wed 28"),
        (D(2011, 4, 29), D(2011, 5, 3), "Fri 29 Apr 2011 wedding -> Sat, Sun, Mon 2 May -> Tue 3"),
        (D(2022, 9, 19), D(2022, 9, 20), "Mon 19 Sep 2022 funeral -> Tue 20"),
    ],
)
def test_next_working_day(cal, day, expected, reasoning):
    assert cal.next_working_day(day) == expected, reasoning


def test_next_working_day_honours_closed_days():
    cal = WorkingCalendar([D(2008, 12, 29), D(2008, 12, 30), D(2008, 12, 31)])
    # Thu 25 Dec 2008: 25, 26 holidays, weekend, 29-31 closed, Thu 1 Jan NY -> Fri 2 Jan 2009.
    assert cal.next_working_day(D(2008, 12, 25)) == D(2009, 1, 2)


# --- working_days_between -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected", "reasoning"),
    [
        (D(2008, 3, 20), D(2008, 3, 31), 5, "21-24 closed; 25,26,27,28,31"),
        (D(2008, 3, 31), D(2008, 3, 20), -5, "the same span backwards"),
        (D(2008, 3, 20), D(2008, 3, 20), 0, "same day"),
        (D(2008, 3, 20), D(2008, 3, 24), 0, "Fri GF, Sat, Sun, Mon EM: no working day"),
        (D(2008, 3, 22), D(2008, 3, 25), 1, "Sun 23, Mon 24 EM, Tue 25 -> 1"),
        (D(2008, 3, 14), D(2008, 3, 17), 1, "Fri -> Mon: Sat, Sun, Mon -> 1"),
        (D(2008, 3, 15), D(2008, 3, 16), 0, "Sat -> Sun"),
        (D(2008, 12, 19), D(2009, 1, 2), 7,
         "Fri 19 Dec 2008 -> Fri 2 Jan 2009: 22,23,24, (25,26), 29,30,31, (1 Jan), 2 -> 7"),
        (D(2008, 1, 1), D(2009, 1, 1), 254,
         "2008 leap year from Tue: 262 weekdays; minus Tue 1 Jan 2008 (excluded start) plus "
         "Thu 1 Jan 2009 (included end) = 262; minus 7 weekday holidays after 1 Jan 2008 "
         "(21/3, 24/3, 5/5, 26/5, 25/8, 25/12, 26/12) and 1 Jan 2009 -> 254"),
        (D(2009, 1, 1), D(2008, 1, 1), -254, "the same year backwards"),
        (D(2010, 12, 24), D(2010, 12, 29), 1, "25 Sat, 26 Sun, 27, 28 subs, Wed 29 -> 1"),
        (D(2020, 5, 1), D(2020, 5, 11), 5, "Fri 1 May 2020 -> Mon 11: 4,5,6,7,(8 VE),11 -> 5"),
    ],
)
def test_working_days_between(cal, start, end, expected, reasoning):
    assert cal.working_days_between(start, end) == expected, reasoning


def _naive_between(cal: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    """Walk the days: working days after `start`, up to and including `end`."""
    if end < start:
        return -_naive_between(cal, end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += cal.is_working_day(day)
    return count


@pytest.mark.parametrize("closed", [(), "board"])
def test_working_days_between_agrees_with_a_day_by_day_count(closed):
    rng = random.Random(20080320)
    closed_days: dict[dt.date, str] = {}
    if closed == "board":
        # Random board closures (some on weekends, some on bank holidays, across many years).
        for _ in range(300):
            day = D(1995, 1, 1) + dt.timedelta(days=rng.randrange(0, 80 * 365))
            closed_days[day] = "board closure"
        for year in range(1995, 2075):  # and the days between Christmas and New Year
            closed_days[D(year, 12, 29)] = "christmas closure"
    cal = WorkingCalendar(closed_days)
    origin = D(1994, 6, 1)  # spans the data file's first year, its last and the years after
    for _ in range(400):
        start = origin + dt.timedelta(days=rng.randrange(0, 81 * 365))
        span = rng.choice([0, 1, 2, 3, 6, 7, 12, 30, 95, 400, 1500])
        end = start + dt.timedelta(days=rng.randrange(-span, span + 1))
        assert cal.working_days_between(start, end) == _naive_between(cal, start, end), (
            start, end)


def test_add_then_count_round_trip():
    rng = random.Random(7)
    cal = WorkingCalendar([D(2008, 12, 29), D(2020, 12, 29)])
    for _ in range(300):
        start = D(2000, 1, 1) + dt.timedelta(days=rng.randrange(0, 30 * 365))
        count = rng.randrange(0, 60)
        end = cal.add_working_days(start, count)
        assert cal.is_working_day(end) or count == 0
        assert cal.working_days_between(start, end) == count, (start, count)
