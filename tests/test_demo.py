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
    # IMRs: 3 for Adam, 3 for Child E and one waived; 3 actions each for Adam and Child E;
    # Form Bs: 3 each for Child F and Child H; summaries of involvement: 3 for Child K, 2 for
    # Child L and one of those waived, 2 for Bethany and Cameron, 3 for Child B.
    assert "Opened 12 example cases; they asked the agencies for 30 reports and actions by " \
           "email.\n" in out
    swept = re.search(r"sweep then sent (\d+) reminders? and (\d+) escalations? for what is "
                      r"due or late, and the board's mailbox its overdue listing \((\d+) items, "
                      r"with the CSV attached\)", out)
    assert swept is not None and int(swept[1]) > 0 and int(swept[2]) > 0  # soon due, late
    # the late deadlines of the listing printed below, all live work: Child B's rapid review
    # and police summary, Child F's two reporting forms (the SCRs are all closed)
    assert int(swept[3]) == 4
    assert "Deadlines late as of" in out and ": 4 (4 late)" in out
    listed = out[out.index("Deadlines late as of"):out.index("Look further:")]
    rows = [re.split(r"\s{2,}", line) for line in listed.splitlines()[3:] if line.strip()]
    assert [(ref.split("-")[0], child, deadline) for ref, child, deadline, *_ in rows] == [
        ("CSPR", "Child B", "summary:POLICE"), ("CDR", "Child F", "reporting_form:CSC"),
        ("CDR", "Child F", "reporting_form:EDU"), ("CSPR", "Child B", "rapid_review")]
    emails = 30 + int(swept[1]) + int(swept[2]) + 1
    assert f"All {emails} emails are in {tmp_path / 'outbox'}/" in out
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == emails
    assert "Caseload as of" in out and "Deadlines late as of" in out
    listing = json.loads(CliRunner().invoke(cli, ["--db", str(db), "case", "list",
                                                  "--json"]).stdout)["cases"]
    stages = {(c["kind"], c["pseudonym"]): c["stage"] for c in listing}
    assert stages == {
        ("scr", "Child C"): "no_review", ("scr", "Adam"): "closed",
        ("scr", "Child E"): "closed",
        ("cdr", "Child F"): "information", ("cdr", "Child G"): "jar",
        ("cdr", "Child H"): "reviewed", ("cdr", "Child J"): "transferred",
        ("cspr", "Child B"): "rapid_review", ("cspr", "Child D"): "notification",
        ("cspr", "Child K"): "lcspr", ("cspr", "Bethany and Cameron"): "lcspr",
        ("cspr", "Child L"): "no_lcspr"}
    # Serious case reviews ended in 2019: the demo's are history, referred before the end
    # (the last action of Child E's closed on 6 Dec 2019, after it; Adam's over-ran, was
    # published on 1 Dec 2020, and its plan closed on 5 Jul 2021).
    scrs = {c["pseudonym"]: c for c in listing if c["kind"] == "scr"}
    assert {p: c["opened_on"] for p, c in scrs.items()} == {
        "Child C": "2019-02-04", "Adam": "2019-07-01", "Child E": "2018-03-05"}
    assert (scrs["Child E"]["closed_on"], scrs["Adam"]["closed_on"]) == (
        "2019-12-06", "2021-07-05")
    late = {(c["kind"], c["pseudonym"]): c["overdue"] for c in listing}
    assert late[("scr", "Adam")] == 0 and late[("cspr", "Child B")] == 2
    assert late[("cdr", "Child F")] == 2 and late[("scr", "Child E")] == 0
    assert late[("cspr", "Child D")] == 0 and late[("cspr", "Bethany and Cameron")] == 0
    assert [c["pseudonym"] for c in listing if c["paused_on"]] == ["Bethany and Cameron"]
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


def test_the_over_run_serious_case_review_was_published_late_in_2020(tmp_path):
    """Adam's SCR, worked out by hand: decided Mon 15 Jul 2019, complete due 6 months later,
    15 Jan 2020 (184 days); extended on 9 Dec 2019 to 13 Mar 2020 (58 days); paused Mon
    2 Mar to Mon 1 Jun 2020 for the trial (91 days, so due 12 Jun 2020); endorsed Mon
    19 Oct 2020 (129 days over; 278 past the original date); published Tue 1 Dec 2020."""
    db = str(tmp_path / "demo.db")
    assert CliRunner().invoke(cli, ["--db", db, "demo"]).exit_code == 0

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    shown = json.loads(run("case", "show", "SCR-2019-002", "--json"))
    assert shown["pseudonym"] == "Adam"
    completion = next(d for d in shown["deadlines"] if d["key"] == "completion")
    assert {k: completion[k] for k in ("original_due_on", "due_on", "closed_on", "status",
                                       "extensions", "paused_days")} == {
        "original_due_on": "2020-01-15", "due_on": "2020-06-12", "closed_on": "2020-10-19",
        "status": "met", "extensions": 1, "paused_days": 91}
    assert {k: shown["key_dates"][k] for k in ("decision", "endorsement", "publication",
                                               "audit", "closure")} == {
        "decision": "2019-07-15", "endorsement": "2020-10-19", "publication": "2020-12-01",
        "audit": "2021-04-12", "closure": "2021-07-05"}
    # Its plan: three actions due in 2021, each done a few days early; the audit on 12 Apr
    # 2021, a week before its six months from endorsement (19 Apr 2021).
    assert [(d["label"], d["due_on"], d["closed_on"]) for d in shown["deadlines"]
            if d["key"].startswith("action:") or d["key"] == "audit"] == [
        ("A1", "2021-01-29", "2021-01-22"), ("A2", "2021-03-31", "2021-03-26"),
        ("A3", "2021-06-30", "2021-06-25"), ("audit", "2021-04-19", "2021-04-12")]
    # The board's year 2020/21: the review completed late, its slippage and two actions due.
    year = ("report", "figures", "--from", "2020-04-01", "--to", "2021-03-31")
    scr = json.loads(run(*year, "--json"))["scr"]
    assert {k: scr[k] for k in ("completed", "completed_within_timescale",
                                "completed_within_extension", "average_slippage_days",
                                "longest_slippage_days", "longest_slippage_case",
                                "actions_due", "actions_completed_on_time")} == {
        "completed": 1, "completed_within_timescale": 0, "completed_within_extension": 0,
        "average_slippage_days": 278.0, "longest_slippage_days": 278,
        "longest_slippage_case": "SCR-2019-002", "actions_due": 2,
        "actions_completed_on_time": 2}
    # Its bar on the paper's slippage chart: 184 + 58 + 91 + 129 = 462 days, 15 Jul 2019 to
    # 19 Oct 2020.
    html = run(*year, "--format", "html")
    chart = re.search(r'<svg [^>]*id="scr-slippage".*?</svg>', html, re.S)
    assert chart is not None
    assert re.findall(r'data-reference="([^"]+)"', chart[0]) == ["SCR-2019-002"]
    assert re.findall(r'data-part="(\w+)" data-days="(\d+)"', chart[0]) == [
        ("timescale", "184"), ("extension", "58"), ("pause", "91"), ("overrun", "129")]
    assert ("SCR-2019-002: decided 15 Jul 2019, originally due 15 Jan 2020, due 12 Jun 2020 "
            "after 58 days agreed as extensions and 91 paused, completed 19 Oct 2020, 129 days "
            "over.") in chart[0]
    # The year before ended in the pause (since 2 Mar 2020), which had not moved the date yet:
    # due 13 Mar 2020 after the extension alone. Paused before it fell due, the review is not
    # over-run on 31 Mar 2020: its 18 days past 13 Mar are drawn as paused.
    before = run("report", "figures", "--from", "2019-04-01", "--to", "2020-03-31",
                 "--format", "html")
    chart = re.search(r'<svg [^>]*id="scr-slippage".*?</svg>', before, re.S)
    assert chart is not None
    assert re.findall(r'data-part="(\w+)" data-days="(\d+)"', chart[0]) == [
        ("timescale", "184"), ("extension", "58"), ("pause", "18")]
    assert ("due 13 Mar 2020 after 58 days agreed as extensions and 0 paused, still open on "
            "31 Mar 2020, paused since 2 Mar 2020, not over-run.") in chart[0]
    assert '<td class="date">13 Mar 2020</td><td class="date">paused since 2 Mar 2020</td>' \
           '<td class="number">58</td><td class="number">0</td><td class="number">0</td>' \
           in before
