"""A child death under the 2018 guidance from notification to closure, only through the
command line, and the 2006 review still chosen for a death before the switch."""

from __future__ import annotations

import json

import pendulum
import pytest


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2020, 6, 1, 9, tz="Europe/London"))
    return clock


@pytest.fixture
def board(run):
    for code in ("POLICE", "CSC", "HEALTH", "ACUTE"):
        run("agency", "add", code, "--name", f"{code} name", "--email",
            f"x@{code.lower()}.example.org")
    return run


def notify(died: str) -> tuple[str, ...]:
    return ("death", "notify", "--pseudonym", "Child F", "--died", died, "--age-band",
            "28-364d", "--place", "home", "--notifier", "Dr Jones, ED consultant", "--agency",
            "ACUTE", "--residence", "Kent", "--death", "unexpected", "--json")


def test_a_2018_death_from_notification_to_closure(board):
    run = board
    run("death", "meeting", "add", "2019-09-12")
    # Died Friday 3 May 2019 22:00 BST, notified Saturday 4 May 09:00: 11 hours later.
    opened = json.loads(run(*notify("2019-05-03 22:00"), "--on", "2019-05-04 09:00").stdout)
    ref = opened["reference"]
    assert (ref, opened["notified_late"], opened["hours_to_notify"]) == (
        "CDR-2019-001", False, 11.0)
    # Triage 1 working day after Saturday: Tuesday 7 May (Monday 6 May a bank holiday).
    assert opened["open_deadlines"] == {"triage": "2019-05-07"}

    def advance(step: str, *options: str, on: str) -> dict:
        return json.loads(run("case", "advance", ref, step, *options, "--on", on,
                              "--json").stdout)

    def refused(step: str, *options: str, on: str, expect: int = 5) -> str:
        before = run("case", "history", ref, "--json").stdout
        result = run("case", "advance", ref, step, *options, "--on", on, expect=expect)
        assert run("case", "history", ref, "--json").stdout == before
        return result.stderr

    triaged = advance("triage", "--death", "unexpected", "--jar", "yes", "--criterion",
                      "sudden_unexplained", on="2019-05-04 10:00")
    assert triaged["to"] == "jar"
    advance("record_jar_planning", on="2019-05-05 12:00")
    advance("record_jar_visit", on="2019-05-07 11:00")
    advance("receive_initial_post_mortem", "--findings", "no injury", on="2019-05-09")
    assert advance("hold_jar_meeting", on="2019-05-10")["to"] == "information"
    advance("request_reports", "--agency", "POLICE", "--agency", "CSC", on="2019-05-13")
    advance("request_supplementary", "--agency", "HEALTH", "--form", "SUDI", on="2019-05-13")
    subjects = sorted(e["subject"] for e in json.loads(run("outbox", "list", "--json").stdout))
    # 15 working days after Monday 13 May 2019, the spring bank holiday (27 May) skipped.
    assert subjects == [
        f"Reporting form requested: {ref} (Child F), due Tuesday 4 June 2019",
        f"Reporting form requested: {ref} (Child F), due Tuesday 4 June 2019",
        f"Supplementary form requested: {ref} (Child F), due Tuesday 4 June 2019"]
    error = refused("plan_cdrm", "--date", "2019-07-12", on="2019-05-14")
    assert error.startswith("Error: ") and "a CDRM is not held before it" in error
    advance("receive_post_mortem", "--findings", "SUDI", on="2019-06-03")
    planned = advance("plan_cdrm", "--date", "2019-07-12", on="2019-06-03")
    assert {d.get("opened"): d.get("due") for d in planned["deadlines"]} == {
        "cdrm_notice": "2019-06-12", "cdrm": "2019-07-12"}
    advance("give_cdrm_notice", on="2019-06-04")
    advance("receive_report", "--agency", "POLICE", on="2019-06-05")
    advance("waive_report", "--agency", "CSC", "--reason", "not known", on="2019-06-05")
    advance("receive_supplementary", "--agency", "HEALTH", on="2019-06-06")
    assert advance("hold_cdrm", on="2019-07-12")["to"] == "cdrm_held"
    listed = advance("ready_for_panel", on="2019-07-15")
    assert listed["deadlines"] == [{"opened": "panel_review", "due": "2019-09-12"}]
    error = refused("review", "--category", "sudden_unexplained", "--factor",
                    "social:3:unsafe sleep", "--modifiable", "yes", on="2019-09-12")
    assert error.startswith("Error: ") and "the grade must be 0, 1 or 2" in error
    error = refused("review", "--category", "sudden_unexplained", "--intrinsic", "1",
                    "--modifiable", "yes", on="2019-09-12", expect=2)
    assert "has no option --intrinsic" in error
    reviewed = advance("review", "--category", "sudden_unexplained", "--factor",
                       "social:2:unsafe sleep", "--modifiable", "yes", "--learning",
                       "safe sleep advice", "--recommendation", "safe sleep campaign",
                       on="2019-09-12")
    assert reviewed["to"] == "reviewed"
    assert "not been submitted to the NCMD" in refused("close", on="2019-09-13")
    advance("submit_ncmd", on="2019-09-13")
    assert advance("close", on="2019-09-16")["to"] == "closed"

    detail = json.loads(run("case", "show", ref, "--json").stdout)
    statuses = {d["key"]: d["status"] for d in detail["deadlines"]}
    assert statuses == {
        "notification": "met", "triage": "met", "jar_planning": "met", "jar_visit": "met",
        "reporting_form:POLICE": "met", "reporting_form:CSC": "waived",
        "supplementary_form:HEALTH": "met", "cdrm_notice": "met", "cdrm": "met",
        "panel_review": "met", "ncmd": "met"}
    assert detail["record"]["factors"] == [
        {"domain": "social", "grade": 2, "factor": "unsafe sleep"}]
    shown = run("workflow", "show", "cdr", "--on", "2019-05-03").stdout
    assert "local practice default" in shown and "non-statutory expectation" in shown
    figures = json.loads(run("report", "figures", "--from", "2019-04-01", "--to",
                             "2020-03-31", "--json").stdout)
    new = figures["child_deaths_2018"]
    assert (new["notified"], new["jars"], new["cdrms_held"], new["reviewed"],
            new["submitted_to_ncmd"]) == (1, 1, 1, 1, 1)
    assert new["modifiable"] == {"yes": 1, "no": 0}
    text = run("report", "figures", "--from", "2019-04-01", "--to", "2020-03-31").stdout
    assert "Child deaths (2018 guidance)" in text


def test_a_death_before_the_switch_still_runs_under_2006(board):
    opened = json.loads(board(*notify("2018-09-30 22:00"), "--on", "2018-10-01 09:00").stdout)
    shown = json.loads(board("case", "show", opened["reference"], "--json").stdout)
    assert shown["stage"] == "triage"
    assert set(opened["open_deadlines"]) >= {"triage", "home_visit", "final_discussion"}
