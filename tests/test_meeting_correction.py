"""A CDOP meeting typed on the wrong day, corrected: the cases listed for it follow."""

from __future__ import annotations

import json

import pendulum
import pytest


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2008, 7, 1, 9, tz="Europe/London"))
    return clock


def test_correcting_a_meetings_date_moves_the_cases_listed_for_it(run):
    for code in ("POLICE", "CSC", "ACUTE"):
        run("agency", "add", code, "--name", f"{code} name", "--email",
            f"x@{code.lower()}.example.org")
    run("death", "meeting", "add", "2008-09-12")
    ref = run("death", "notify", "--pseudonym", "Child B", "--died", "2008-04-05 03:20",
              "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones",
              "--agency", "ACUTE", "--residence", "Kent", "--death", "unexpected",
              "--on", "2008-04-06 09:00").stdout.split()[0]
    steps = [("triage", "--death", "unexpected", "--on", "2008-04-06 10:00"),
             ("convene_team", "--paediatrician", "Dr P", "--police", "DS Q", "--social-care",
              "R S", "--on", "2008-04-06 11:00"),
             ("record_home_visit", "--on", "2008-04-06 15:00"),
             ("record_information_sharing", "--on", "2008-04-07 10:00"),
             ("await_post_mortem", "--on", "2008-04-08"),
             ("receive_post_mortem", "--findings", "head injury", "--on", "2008-05-20"),
             ("request_reports", "--agency", "POLICE", "--on", "2008-05-21"),
             ("hold_final_discussion", "--on", "2008-06-20"),
             ("receive_report", "--agency", "POLICE", "--on", "2008-06-23"),
             ("ready_for_panel", "--on", "2008-06-24")]
    for step in steps:
        run("case", "advance", ref, *step)
    out = run("death", "meeting", "correct", "2008-09-12", "--to", "2008-09-11", "--reason",
              "typed on the wrong day").stdout
    assert out == ("CDOP meeting of 12 Sep 2008 now on 11 Sep 2008; 1 case listed for it.\n"
                   "  CDR-2008-001: moved panel_review: 12 Sep 2008 -> 11 Sep 2008 (meeting "
                   "date corrected)\n")
    detail = json.loads(run("case", "show", ref, "--json").stdout)
    assert detail["record"]["meeting_on"] == "2008-09-11"
    review = next(d for d in detail["deadlines"] if d["key"] == "panel_review")
    assert (review["due_on"], review["original_due_on"]) == ("2008-09-11", "2008-09-11")
    meetings = json.loads(run("death", "meeting", "list", "--json").stdout)
    assert meetings == [{"held_on": "2008-09-11", "note": None, "listed": [ref]}]
    gone = run("death", "meeting", "correct", "2008-09-12", "--to", "2008-09-10",
               "--reason", "x", expect=3)
    assert gone.stderr == "Error: no CDOP meeting on 12 Sep 2008\n"
    steps = [h["step"] for h in json.loads(run("case", "history", ref, "--json").stdout)]
    assert steps[-1] == "corrected"
