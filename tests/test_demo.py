"""The demo the README's first command runs: example cases, some of them late."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from cli.main import cli


def test_the_demo_opens_cases_at_mixed_stages_and_shows_what_is_late(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "demo"])
    assert result.exit_code == 0, result.output
    assert "Warning:" not in result.stderr  # its due dates are computed, not typed
    out = result.stdout
    # IMRs: 4 for Adam, 3 for Child E and one withdrawn; Child E's 3 actions; Form Bs: 3 each
    # for Child F and Child H; summaries of involvement: 3 for Child K, 2 for Child L and one
    # of those waived.
    assert "Opened 12 example cases; they asked the agencies for 23 reports and actions by " \
           "email.\n" in out
    swept = re.search(r"sweep then sent (\d+) reminders? and (\d+) escalations? for what is "
                      r"due or late, and the board's mailbox its overdue listing \((\d+) items, "
                      r"with the CSV attached\)", out)
    assert swept is not None and int(swept[1]) > 0 and int(swept[2]) > 0  # soon due, late
    # the late deadlines of the listing printed below (WT2013/15: Adam's review has six
    # months to complete, not four, so its completion is not late yet)
    assert int(swept[3]) == 8
    assert "Deadlines late as of" in out and ": 8 (8 late)" in out
    emails = 23 + int(swept[1]) + int(swept[2]) + 1
    assert f"All {emails} emails are in {tmp_path / 'outbox'}/" in out
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == emails
    assert "Caseload as of" in out and "Deadlines late as of" in out
    listing = json.loads(CliRunner().invoke(cli, ["--db", str(db), "case", "list",
                                                  "--json"]).stdout)["cases"]
    stages = {(c["kind"], c["pseudonym"]): c["stage"] for c in listing}
    assert stages == {
        ("scr", "Child B"): "decision", ("scr", "Child C"): "no_review",
        ("scr", "Child D"): "panel_formation", ("scr", "Adam"): "imrs",
        ("scr", "Bethany and Cameron"): "notification", ("scr", "Child E"): "implementation",
        ("cdr", "Child F"): "information", ("cdr", "Child G"): "jar",
        ("cdr", "Child H"): "reviewed", ("cdr", "Child J"): "transferred",
        ("cspr", "Child K"): "lcspr", ("cspr", "Child L"): "no_lcspr"}
    late = {(c["kind"], c["pseudonym"]): c["overdue"] for c in listing}
    assert late[("scr", "Child B")] == 1 and late[("scr", "Adam")] == 3
    assert late[("scr", "Child E")] == 2 and late[("cdr", "Child F")] == 2
    assert late[("scr", "Child D")] == 0 and late[("scr", "Bethany and Cameron")] == 0
    death = next(c["reference"] for c in listing if c["pseudonym"] == "Child H")
    shown = json.loads(CliRunner().invoke(cli, ["--db", str(db), "case", "show", death,
                                                "--json"]).stdout)
    assert shown["record"]["factors"][0]["grade"] == 2  # the 2018 analysis form
    # The partnership's two: a rapid review converted into a local review, and one closed.
    partners = {c["pseudonym"]: c["reference"] for c in listing if c["kind"] == "cspr"}
    converted, closed = (json.loads(CliRunner().invoke(cli, [
        "--db", str(db), "case", "show", partners[child], "--json"]).stdout)
        for child in ("Child K", "Child L"))
    assert {"notification_sent", "summaries_requested", "rapid_review_meeting", "decision",
            "report_sent", "panel_response", "commissioned"} <= set(converted["key_dates"])
    assert (converted["record"]["decision"], converted["record"]["panel_response"]) == (
        "lcspr", "agrees")
    assert converted["record"]["other_children"] == [{"pseudonym": "Child M",
                                                      "age_band": "1-4y"}]
    assert {d["key"]: d["status"] for d in converted["deadlines"]} == {
        "notification": "met", "rapid_review": "met", "summary:POLICE": "met",
        "summary:CSC": "met", "summary:HEALTH": "met", "completion": "open"}
    assert (closed["stage"], closed["record"]["decision"]) == ("no_lcspr", "no_lcspr")
    assert closed["closed_on"] and closed["record"]["rationale"].startswith("the rapid review")
    assert late[("cspr", "Child K")] == 0 and late[("cspr", "Child L")] == 0
    # A second run starts afresh rather than doubling the caseload.
    again = CliRunner().invoke(cli, ["--db", str(db), "demo"])
    assert again.exit_code == 0
    listing = json.loads(CliRunner().invoke(cli, ["--db", str(db), "case", "list",
                                                  "--json"]).stdout)["cases"]
    assert len(listing) == 12
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == emails
