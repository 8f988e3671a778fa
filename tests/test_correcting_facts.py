"""Correcting facts and what the coordinator sees of it, through the real command line: the
pseudonym, a recorded fact, an action's wording and owner, a key date, an agency's address;
outbox cancel and send --now; history, extend --on, the action plan in case show."""

from __future__ import annotations

import json

# The shared story's fixtures (clock, scr) are imported, so the tests' arguments shadow them.
# ruff: noqa: F401, F811
from correction_story import advance, clock, figures, scr, to_plan


def test_correcting_facts(run, scr):
    to_plan(run, scr)
    assert run("case", "correct", scr, "pseudonym", "Child B", "--reason", "typo").stdout == (
        "SCR-2008-001: pseudonym corrected: Child A -> Child B\n"
        "  3 unsent emails now say Child B (#1, #2, #3)\n")
    for part in ((), ("--html",)):
        shown = run("outbox", "show", "1", *part).stdout
        assert "Child B" in shown and "Child A" not in shown
    out = run("case", "correct", scr, "panel_members", "DI Jones, Head of Service CSC",
              "--reason", "typo").stdout
    assert out == ("SCR-2008-001: panel_members corrected: DI Jones, Head of Service -> "
                   "DI Jones, Head of Service CSC\n")
    out = run("case", "correct", scr, "A1.text", "Neglect training", "--reason", "typo").stdout
    assert out == ("SCR-2008-001: A1.text corrected: Training -> Neglect training\n"
                   "  1 unsent email now says Neglect training (#2)\n")  # A1's request
    out = run("case", "correct", scr, "A1.agency", "CSC", "--reason", "wrong owner").stdout
    assert out == ("SCR-2008-001: A1.agency corrected: EDU -> CSC\n1 email queued for the "
                   "agencies (`casework outbox list`; `casework outbox send` delivers them)\n")
    emails = [(e["key"], e["to"], e["status"])
              for e in json.loads(run("outbox", "list", "--json").stdout)]
    assert ("SCR-2008-001/A1/request", "cp@edu.example.org",
            "cancelled") in emails  # EDU never heard of it
    assert ("SCR-2008-001/A1/request:CSC", "duty@csc.example.org", "pending") in emails
    detail = json.loads(run("case", "show", scr, "--json").stdout)
    assert detail["pseudonym"] == "Child B"
    assert detail["record"]["panel_members"] == ["DI Jones", "Head of Service CSC"]
    a1 = next(d for d in detail["deadlines"] if d["key"] == "action:1")
    assert (a1["title"], a1["agency"]) == ("Neglect training", "CSC")
    rows = [h for h in json.loads(run("case", "history", scr, "--json").stdout)
            if h["step"] == "corrected"]
    assert [(r["data"]["field"], r["data"]["from"]) for r in rows] == [
        ("pseudonym", "Child A"), ("panel_members", ["DI Jones", "Head of Service"]),
        ("A1.text", "Training"), ("A1.agency", "EDU")]
    bad = run("case", "correct", scr, "nickname", "x", "--reason", "x", expect=2)
    assert bad.stderr.startswith("Error: SCR-2008-001 has no fact 'nickname' to correct")
    same = run("case", "correct", scr, "pseudonym", "Child B", "--reason", "x", expect=2)
    assert same.stderr == "Error: pseudonym is already 'Child B'\n"
    unknown = run("case", "correct", scr, "A1.agency", "NOPE", "--reason", "x", expect=3)
    assert unknown.stderr.startswith("Error:")
    assert len([h for h in json.loads(run("case", "history", scr, "--json").stdout)
                if h["step"] == "corrected"]) == 4  # nothing half-written


def test_history_shows_corrections_in_the_order_things_happened(run, scr):
    advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--on", "2008-06-02")
    run("case", "void", scr, "--reason", "wrong terms")
    run("case", "correct", scr, "pseudonym", "Child B", "--reason", "typo")
    text = run("case", "history", scr, "--since", "2008-06-01").stdout
    assert text == (
        "2 Jun 2008   commission_imrs  terms_of_reference -> imrs  [voided 1 Sep 2008]\n"
        "             by coordinator, recorded 1 Sep 2008\n"
        "             1 email queued\n"
        "1 Sep 2008   step_voided  imrs -> terms_of_reference\n"
        "             by coordinator, recorded 1 Sep 2008\n"
        "             voids commission_imrs of 2 Jun 2008\n"
        "             wrong terms\n"
        "1 Sep 2008   corrected\n"
        "             by coordinator, recorded 1 Sep 2008\n"
        "             pseudonym: Child A -> Child B\n"
        "             typo\n")
    steps = run("case", "history", scr, "--steps").stdout
    assert "notify_inspectorate" in steps and "email_queued" not in steps
    every = run("case", "history", scr, "--emails", "--since", "2008-09-01").stdout
    assert every.count("email_queued") == 1
    bad = run("case", "history", scr, "--since", "yesterday", expect=2)
    assert bad.stderr.startswith("Error: malformed --since 'yesterday'")


def test_an_extension_takes_on_and_the_replay_counts_it_from_then(run, scr):
    advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--on", "2008-06-02")
    out = run("case", "extend", scr, "imr:POLICE", "--to", "2008-07-31", "--reason",
              "staff sickness", "--on", "2008-07-01").stdout
    assert out == ("SCR-2008-001: imr:POLICE now due 31 Jul 2008 (originally 14 Jul 2008; "
                   "extension 1).\n1 email queued for the agencies (`casework outbox list`; "
                   "`casework outbox send` delivers them)\n")
    row = json.loads(run("case", "history", scr, "--steps", "--json").stdout)[-1]
    assert (row["step"], row["effective_at"]) == ("extend", "2008-06-30T23:00:00+00:00")
    past = json.loads(run("deadlines", "--as-of", "2008-07-20", "--json").stdout)["deadlines"]
    assert [(d["key"], d["due_on"], d["days_late"]) for d in past if d["case"] == scr
            and d["key"] == "imr:POLICE"] == [("imr:POLICE", "2008-07-31", 0)]
    early = run("case", "extend", scr, "imr:POLICE", "--to", "2008-08-31", "--reason", "x",
                "--on", "2008-05-01", expect=2)
    assert early.stderr == ("Error: --on 1 May 2008 is before the case's last recorded step "
                            "(2 Jun 2008)\n")


def test_an_agencys_corrected_address_reaches_its_waiting_emails(run, scr):
    advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--agency", "CSC", "--on", "2008-06-02")
    out = run("agency", "update", "POLICE", "--email", "safeguarding@police.example.org").stdout
    assert out.endswith("1 waiting email re-addressed (#1)\n")
    emails = {e["id"]: e for e in json.loads(run("outbox", "list", "--json").stdout)}
    assert emails[1]["to"] == "safeguarding@police.example.org"
    assert emails[2]["to"] == "duty@csc.example.org"
    history = json.loads(run("case", "history", scr, "--json").stdout)
    assert not any(h["step"] == "agency_updated" for h in history)  # the board's, not a case's


def test_one_email_cancelled_or_sent_now(run, scr):
    advance(run, scr, "commission_imrs", "--terms", "ToR", "--agency", "POLICE",
            "--agency", "CSC", "--on", "2008-06-02")
    assert run("outbox", "cancel", "1", "--reason", "asked by phone").stdout == \
        "Cancelled: #1.\n"
    again = run("outbox", "cancel", "1", "--reason", "x", expect=2)
    assert again.stderr == ("Error: email #1 is cancelled: only an email not yet sent can be "
                            "cancelled\n")
    out = run("outbox", "send", "--now", "2").stdout
    assert "1 sent" in out
    statuses = {e["id"]: e["status"] for e in json.loads(run("outbox", "list", "--json").stdout)}
    assert statuses == {1: "cancelled", 2: "sent"}
    late = run("outbox", "send", "--now", "1", expect=2)
    assert late.stderr == "Error: email #1 is cancelled: only a pending email is sent now\n"
    run("outbox", "send", "--now", "99", expect=3)


def test_case_show_lists_the_action_plan(run, scr):
    to_plan(run, scr)
    advance(run, scr, "submit_overview", "--on", "2008-07-25")
    advance(run, scr, "endorse", "--on", "2008-07-28")
    advance(run, scr, "update_action", "--action", "1", "--progress", "at_risk",
            "--on", "2008-07-29")
    run("case", "withdraw", scr, "A2", "--reason", "entered twice")
    out = run("case", "show", scr).stdout
    plan = out[out.index("Action plan"):out.index("\nOpen deadlines")]
    assert plan == ("Action plan\n"
                    "Action  Owner  Due          Progress  What\n"
                    "------  -----  -----------  --------  --------\n"
                    "A1      EDU    15 Aug 2008  at risk   Training\n")


def test_correcting_a_key_date_moves_what_is_counted_from_it(run, agencies):
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "POLICE",
              "--on", "2008-03-20").stdout.split()[0]
    out = run("case", "correct", ref, "referral", "2008-03-18", "--reason", "typo").stdout
    assert out == ("SCR-2008-001: referral corrected: 20 Mar 2008 -> 18 Mar 2008\n"
                   "  moved decision: 20 Apr 2008 -> 18 Apr 2008 (referral corrected)\n")
    detail = json.loads(run("case", "show", ref, "--json").stdout)
    assert detail["opened_on"] == "2008-03-18"
    assert detail["key_dates"]["referral"] == "2008-03-18"
    decision = next(d for d in detail["deadlines"] if d["key"] == "decision")
    assert (decision["due_on"], decision["original_due_on"]) == ("2008-04-18", "2008-04-18")
    year = run("case", "correct", ref, "referral", "2007-12-31", "--reason", "x", expect=2)
    assert year.stderr == ("Error: SCR-2008-001 was numbered in 2008: a referral in 2007 "
                           "needs a new case\n")
    future = run("case", "correct", ref, "referral", "2009-01-01", "--reason", "x", expect=2)
    assert future.stderr == "Error: 1 Jan 2009 is in the future\n"
    history = json.loads(run("case", "history", ref, "--json").stdout)
    assert [h["step"] for h in history].count("corrected") == 1


def test_a_mistyped_step_gets_did_you_mean(run, scr):
    wrong = run("case", "advance", scr, "comission-imrs", expect=4)
    assert wrong.stderr == ("Error: SCR-2008-001 is at stage 'terms_of_reference'; step "
                            "'comission-imrs' is not allowed here (allowed: commission_imrs); "
                            "did you mean commission_imrs?\n")


def test_a_steps_own_help(run, scr):
    out = run("case", "advance", scr, "commission-imrs", "--help").stdout
    assert out.startswith("Usage: casework case advance SCR-2008-001 commission_imrs "
                          "[OPTIONS]\n\n  Terms of reference agreed; IMRs commissioned: from "
                          "terms_of_reference -> imrs\n")
    assert "\nOptions:\n  --terms (required): " in out
    assert out.endswith("  --on DATE, --note TEXT, --actor NAME, --json: as for every step\n")
    wrong = run("case", "advance", scr, "comission", "--help", expect=2)
    assert wrong.stderr == ("Error: scr 2006.1 has no step 'comission'; did you mean "
                            "commission_imr?\n")
    assert "Take STEP on a case" in run("case", "advance", "--help").stdout
