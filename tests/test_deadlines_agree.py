"""`deadlines --as-of D --overdue` and `report overdue --as-of D` list the same late items on
the same day, through extensions, pauses and corrections made since (and `case list --as-of D`
counts them); they differ only in what `deadlines` adds (what is due within --within days)
and how each is laid out."""

from __future__ import annotations

import json

import pendulum

# The shared story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import advance, clock, scr, to_plan


def late_by_deadlines(run, day: str) -> list[tuple[str, str, str, int]]:
    listed = json.loads(run("deadlines", "--as-of", day, "--overdue", "--json").stdout)
    return sorted((d["case"], d["label"], d["due_on"], d["days_late"])
                  for d in listed["deadlines"])


def late_by_report(run, day: str) -> list[tuple[str, str, str, int]]:
    report = json.loads(run("report", "overdue", "--as-of", day, "--json").stdout)
    return sorted((i["reference"], i["label"], i["due_on"], i["days_late"])
                  for group in report["agencies"] for i in group["items"])


def late_in_caseload(run, day: str) -> dict[str, int]:
    listed = json.loads(run("case", "list", "--as-of", day, "--json").stdout)
    return {c["reference"]: c["overdue"] for c in listed["cases"]}


def test_both_list_the_same_late_items_on_every_day(run, scr, clock):
    to_plan(run, scr)  # A1 and A2 due 15 Aug; the review's completion due 10 Aug
    # A second case, paused on 25 Apr before its decision fell due (1 month after referral)
    other = run("scr", "refer", "--pseudonym", "Child B", "--referred-by", "CSC",
                "--on", "2008-04-01").stdout.split()[0]
    run("case", "pause", other, "--reason", "criminal proceedings", "--on", "2008-04-25")
    clock.set(pendulum.datetime(2008, 10, 20, 9, tz="Europe/London"))
    # Since: A1 extended on 1 Sep to 30 Sep; A2 withdrawn as entered twice by mistake.
    run("case", "extend", scr, "A1", "--to", "2008-09-30", "--reason", "new term",
        "--on", "2008-09-01")
    run("case", "withdraw", scr, "A2", "--reason", "entered twice")
    days = {
        # before anything was late
        "2008-08-10": [],
        # A1 late from 16 Aug until its extension on 1 Sep; A2 never counts (a mistake)
        "2008-08-20": [(scr, "A1", "2008-08-15", 5), (scr, "completion", "2008-08-10", 10)],
        "2008-08-31": [(scr, "A1", "2008-08-15", 16), (scr, "completion", "2008-08-10", 21)],
        # the day of the extension: A1 due 30 Sep as it stood that day
        "2008-09-01": [(scr, "completion", "2008-08-10", 22)],
        "2008-10-02": [(scr, "A1", "2008-09-30", 2), (scr, "completion", "2008-08-10", 53)],
        # today
        "2008-10-20": [(scr, "A1", "2008-09-30", 20), (scr, "completion", "2008-08-10", 71)],
    }
    for day, expected in days.items():
        assert late_by_deadlines(run, day) == expected, day
        assert late_by_report(run, day) == expected, day
        assert late_in_caseload(run, day) == {scr: len(expected), other: 0}, day
    # The paused case's decision is listed by neither; resumed, it counts again on both.
    run("case", "resume", other, "--on", "2008-10-20")
    clock.set(pendulum.datetime(2008, 12, 1, 9, tz="Europe/London"))
    for day in ("2008-10-20", "2008-11-20", "2008-12-01"):
        assert late_by_deadlines(run, day) == late_by_report(run, day), day
    assert (other, "decision", "2008-10-26", 36) in late_by_report(run, "2008-12-01")


def test_deadlines_also_lists_what_is_coming_due(run, scr, clock):
    to_plan(run, scr)
    listed = json.loads(run("deadlines", "--as-of", "2008-08-12", "--within", "7",
                            "--json").stdout)["deadlines"]
    assert [(d["label"], d["due_on"], d["days_late"]) for d in listed] == [
        ("completion", "2008-08-10", 2), ("A1", "2008-08-15", 0), ("A2", "2008-08-15", 0)]
    assert late_by_report(run, "2008-08-12") == [(scr, "completion", "2008-08-10", 2)]
