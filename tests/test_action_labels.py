"""One spelling for an action wherever people read it: `A1`, never the internal `action:1`,
through the real command line; either spelling is accepted as input."""

from __future__ import annotations

import json
import re

# The shared story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import clock, scr, to_plan


def test_people_read_a1_wherever_an_action_is_named(run, scr):
    to_plan(run, scr)  # A1 and A2, both due 15 Aug 2008, EDU
    assert run("case", "extend", scr, "action:1", "--to", "2008-08-29", "--reason",
               "new term").stdout.splitlines()[0] == (
        "SCR-2008-001: A1 now due 29 Aug 2008 (originally 15 Aug 2008; extension 1).")
    withdrawn = json.loads(run("case", "withdraw", scr, "action:2", "--reason", "entered twice",
                               "--json").stdout)
    assert withdrawn["withdrawn"] == "A2"
    assert run("case", "extend", scr, "A2", "--to", "2008-09-30", "--reason", "x",
               expect=2).stderr == "Error: A2 is already withdrawn\n"
    assert run("case", "extend", scr, "A9", "--to", "2008-09-30", "--reason", "x",
               expect=3).stderr == (
        "Error: SCR-2008-001 has no deadline 'A9' (open: completion, A1)\n")
    history = run("case", "history", scr, "--since", "2008-07-20").stdout
    assert history == """\
20 Jul 2008  add_action  overview
             by coordinator, recorded 1 Sep 2008
             opened A1, due 15 Aug 2008
             1 email queued
20 Jul 2008  add_action  overview
             by coordinator, recorded 1 Sep 2008
             opened A2, due 15 Aug 2008
             1 email queued
1 Sep 2008   extend  overview
             by coordinator, recorded 1 Sep 2008
             A1: due 15 Aug 2008 -> 29 Aug 2008
             new term
             1 email queued
1 Sep 2008   action_withdrawn
             by coordinator, recorded 1 Sep 2008
             withdrew A2
             entered twice
"""
    as_json = run("case", "history", scr, "--json").stdout
    assert "action:" not in as_json
    opened = [d for row in json.loads(as_json) if row["step"] == "add_action"
              for d in row["data"]["deadlines"]]
    assert opened == [{"opened": "A1", "due": "2008-08-15"}, {"opened": "A2", "due": "2008-08-15"}]
    outbox = json.loads(run("outbox", "list", "--json").stdout)
    assert [e["key"] for e in outbox] == [
        "SCR-2008-001/A1/due:2008-08-29/1.0", "SCR-2008-001/A2/request",
        "SCR-2008-001/A1/request", "SCR-2008-001/imr:POLICE/request"]
    shown = run("outbox", "show", "2").stdout
    assert "Key       SCR-2008-001/A1/request\n" in shown and "action:1" not in shown
    for listing in (("deadlines", "--within", "400"), ("case", "show", scr),
                    ("report", "overdue"), ("outbox", "list")):
        out = run(*listing).stdout
        assert re.search(r"\bA1\b", out) and "action:1" not in out, listing
    # scripts keep each deadline's key beside its label
    deadlines = json.loads(run("deadlines", "--within", "400", "--json").stdout)["deadlines"]
    assert [(d["key"], d["label"]) for d in deadlines] == [
        ("completion", "completion"), ("action:1", "A1")]


def test_only_action_keys_are_rewritten():
    from workflows.formats import labelled, labelled_data

    assert [labelled(t) for t in ("action:3", "SCR-2008-001/action:12/request:CSC",
                                  "SCR-2008-001/action:1/due:2008-08-29/1.0", "imr:POLICE",
                                  "do action:3 first", "Training")] == [
        "A3", "SCR-2008-001/A12/request:CSC", "SCR-2008-001/A1/due:2008-08-29/1.0",
        "imr:POLICE", "do action:3 first", "Training"]
    assert labelled_data({"deadlines": [{"met": "action:2"}], "n": 3}) == {
        "deadlines": [{"met": "A2"}], "n": 3}
