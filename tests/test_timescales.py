"""Timescales: durations, the due dates they give, and a board's overrides (DOMAIN.md §1, §4).

Expected dates are worked out by hand; the comment beside each case shows how. British Summer
Time in 2008 ran from Sunday 30 March 01:00 UTC (clocks 01:00 GMT -> 02:00 BST) to Sunday
26 October 01:00 UTC (02:00 BST -> 01:00 GMT); in 2009 from 29 March to 25 October.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from casework.calendar import WorkingCalendar
from casework.errors import InvalidInput
from casework.timescales import Duration, Rule, effective_rules
from workflows.scr2006 import SCR_2006 as SCR

D = dt.date


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


def london(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="Europe/London")


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def assert_utc(instant: dt.datetime) -> None:
    assert instant.utcoffset() == dt.timedelta(0)


# --- Duration.parse -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("24 hours", 24, "hours"),
        ("1 hour", 1, "hours"),
        ("10 days", 10, "days"),
        ("1 day", 1, "days"),
        ("3 calendar days", 3, "days"),
        ("1 calendar day", 1, "days"),
        ("5 working days", 5, "working_days"),
        ("1 working day", 1, "working_days"),
        ("15 working_days", 15, "working_days"),
        ("1 working_day", 1, "working_days"),
        ("6 weeks", 6, "weeks"),
        ("1 week", 1, "weeks"),
        ("1 month", 1, "months"),
        ("4 months", 4, "months"),
        ("1 calendar month", 1, "months"),
        ("6 calendar months", 6, "months"),
        ("0 days", 0, "days"),
        ("999 days", 999, "days"),
        # case and surrounding white space do not matter
        ("5 Working Days", 5, "working_days"),
        ("  6 WEEKS  ", 6, "weeks"),
        ("1\tMonth", 1, "months"),
        ("20   working days", 20, "working_days"),
    ],
)
def test_parse_every_unit_spelling(text, amount, unit):
    assert Duration.parse(text) == Duration(amount, unit)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "days", "5", "five days", "5 fortnights", "5 years", "-5 days", "+5 days",
     "5.5 days", "12345 days", "1000 days", "5days working", "5 working", "5 days after referral",
     "5 business days", "1 mon", "5 hrs"],
)
def test_parse_rejects_bad_durations_with_a_helpful_message(text):
    with pytest.raises(InvalidInput) as caught:
        Duration.parse(text)
    message = str(caught.value)
    assert repr(text) in message  # names what was wrong
    assert "malformed duration" in message
    for example in ("24 hours", "5 working days", "6 weeks", "1 month"):
        assert example in message  # and shows how to write one


def test_parse_none_is_refused_not_crashed():
    with pytest.raises(InvalidInput, match="malformed duration"):
        Duration.parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(1, "hours"), "1 hour"),
        (Duration(24, "hours"), "24 hours"),
        (Duration(1, "days"), "1 day"),
        (Duration(10, "days"), "10 days"),
        (Duration(0, "days"), "0 days"),
        (Duration(1, "working_days"), "1 working day"),
        (Duration(5, "working_days"), "5 working days"),
        (Duration(1, "weeks"), "1 week"),
        (Duration(6, "weeks"), "6 weeks"),
        (Duration(1, "months"), "1 month"),
        (Duration(4, "months"), "4 months"),
    ],
)
def test_str_is_singular_or_plural_and_parses_back(duration, text):
    assert str(duration) == text
    assert Duration.parse(text) == duration


# --- Duration.due: day-based units ----------------------------------------------------------


def test_the_issues_example_five_working_days_over_easter_2008(cal):
    # Thu 20 Mar 2008 (referral at 10:00 GMT) + 5 wd: Fri 21 GF, Sat 22, Sun 23, Mon 24 EM
    # skipped -> Tue 25, Wed 26, Thu 27, Fri 28, Mon 31 Mar 2008.
    due = Duration.parse("5 working days").due(utc(2008, 3, 20, 10), cal)
    assert due.on == D(2008, 3, 31)
    # 31 March is after the clocks went forward (30 Mar): end of day 23:59:59 BST = 22:59:59 UTC.
    assert due.at == utc(2008, 3, 31, 22, 59, 59)
    assert_utc(due.at)


def test_working_days_respect_the_calendars_closed_days():
    cal = WorkingCalendar({D(2008, 3, 25): "staff training"})
    # as above, but Tue 25 closed too -> 26, 27, 28, 31, Tue 1 Apr 2008.
    due = Duration.parse("5 working days").due(utc(2008, 3, 20, 10), cal)
    assert due.on == D(2008, 4, 1)


@pytest.mark.parametrize(
    ("anchor_day", "duration", "expected", "reasoning"),
    [
        (D(2008, 1, 31), "1 month", D(2008, 2, 29), "2008 is a leap year: clamp to 29 Feb"),
        (D(2009, 1, 31), "1 month", D(2009, 2, 28), "2009 is not: clamp to 28 Feb"),
        (D(2008, 8, 31), "1 month", D(2008, 9, 30), "September has 30 days"),
        (D(2008, 3, 31), "1 month", D(2008, 4, 30), "April has 30 days"),
        (D(2007, 11, 30), "4 months", D(2008, 3, 30),
         "Nov 2007 + 4 = Mar 2008, which has a 30th: no clamping (a Sunday; not moved)"),
        (D(2007, 10, 31), "4 months", D(2008, 2, 29), "Oct 2007 + 4 = Feb 2008: clamp to 29"),
        (D(2008, 12, 31), "2 months", D(2009, 2, 28), "across the year end, clamp to 28 Feb"),
        (D(2008, 2, 29), "12 months", D(2009, 2, 28), "29 Feb + 12 months: clamp to 28 Feb"),
        (D(2008, 3, 20), "1 month", D(2008, 4, 20), "DOMAIN §1 decision: a plain month"),
        (D(2008, 3, 20), "4 months", D(2008, 7, 20), "DOMAIN §1 completion"),
        (D(2008, 9, 15), "6 months", D(2009, 3, 15), "DOMAIN §1 six-month audit"),
        (D(2008, 3, 20), "6 weeks", D(2008, 5, 1),
         "42 days: 11 to 31 Mar, 30 to 30 Apr (41), 1 May (42): Thu -> Thu"),
        (D(2008, 12, 20), "6 weeks", D(2009, 1, 31), "11 to 31 Dec, 31 more -> 31 Jan 2009"),
        (D(2008, 12, 20), "14 days", D(2009, 1, 3), "11 days to 31 Dec, 3 more -> 3 Jan 2009"),
        (D(2008, 2, 25), "10 days", D(2008, 3, 6), "4 days to 29 Feb (leap), 6 more -> 6 Mar"),
        (D(2009, 2, 25), "10 days", D(2009, 3, 7), "3 days to 28 Feb, 7 more -> 7 Mar"),
        (D(2008, 3, 20), "0 days", D(2008, 3, 20), "day 0 is the anchor's own day"),
        (D(2008, 3, 21), "1 day", D(2008, 3, 22),
         "calendar days ignore holidays: Good Friday + 1 = Saturday"),
    ],
)
def test_calendar_units_on_local_dates(cal, anchor_day, duration, expected, reasoning):
    anchor = london(anchor_day.year, anchor_day.month, anchor_day.day, 12)
    due = Duration.parse(duration).due(anchor, cal)
    assert due.on == expected, reasoning
    assert Duration.parse(duration).from_date(anchor_day, cal) == expected, reasoning


def test_a_day_based_deadline_runs_to_the_end_of_the_local_day_in_winter(cal):
    # 10 Jan 2008 + 10 days = Sun 20 Jan 2008; GMT: 23:59:59 local = 23:59:59 UTC.
    due = Duration.parse("10 days").due(utc(2008, 1, 10, 10), cal)
    assert due.on == D(2008, 1, 20)
    assert due.at == utc(2008, 1, 20, 23, 59, 59)
    assert_utc(due.at)


def test_a_day_based_deadline_runs_to_the_end_of_the_local_day_in_summer(cal):
    # 10 Jun 2008 + 10 days = Fri 20 Jun 2008; BST: 23:59:59 local = 22:59:59 UTC.
    due = Duration.parse("10 days").due(utc(2008, 6, 10, 9), cal)
    assert due.on == D(2008, 6, 20)
    assert due.at == utc(2008, 6, 20, 22, 59, 59)
    assert due.at.in_timezone("Europe/London").hour == 23
    assert_utc(due.at)


def test_a_deadline_on_the_day_the_clocks_go_back_ends_at_2359_gmt(cal):
    # Thu 16 Oct 2008 + 10 days = Sun 26 Oct 2008; by the evening the clocks have gone back.
    due = Duration.parse("10 days").due(utc(2008, 10, 16, 9), cal)
    assert due.on == D(2008, 10, 26)
    assert due.at == utc(2008, 10, 26, 23, 59, 59)


def test_a_deadline_on_the_day_the_clocks_go_forward_ends_at_2359_bst(cal):
    # 30 Nov 2007 + 4 months = Sun 30 Mar 2008, BST from 01:00 UTC: 23:59:59 BST = 22:59:59 UTC.
    due = Duration.parse("4 months").due(utc(2007, 11, 30, 12), cal)
    assert due.on == D(2008, 3, 30)
    assert due.at == utc(2008, 3, 30, 22, 59, 59)


def test_month_clamping_due_instant(cal):
    # 31 Jan 2008 + 1 month = Fri 29 Feb 2008 (GMT): ends 23:59:59 UTC.
    due = Duration.parse("1 month").due(utc(2008, 1, 31, 9), cal)
    assert due.on == D(2008, 2, 29)
    assert due.at == utc(2008, 2, 29, 23, 59, 59)


# --- anchors late in the evening: count from the London date -------------------------------


def test_late_evening_utc_anchor_counts_from_the_next_london_day_in_summer(cal):
    # 30 Jun 2008 23:30 UTC is Tue 1 Jul 00:30 BST, so day 0 is 1 July.
    anchor = utc(2008, 6, 30, 23, 30)
    # 1 day -> Wed 2 Jul (not 1 Jul); ends 23:59:59 BST = 22:59:59 UTC.
    due = Duration.parse("1 day").due(anchor, cal)
    assert due.on == D(2008, 7, 2)
    assert due.at == utc(2008, 7, 2, 22, 59, 59)
    # 5 working days from Tue 1 Jul -> Wed 2, Thu 3, Fri 4, Mon 7, Tue 8 Jul
    # (from Mon 30 Jun it would have been Mon 7 Jul).
    assert Duration.parse("5 working days").due(anchor, cal).on == D(2008, 7, 8)
    # 1 month from 1 Jul -> 1 Aug (from 30 Jun it would have been 30 Jul).
    assert Duration.parse("1 month").due(anchor, cal).on == D(2008, 8, 1)


def test_late_evening_utc_anchor_stays_on_its_day_in_winter(cal):
    # 31 Dec 2008 23:30 UTC is 23:30 GMT, still 31 Dec in London: 1 day -> Thu 1 Jan 2009.
    due = Duration.parse("1 day").due(utc(2008, 12, 31, 23, 30), cal)
    assert due.on == D(2009, 1, 1)
    assert due.at == utc(2009, 1, 1, 23, 59, 59)


def test_anchor_given_in_another_zone_or_as_a_plain_aware_datetime(cal):
    # 1 Jul 2008 00:30 BST written as a stdlib aware datetime in UTC: same as above.
    anchor = dt.datetime(2008, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert Duration.parse("1 day").due(anchor, cal).on == D(2008, 7, 2)
    # The same instant given in London time.
    assert Duration.parse("1 day").due(london(2008, 7, 1, 0, 30), cal).on == D(2008, 7, 2)


# --- Duration.due: hours are real elapsed hours ---------------------------------------------


def test_24_hours_across_the_spring_clock_change(cal):
    # Sat 29 Mar 2008 12:00 GMT (= 12:00 UTC) + 24 real hours = Sun 30 Mar 12:00 UTC,
    # which after the change at 01:00 UTC is 13:00 BST: the wall clock moves on by 25 hours.
    due = Duration.parse("24 hours").due(utc(2008, 3, 29, 12), cal)
    assert due.at == utc(2008, 3, 30, 12)
    assert_utc(due.at)
    assert due.on == D(2008, 3, 30)
    local = due.at.in_timezone("Europe/London")
    assert (local.hour, local.minute) == (13, 0)


def test_24_hours_across_the_spring_change_lands_on_the_next_local_date(cal):
    # Sat 29 Mar 2008 23:00 GMT (= 23:00 UTC) + 24 h = Sun 30 Mar 23:00 UTC = Mon 31 Mar
    # 00:00 BST: the due date is 31 March, not 30.
    due = Duration.parse("24 hours").due(utc(2008, 3, 29, 23), cal)
    assert due.at == utc(2008, 3, 30, 23)
    assert due.on == D(2008, 3, 31)


def test_one_hour_over_the_spring_gap(cal):
    # Sun 30 Mar 2008 00:30 GMT + 1 h = 01:30 UTC = 02:30 BST (01:xx local never happened).
    due = Duration.parse("1 hour").due(utc(2008, 3, 30, 0, 30), cal)
    assert due.at == utc(2008, 3, 30, 1, 30)
    assert due.on == D(2008, 3, 30)
    assert due.at.in_timezone("Europe/London").hour == 2


def test_24_hours_across_the_autumn_clock_change(cal):
    # Sat 25 Oct 2008 12:00 BST (= 11:00 UTC) + 24 h = Sun 26 Oct 11:00 UTC = 11:00 GMT:
    # the wall clock reads an hour earlier than the anchor's.
    due = Duration.parse("24 hours").due(london(2008, 10, 25, 12), cal)
    assert due.at == utc(2008, 10, 26, 11)
    assert_utc(due.at)
    assert due.on == D(2008, 10, 26)
    local = due.at.in_timezone("Europe/London")
    assert (local.hour, local.minute) == (11, 0)


def test_24_hours_from_late_evening_across_the_autumn_change(cal):
    # Sat 25 Oct 2008 23:30 BST (= 22:30 UTC) + 24 h = Sun 26 Oct 22:30 UTC = 22:30 GMT.
    due = Duration.parse("24 hours").due(utc(2008, 10, 25, 22, 30), cal)
    assert due.at == utc(2008, 10, 26, 22, 30)
    assert due.on == D(2008, 10, 26)
    assert due.at.in_timezone("Europe/London").hour == 22


def test_48_hours_across_the_autumn_change_in_2009(cal):
    # Fri 23 Oct 2009 23:30 BST (= 22:30 UTC) + 48 h = Sun 25 Oct 22:30 UTC = 22:30 GMT.
    due = Duration.parse("48 hours").due(london(2009, 10, 23, 23, 30), cal)
    assert due.at == utc(2009, 10, 25, 22, 30)
    assert due.on == D(2009, 10, 25)


def test_hours_ignore_weekends_and_holidays(cal):
    # Thu 20 Mar 2008 16:00 GMT + 24 h = Good Friday 21 Mar 16:00 GMT.
    due = Duration.parse("24 hours").due(utc(2008, 3, 20, 16), cal)
    assert due.at == utc(2008, 3, 21, 16)
    assert due.on == D(2008, 3, 21)


@pytest.mark.parametrize(
    ("hours", "expected", "reasoning"),
    [
        (24, D(2008, 3, 21), "24 h from a date: 1 day"),
        (25, D(2008, 3, 22), "25 h rounds up to 2 days"),
        (48, D(2008, 3, 22), "48 h: exactly 2 days"),
        (1, D(2008, 3, 21), "1 h rounds up to 1 day"),
        (0, D(2008, 3, 20), "0 h: the day itself"),
    ],
)
def test_hours_counted_from_a_date_round_up_to_whole_days(cal, hours, expected, reasoning):
    assert Duration(hours, "hours").from_date(D(2008, 3, 20), cal) == expected, reasoning


# --- Rule -----------------------------------------------------------------------------------


def test_rule_describe():
    assert (Rule("notification", Duration(5, "working_days"), "decision").describe()
            == "5 working days after decision")
    assert (Rule("decision", Duration(1, "months"), "referral").describe()
            == "1 month after referral")
    assert (Rule("x", Duration(2, "weeks"), "panel_formed").describe()
            == "2 weeks after panel formed")
    # No duration: the date is given by hand when the item is asked for, described as the
    # workflow says (the default wording otherwise).
    assert Rule("action", None, "", "date set in the action plan").describe() == \
        "date set in the action plan"
    assert Rule("imr", None, "commissioning").describe() == "date set when commissioned"


@pytest.mark.parametrize(
    "rule",
    [
        Rule("notification", Duration(5, "working_days"), "decision"),
        Rule("decision", Duration(1, "months"), "referral"),
        Rule("imr", Duration(6, "weeks"), "commissioning"),
        Rule("urgent", Duration(24, "hours"), "referral"),
        Rule("short", Duration(1, "days"), "decision"),
        Rule("action", None, "", "date set in the action plan"),
    ],
)
def test_rule_as_data_from_data_round_trip(rule):
    data = rule.as_data()
    # A rule with no duration keeps how its hand-set date is described.
    assert set(data) == ({"duration", "anchor"} if rule.duration else
                         {"duration", "anchor", "set_by"})
    assert all(isinstance(v, str) for v in data.values())  # storable as JSON
    assert Rule.from_data(rule.key, data) == rule


def test_rule_as_data_shape():
    assert Rule("notification", Duration(5, "working_days"), "decision").as_data() == {
        "duration": "5 working days", "anchor": "decision"}
    assert Rule("action", None, "", "date set in the action plan").as_data() == {
        "duration": "", "anchor": "", "set_by": "date set in the action plan"}


def test_rule_from_data_with_missing_fields():
    assert Rule.from_data("action", {}) == Rule("action", None, "")


def test_rule_from_data_with_a_malformed_duration():
    with pytest.raises(InvalidInput, match="malformed duration"):
        Rule.from_data("x", {"duration": "soon", "anchor": "referral"})


# --- effective_rules ------------------------------------------------------------------------

# DOMAIN.md §1, copied by hand: decision 1 month after referral; notification 5 working days
# (after the decision); panel 20 working days (after the decision); each IMR 6 weeks after
# commissioning; whole review complete 4 months after the decision; six-month audit
# endorsement + 6 months; actions: the date the board sets.
DOMAIN_DEFAULTS = {
    "decision": Rule("decision", Duration(1, "months"), "referral"),
    "notification": Rule("notification", Duration(5, "working_days"), "decision"),
    "panel": Rule("panel", Duration(20, "working_days"), "decision"),
    "imr": Rule("imr", Duration(6, "weeks"), "commissioning"),
    "completion": Rule("completion", Duration(4, "months"), "decision"),
    "audit": Rule("audit", Duration(6, "months"), "endorsement"),
    "action": Rule("action", None, "", "date set in the action plan"),
}


@pytest.mark.parametrize("overrides", [None, {}])
def test_defaults_are_domain_section_1(overrides):
    assert effective_rules(SCR, overrides) == DOMAIN_DEFAULTS


def test_a_string_override_changes_the_duration_only():
    rules = effective_rules(SCR, {"notification": "10 working days"})
    assert rules["notification"] == Rule("notification", Duration(10, "working_days"),
                                         "decision")
    assert {k: v for k, v in rules.items() if k != "notification"} == {
        k: v for k, v in DOMAIN_DEFAULTS.items() if k != "notification"}


def test_overrides_do_not_change_the_workflow_defaults():
    effective_rules(SCR, {"panel": "30 working days"})
    assert effective_rules(SCR, None) == DOMAIN_DEFAULTS


def test_a_table_override_changes_the_anchor():
    # completion opens at the decision, so it may count from the referral instead.
    rules = effective_rules(SCR, {"completion": {"duration": "6 months", "anchor": "referral"}})
    assert rules["completion"] == Rule("completion", Duration(6, "months"), "referral")


def test_a_table_override_with_only_an_anchor_keeps_the_default_duration():
    rules = effective_rules(SCR, {"completion": {"anchor": "referral"}})
    assert rules["completion"] == Rule("completion", Duration(4, "months"), "referral")


def test_a_table_override_with_only_a_duration_keeps_the_default_anchor():
    rules = effective_rules(SCR, {"audit": {"duration": "3 months"}})
    assert rules["audit"] == Rule("audit", Duration(3, "months"), "endorsement")


def test_the_anchor_may_be_the_event_that_opens_the_deadline_or_an_earlier_one():
    # panel opens when the decision is recorded: referral, recommendation, decision allowed.
    for anchor in ("referral", "recommendation", "decision"):
        rules = effective_rules(SCR, {"panel": {"anchor": anchor}})
        assert rules["panel"].anchor == anchor
    # audit opens at endorsement: the overview's submission is earlier, so allowed.
    rules = effective_rules(SCR, {"audit": {"duration": "6 months",
                                            "anchor": "overview_submitted"}})
    assert rules["audit"] == Rule("audit", Duration(6, "months"), "overview_submitted")


def test_the_per_agency_imr_may_change_its_duration():
    rules = effective_rules(SCR, {"imr": "8 weeks"})
    assert rules["imr"] == Rule("imr", Duration(8, "weeks"), "commissioning")


def test_unknown_deadline_is_refused_listing_the_known_ones():
    with pytest.raises(InvalidInput) as caught:
        effective_rules(SCR, {"panl": "20 working days"})
    message = str(caught.value)
    assert "[timescales.scr] panl" in message
    assert "no such deadline" in message
    for key in ("decision", "notification", "panel", "imr", "completion", "audit"):
        assert key in message


def test_the_source_is_named_in_the_message():
    with pytest.raises(InvalidInput, match=r"^/etc/casework\.toml: \[timescales\.scr\] panl"):
        effective_rules(SCR, {"panl": "5 days"}, source="/etc/casework.toml")


@pytest.mark.parametrize("value", ["twenty working days", "20 fortnights", "20",
                                   {"duration": "soon"}])
def test_a_malformed_duration_is_refused(value):
    with pytest.raises(InvalidInput) as caught:
        effective_rules(SCR, {"panel": value})
    message = str(caught.value)
    assert "malformed duration" in message
    bad = value["duration"] if isinstance(value, dict) else value
    assert repr(bad) in message


@pytest.mark.parametrize("value", [20, ["20 working days"], 2.5])
def test_an_override_that_is_neither_text_nor_a_table_is_refused(value):
    with pytest.raises(InvalidInput, match=r"\[timescales\.scr\] panel: give a duration or a "
                                           "table with duration and anchor"):
        effective_rules(SCR, {"panel": value})


def test_an_anchor_that_has_not_happened_when_the_deadline_opens_is_refused():
    # panel opens at the decision; the board's endorsement comes months later.
    with pytest.raises(InvalidInput) as caught:
        effective_rules(SCR, {"panel": {"duration": "20 working days", "anchor": "endorsement"}})
    message = str(caught.value)
    assert "[timescales.scr] panel" in message
    assert "anchor 'endorsement' has not happened" in message
    assert "choose from: referral, recommendation, decision)" in message


def test_the_decision_deadline_can_only_count_from_the_referral():
    # decision opens with the case, at the referral: nothing else has happened yet.
    with pytest.raises(InvalidInput, match=r"anchor 'recommendation' has not happened.*"
                                           r"choose from: referral\)"):
        effective_rules(SCR, {"decision": {"anchor": "recommendation"}})


def test_an_anchor_that_is_no_event_at_all_is_refused():
    with pytest.raises(InvalidInput, match="anchor 'referal' has not happened"):
        effective_rules(SCR, {"completion": {"anchor": "referal"}})


def test_the_audit_cannot_count_from_publication():
    # audit opens at endorsement; publication comes after it.
    with pytest.raises(InvalidInput, match="anchor 'publication' has not happened"):
        effective_rules(SCR, {"audit": {"anchor": "publication"}})


def test_changing_the_anchor_of_a_per_agency_deadline_is_refused():
    with pytest.raises(InvalidInput) as caught:
        effective_rules(SCR, {"imr": {"duration": "6 weeks", "anchor": "decision"}})
    message = str(caught.value)
    assert "[timescales.scr] imr" in message
    assert "counts from its own commissioning" in message
    assert "only the duration can change" in message


def test_an_action_has_no_timescale_to_override():
    with pytest.raises(InvalidInput, match=r"\[timescales.scr\] action: its date is set when "
                                           r"each one is added"):
        effective_rules(SCR, {"action": "2 weeks"})
    with pytest.raises(InvalidInput, match=r"action: its date is set"):
        effective_rules(SCR, {"action": {"anchor": "decision"}})


def test_a_malformed_override_duration_says_where_it_is():
    with pytest.raises(InvalidInput, match=r"^config file: \[timescales.scr\] panel: malformed "
                                           r"duration 'twenty days'"):
        effective_rules(SCR, {"panel": "twenty days"})
