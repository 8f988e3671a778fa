"""Withdrawing an action and voiding a step through the real command line: each an event in
the history, honoured by the figures, the listings and the replay (the record as corrected)."""

from __future__ import annotations

import json

import pendulum

# The shared story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import advance, clock, figures, scr, to_plan


def test_withdrawing_an_action_entered_twice(run, scr):
    to_plan(run, scr)
    out = run("case", "withdraw", scr, "A2", "--reason", "entered twice").stdout
    assert out == ("SCR-2008-001: A2 withdrawn on 1 Sep 2008 (was open): Training\n"
                   "  1 unsent email cancelled (#3)\n")
    deadlines = {d["key"]: d for d in json.loads(run("case", "show", scr, "--json").stdout)
                 ["deadlines"]}
    assert deadlines["action:2"]["status"] == "withdrawn"
    assert deadlines["action:2"]["days_late"] == 0
    assert deadlines["action:1"]["days_late"] == 17
    # as corrected, on every day: A2 was never late, not even before it was withdrawn
    listed = run("deadlines", "--as-of", "2008-08-20", "--json").stdout
    assert [d["key"] for d in json.loads(listed)["deadlines"] if d["case"] == scr
            and d["key"].startswith("action")] == ["action:1"]
    overdue = json.loads(run("report", "overdue", "--as-of", "2008-08-20", "--json").stdout)
    assert "action:2" not in json.dumps(overdue)
    assert "action:1" in json.dumps(overdue)
    emails = json.loads(run("outbox", "list", "--json").stdout)
    assert {e["id"]: e["status"] for e in emails} == {1: "pending", 2: "pending",
                                                      3: "cancelled"}
    history = json.loads(run("case", "history", scr, "--json").stdout)
    assert [(h["step"], h["note"]) for h in history][-1] == ("action_withdrawn",
                                                             "entered twice")
    assert sum(h["step"] == "add_action" for h in history) == 2  # the mistake stays
    again = run("case", "withdraw", scr, "A2", "--reason", "x", expect=2)
    assert again.stderr == "Error: A2 is already withdrawn\n"
    imr = run("case", "withdraw", scr, "imr:POLICE", "--reason", "x", expect=2)
    assert "void that step instead" in imr.stderr


def test_a_withdrawn_action_counts_in_no_figure(run, scr):
    to_plan(run, scr)
    before = json.dumps(figures(run))
    run("case", "withdraw", scr, "A2", "--reason", "entered twice")
    after = figures(run)
    text = json.dumps(after)
    assert '"actions_due": 2' in before and '"actions_open": 2' in before
    assert '"actions_due": 1' in text and '"actions_open": 1' in text
    # a period that ended before the correction is counted as corrected too
    assert '"actions_due": 1' in json.dumps(figures(run, "2008-08-31"))


def test_a_closed_mistaken_action_can_be_withdrawn(run, scr):
    to_plan(run, scr)
    advance(run, scr, "submit_overview", "--on", "2008-07-25")
    advance(run, scr, "endorse", "--on", "2008-07-28")
    advance(run, scr, "complete_action", "--action", "2", "--on", "2008-08-01")
    out = run("case", "withdraw", scr, "A2", "--reason", "entered twice", "--on",
              "2008-08-02").stdout
    assert out.startswith("SCR-2008-001: A2 withdrawn on 2 Aug 2008 (was met): Training\n")
    assert '"actions_completed_on_time": 0' in json.dumps(figures(run))


def test_voiding_the_last_step_puts_the_case_back(run, scr):
    out = advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
                  "--agency", "CSC", "--on", "2008-06-02")
    assert "2 emails queued" in out
    run("outbox", "send")  # POLICE and CSC have been asked
    out = run("case", "void", scr, "--reason", "wrong terms of reference").stdout
    assert out == (
        "SCR-2008-001: commission_imrs of 2 Jun 2008 voided; back to terms_of_reference "
        "(Terms of reference; commissioning IMRs)\n"
        "  withdrawn imr:CSC (due 14 Jul 2008)\n"
        "  withdrawn imr:POLICE (due 14 Jul 2008)\n"
        "2 emails queued for the agencies (`casework outbox list`; `casework outbox send` "
        "delivers them)\n")
    detail = json.loads(run("case", "show", scr, "--json").stdout)
    assert detail["stage"] == "terms_of_reference"
    assert "commissioning" not in json.dumps(detail["key_dates"])
    emails = json.loads(run("outbox", "list", "--json").stdout)
    assert sorted(e["kind"] for e in emails if e["status"] == "pending") == ["withdrawn",
                                                                            "withdrawn"]
    # as corrected: the replay of a day after the step shows it was never taken
    past = json.loads(run("case", "show", scr, "--as-of", "2008-06-10", "--json").stdout)
    assert past["stage"] == "terms_of_reference"
    assert json.loads(run("case", "list", "--as-of", "2008-07-20", "--json").stdout)[
        "cases"][0]["overdue"] == 0
    # the coordinator takes the step again, as it should have been, on its own date
    out = advance(run, scr, "commission_imrs", "--terms", "ToR v2", "--agency", "POLICE",
                  "--on", "2008-06-03")
    assert "opened imr:POLICE: due 15 Jul 2008" in out
    # nothing is deleted: both steps and the void are in the history
    steps = [h["step"] for h in json.loads(run("case", "history", scr, "--json").stdout)]
    assert steps.count("commission_imrs") == 2 and steps.count("step_voided") == 1


def test_voiding_a_decision_reopens_what_it_met_and_restores_facts(run, agencies):
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "POLICE",
              "--on", "2008-03-20").stdout.split()[0]
    advance(run, ref, "recommend", "--recommendation", "scr", "--criteria", "death",
            "--on", "2008-04-03")
    advance(run, ref, "decide", "--outcome", "scr", "--criteria", "death", "--rationale",
            "x", "--chair", "J Smith", "--on", "2008-04-10")
    assert figures(run)["decided"] == {"scr": 1, "no_review": 0, "non_statutory": 0}
    out = run("case", "void", ref, "--reason", "decided on the wrong case").stdout
    assert figures(run)["decided"] == {"scr": 0, "no_review": 0, "non_statutory": 0}
    assert out.splitlines()[0] == ("SCR-2008-001: decide of 10 Apr 2008 voided; back to "
                                   "decision (Awaiting the chair's decision)")
    assert "  open again decision" not in out
    detail = json.loads(run("case", "show", ref, "--json").stdout)
    assert detail["stage"] == "decision"
    assert "outcome" not in detail["record"] and "decision" not in detail["key_dates"]
    status = {d["key"]: d["status"] for d in detail["deadlines"]}
    assert status["decision"] == "open"
    assert all(s == "withdrawn" for k, s in status.items() if k != "decision")


def test_a_step_later_changes_depend_on_is_refused(run, scr):
    advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--on", "2008-06-02")
    advance(run, scr, "receive_imr", "--agency", "POLICE", "--on", "2008-07-10")
    refused = run("case", "void", scr, "--step", "commission_imrs", "--reason", "x", expect=5)
    assert refused.stderr == (
        "Error: SCR-2008-001: later changes depend on commission_imrs on 2 Jun 2008: "
        "receive_imr on 10 Jul 2008; void them first\n")
    history = len(json.loads(run("case", "history", scr, "--json").stdout))
    run("case", "void", scr, "--reason", "not received yet")
    run("case", "void", scr, "--reason", "wrong terms")
    assert len(json.loads(run("case", "history", scr, "--json").stdout)) > history


def test_a_step_recorded_over_30_days_ago_cannot_be_voided(run, scr, clock):
    clock.set(pendulum.datetime(2008, 10, 2, 9, tz="Europe/London"))
    refused = run("case", "void", scr, "--reason", "x", expect=5)
    assert refused.stderr == ("Error: SCR-2008-001: form_panel was recorded on 1 Sep 2008, "
                              "more than 30 days ago: it can no longer be voided (the limit "
                              "is 30 days, casework's default: a board sets its own with "
                              "[corrections] void_within_days in its config file)\n")


def test_the_board_sets_how_long_a_step_may_be_voided(run, scr, clock, tmp_path):
    """Recorded at 09:00 on 1 Sep: day 30 ends at 09:00 on 1 Oct; on day 31 (2 Oct) the
    default refuses, a board's 60 days allows it."""
    clock.set(pendulum.datetime(2008, 10, 1, 9, tz="Europe/London"))
    run("case", "void", scr, "--reason", "x")  # day 30, still within: voided
    run("case", "advance", scr, "form_panel", "--chair", "Independent chair", "--member",
        "DI Jones", "--conflicts", "none", "--on", "2008-05-06")  # taken again, recorded 1 Oct
    clock.set(pendulum.datetime(2008, 11, 1, 9, 1, tz="Europe/London"))  # 31 days later
    config = tmp_path / "board.toml"
    config.write_text("[corrections]\nvoid_within_days = 31\n", encoding="utf-8")
    refused = run("--config", config, "case", "void", scr, "--reason", "x", expect=5)
    assert refused.stderr == (
        "Error: SCR-2008-001: form_panel was recorded on 1 Oct 2008, more than 31 days ago: "
        "it can no longer be voided (the limit is 31 days, set by [corrections] "
        f"void_within_days in {config})\n")
    config.write_text("[corrections]\nvoid_within_days = 60\n", encoding="utf-8")
    done = run("--config", config, "case", "void", scr, "--reason", "wrong members")
    assert done.stdout == ("SCR-2008-001: form_panel of 6 May 2008 voided; back to "
                           "panel_formation (Forming the review panel)\n"
                           "  opened panel: due 9 May 2008\n")


def test_day_31_is_refused_by_default_and_allowed_by_a_board_of_60_days(run, scr, clock,
                                                                         tmp_path):
    clock.set(pendulum.datetime(2008, 10, 2, 9, 30, tz="Europe/London"))  # day 31
    refused = run("case", "void", scr, "--reason", "x", expect=5)
    assert "more than 30 days ago" in refused.stderr
    config = tmp_path / "board.toml"
    config.write_text("[corrections]\nvoid_within_days = 60\n", encoding="utf-8")
    history = json.loads(run("case", "history", scr, "--json").stdout)
    run("--config", config, "case", "void", scr, "--reason", "wrong members")
    after = json.loads(run("case", "history", scr, "--json").stdout)
    assert len(after) == len(history) + 1
    assert (after[-1]["step"], after[-1]["note"]) == ("step_voided", "wrong members")
