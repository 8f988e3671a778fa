"""Dates a coordinator types by hand: a due date on a weekend, a bank holiday or a day the
board is closed is kept as typed, with a warning saying why; digits other than 0-9 are
refused everywhere a date is typed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

# The correction story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import advance, clock, scr, to_plan

from casework.calendar import WorkingCalendar
from casework.dates import parse_date
from casework.errors import InvalidInput


def due_of(run, ref: str, key: str) -> str:
    deadlines = json.loads(run("case", "show", ref, "--json").stdout)["deadlines"]
    return next(d["due_on"] for d in deadlines if d["key"] == key)


def test_an_extension_to_christmas_day_is_kept_with_a_warning(run, scr):
    to_plan(run, scr)
    done = run("case", "extend", scr, "A1", "--to", "2008-12-25", "--reason", "agreed")
    assert done.stderr == ("Warning: --to: 25 Dec 2008 is Christmas Day, a bank holiday in "
                           "England and Wales; kept as typed\n")
    assert due_of(run, scr, "action:1") == "2008-12-25"
    weekday = run("case", "extend", scr, "A1", "--to", "2008-12-27", "--reason", "agreed")
    assert weekday.stderr == "Warning: --to: 27 Dec 2008 is a Saturday; kept as typed\n"
    quiet = run("case", "extend", scr, "A1", "--to", "2009-01-05", "--reason", "agreed")
    assert quiet.stderr == ""  # a Monday, a working day: nothing to say
    by = run("case", "extend", scr, "A1", "--by", "2 weeks", "--reason", "agreed")
    assert by.stderr == ""  # counted, not typed


def test_an_action_or_a_request_due_on_a_closed_day_is_warned_of(run, scr, tmp_path):
    config = tmp_path / "board.toml"
    config.write_text('[calendar]\nclosed_days = { 2008-12-29 = "the office is shut" }\n',
                      encoding="utf-8")
    asked = run("--config", config, "case", "advance", scr, "commission_imrs", "--terms", "ToR",
                "--agency", "POLICE=2009-01-01", "--agency", "CSC=2008-12-29",
                "--on", "2008-06-02")
    assert asked.stderr == (
        "Warning: --agency POLICE: 1 Jan 2009 is New Year's Day, a bank holiday in England "
        "and Wales; kept as typed\n"
        "Warning: --agency CSC: 29 Dec 2008 is a day the board is closed (the office is "
        "shut); kept as typed\n")
    assert due_of(run, scr, "imr:POLICE") == "2009-01-01"
    run("case", "advance", scr, "receive_imr", "--agency", "POLICE", "--on", "2008-07-10")
    run("case", "advance", scr, "receive_imr", "--agency", "CSC", "--on", "2008-07-10")
    run("case", "advance", scr, "commission_overview", "--author", "A Writer",
        "--on", "2008-07-11")
    action = run("case", "advance", scr, "add_action", "--recommendation", "R1", "--action",
                 "Training", "--agency", "EDU", "--due", "2008-08-25", "--on", "2008-07-20")
    assert action.stderr == ("Warning: --due: 25 Aug 2008 is Late Summer Bank Holiday, a "
                             "bank holiday in England and Wales; kept as typed\n")


def test_a_refused_step_gives_no_warning(run, scr):
    refused = run("case", "advance", scr, "commission_imrs", "--terms", "ToR",
                  "--agency", "POLICE=2008-12-25", "--on", "2008-01-01", expect=2)
    assert "Warning" not in refused.stderr


@pytest.mark.parametrize("typed", ["٢٠٠٨-١٢-٢٥", "２００８-12-25", "2008-12-２５",
                                   "25/12/２００８"])
def test_digits_other_than_ascii_are_refused_in_a_date(typed):
    with pytest.raises(InvalidInput, match="malformed --to"):
        parse_date(typed, what="--to")


def test_digits_other_than_ascii_are_refused_on_the_command_line(run, scr):
    to_plan(run, scr)
    refused = run("case", "extend", scr, "A1", "--to", "2008-12-２５", "--reason", "x",
                  expect=2)
    assert refused.stderr.endswith("Error: Invalid value for '--to': the value holds the "
                                   "digit '２' at character 9: type digits as 0-9\n")
    assert due_of(run, scr, "action:1") == "2008-08-15"


def test_the_calendar_says_why_a_day_is_closed():
    calendar = WorkingCalendar({dt.date(2008, 12, 29): "board closure"})
    assert calendar.why_closed(dt.date(2008, 3, 21)) == (
        "21 Mar 2008 is Good Friday, a bank holiday in England and Wales")
    assert calendar.why_closed(dt.date(2008, 3, 22)) == "22 Mar 2008 is a Saturday"
    assert calendar.why_closed(dt.date(2008, 12, 29)) == (
        "29 Dec 2008 is a day the board is closed (board closure)")
    assert calendar.why_closed(dt.date(2008, 12, 30)) is None


def test_a_cdop_meeting_on_a_bank_holiday_is_kept_with_a_warning(run):
    added = run("death", "meeting", "add", "2008-12-26")
    assert added.stderr == ("Warning: meeting date: 26 Dec 2008 is Boxing Day, a bank holiday "
                            "in England and Wales; kept as typed\n")
    moved = run("death", "meeting", "correct", "2008-12-26", "--to", "2009-01-03",
                "--reason", "typed on the wrong day")
    assert moved.stderr == "Warning: --to: 3 Jan 2009 is a Saturday; kept as typed\n"
    assert run("death", "meeting", "add", "2009-01-07").stderr == ""  # a Wednesday
