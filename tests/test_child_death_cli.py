"""An unexpected child death from notification to closure, only through the command line."""

from __future__ import annotations

import json

import pendulum
import pytest


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2009, 1, 5, 9, tz="Europe/London"))
    return clock


@pytest.fixture
def board(run):
    for code in ("POLICE", "CSC", "HEALTH", "ACUTE"):
        run("agency", "add", code, "--name", f"{code} name", "--email",
            f"x@{code.lower()}.example.org")
    return run


NOTIFY = ("death", "notify", "--pseudonym", "Child B", "--died", "2008-04-05 03:20",
          "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones, ED consultant",
          "--agency", "ACUTE", "--residence", "Kent", "--death", "unexpected")


def test_notify_prints_the_reference_and_what_is_due(board):
    out = board(*NOTIFY, "--on", "2008-04-06 09:00").stdout
    assert out.splitlines() == [
        "CDR-2008-001",
        "Child B: died 5 Apr 2008; notified 29.7 hours later (late: Death notified (Form A), "
        "due 24 hours after death).",
        "  triage due 7 Apr 2008",
        "  home visit due 7 Apr 2008",
        "  information sharing due 7 Apr 2008",
        "  final discussion due 28 Jun 2008",
    ]
    again = board(*NOTIFY, "--on", "2008-04-06 10:00", expect=5)
    assert again.stderr.startswith("Error: this death may already be notified as CDR-2008-001")
    data = json.loads(board(*NOTIFY, "--different-child", "--on", "2008-04-06 10:00",
                            "--json").stdout)
    assert (data["reference"], data["stage"], data["notified_late"]) == (
        "CDR-2008-002", "triage", True)
    bad = board(*NOTIFY[:-2], "--death", "sudden", expect=2)
    assert "Invalid value for '--death'" in bad.stderr


def test_meetings_are_scheduled_quarterly_and_listed(board):
    out = board("death", "meeting", "schedule", "--first", "2008-06-12").stdout
    assert out == ("Added 4 CDOP meetings: 12 Jun 2008, 12 Sep 2008, 12 Dec 2008, "
                   "12 Mar 2009\n")
    assert board("death", "meeting", "schedule", "--first", "2008-06-12", "--count",
                 "5").stdout == "Added 1 CDOP meeting: 12 Jun 2009\n"
    assert board("death", "meeting", "add", "2008-07-01", "--note", "extraordinary").stdout \
        == "CDOP meeting on 1 Jul 2008 added.\n"
    refused = board("death", "meeting", "add", "2008-07-01", expect=2)
    assert refused.stderr == "Error: a CDOP meeting on 1 Jul 2008 is already scheduled\n"
    listed = json.loads(board("death", "meeting", "list", "--json").stdout)
    assert [m["held_on"] for m in listed] == ["2008-06-12", "2008-07-01", "2008-09-12",
                                             "2008-12-12", "2009-03-12", "2009-06-12"]


def test_an_unexpected_death_from_notification_to_closure(board):
    run = board
    run("death", "meeting", "schedule", "--first", "2008-06-12", "--count", "3")
    ref = run(*NOTIFY, "--on", "2008-04-06 09:00").stdout.split()[0]

    def advance(step: str, *options: str, on: str) -> dict:
        return json.loads(run("case", "advance", ref, step, *options, "--on", on,
                              "--json").stdout)

    def stage() -> str:
        return json.loads(run("case", "show", ref, "--json").stdout)["stage"]

    assert advance("triage", "--death", "unexpected", on="2008-04-06 10:00")["to"] == \
        "rapid_response"
    refused = run("case", "advance", ref, "await_post_mortem", "--on", "2008-04-06 11:00",
                  expect=5)
    assert "the rapid response has not recorded the team convened" in refused.stderr
    advance("convene_team", "--paediatrician", "Dr P", "--police", "DS Q", "--social-care",
            "R S", on="2008-04-06 11:00")
    advance("record_home_visit", on="2008-04-06 15:00")
    advance("record_information_sharing", on="2008-04-07 10:00")
    advance("await_post_mortem", on="2008-04-08")
    shown = run("case", "show", ref, "--as-of", "2008-05-01").stdout
    assert ("Waiting              for the post-mortem and the coroner: no deadline, as long\n"
            "                     as it takes; since 8 Apr 2008 (23 days)") in shown
    assert "notification                 6 Apr 2008  6 Apr 2008  met (late)" in shown
    advance("receive_post_mortem", "--findings", "head injury", on="2008-05-20")
    advance("request_reports", "--agency", "POLICE", "--agency", "CSC", on="2008-05-21")
    advance("hold_final_discussion", on="2008-06-20")
    advance("receive_report", "--agency", "POLICE", on="2008-06-23")
    refused = run("case", "advance", ref, "ready_for_panel", "--on", "2008-06-24", expect=5)
    assert "still awaited: CSC" in refused.stderr
    advance("waive_report", "--agency", "CSC", "--reason", "no contact", on="2008-06-24")
    listed = advance("ready_for_panel", on="2008-06-24")
    assert listed["deadlines"] == [{"opened": "panel_review", "due": "2008-09-12"}]
    deferred = advance("defer", "--reason", "inquest pending", on="2008-09-12")
    assert deferred["deadlines"][0]["to"] == "2008-12-12"
    referred = advance("refer_for_scr", "--reason", "neglect may have contributed",
                       on="2008-12-12")
    assert referred["to"] == "awaiting_panel"
    reviewed = advance("review", "--category", "trauma", "--intrinsic", "1", "--parenting", "2",
                       "--environment", "3", "--services", "1", "--preventable", "yes",
                       "--recommendation", "stair gates campaign", on="2008-12-12")
    assert reviewed["to"] == "reviewed"
    advance("close", on="2008-12-15")
    assert stage() == "closed"

    detail = json.loads(run("case", "show", ref, "--json").stdout)
    assert detail["record"]["scr_referral"] == "SCR-2008-001"
    assert detail["record"]["category"] == "trauma"
    statuses = {d["key"]: d["status"] for d in detail["deadlines"]}
    assert statuses == {"notification": "met", "triage": "met", "home_visit": "met",
                        "information_sharing": "met", "final_discussion": "met",
                        "form_b:POLICE": "met", "form_b:CSC": "waived", "panel_review": "met"}
    scr = json.loads(run("case", "show", "SCR-2008-001", "--json").stdout)
    assert (scr["stage"], scr["record"]["linked_case"]) == ("screening", ref)
    assert "Referred for SCR as  SCR-2008-001" in run("case", "show", ref).stdout
    steps = [h["step"] for h in json.loads(run("case", "history", ref, "--json").stdout)]
    # Each Form B request, and the one withdrawn, is an email queued in the step's history.
    assert steps == ["notification", "triage", "convene_team", "record_home_visit",
                     "record_information_sharing", "await_post_mortem", "receive_post_mortem",
                     "request_reports", "email_queued", "email_queued",
                     "hold_final_discussion", "receive_report", "waive_report", "email_queued",
                     "ready_for_panel", "defer", "refer_for_scr", "review", "close"]
    listing = json.loads(run("case", "list", "--kind", "cdr", "--json").stdout)["cases"]
    assert [(c["reference"], c["stage"]) for c in listing] == [(ref, "closed")]
    diagram = run("workflow", "diagram", "cdr").stdout
    assert "triage --> rapid_response: triage" in diagram
    assert "post_mortem --> final_discussion: receive_post_mortem" in diagram
