"""One serious case review from referral to closure, only through the command line."""

from __future__ import annotations

import json

import pendulum
import pytest


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2009, 6, 1, 9, tz="Europe/London"))
    return clock


def test_a_serious_case_review_from_referral_to_closure(run, agencies):
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "POLICE",
              "--on", "2008-03-20").stdout.split()[0]
    assert ref == "SCR-2008-001"

    def advance(step: str, *options: str, on: str) -> dict:
        return json.loads(run("case", "advance", ref, step, *options, "--on", on,
                              "--json").stdout)

    def stage() -> str:
        return json.loads(run("case", "show", ref, "--json").stdout)["stage"]

    advance("recommend", "--recommendation", "scr", "--criteria", "death", on="2008-04-03")
    decided = advance("decide", "--outcome", "scr", "--criteria", "death", "--rationale",
                      "a child died; neglect suspected", "--chair", "J Smith", on="2008-04-10")
    assert (decided["from"], decided["to"]) == ("decision", "notification")
    advance("notify_inspectorate", "--to", "Ofsted and GO-SE", on="2008-04-14")
    advance("form_panel", "--chair", "Independent chair", "--member", "DI Jones, POLICE",
            "--member", "Head of Service, CSC", "--conflicts", "none declared", on="2008-05-06")
    commissioned = advance("commission_imrs", "--terms", "ToR v1", "--agency", "POLICE",
                           "--agency", "CSC", "--agency", "HEALTH=2008-08-01",
                           "--records-secured", on="2008-06-02")
    assert [(c["opened"], c["due"]) for c in commissioned["deadlines"]] == [
        ("imr:POLICE", "2008-07-14"), ("imr:CSC", "2008-07-14"), ("imr:HEALTH", "2008-08-01")]
    run("case", "extend", ref, "imr:CSC", "--to", "2008-07-31", "--reason", "staff sickness")
    advance("receive_imr", "--agency", "POLICE", on="2008-07-10")
    advance("receive_imr", "--agency", "CSC", on="2008-07-30")
    refused = run("case", "advance", ref, "commission_overview", "--author", "A Writer",
                  "--on", "2008-07-31", expect=5)
    assert "still awaited: HEALTH" in refused.stderr
    advance("waive_imr", "--agency", "HEALTH", "--reason", "no contact", on="2008-07-31")
    advance("commission_overview", "--author", "A Writer", on="2008-08-01")
    advance("add_action", "--recommendation", "R1 Information sharing", "--action",
            "Joint referral protocol", "--agency", "POLICE", "--due", "2008-12-31",
            on="2008-08-20")
    advance("add_action", "--recommendation", "R2 Training", "--action",
            "Neglect training", "--agency", "EDU", "--due", "2009-03-31", on="2008-08-20")
    advance("submit_overview", on="2008-08-25")
    endorsed = advance("endorse", on="2008-08-31")
    assert {"opened": "audit", "due": "2009-02-28"} in endorsed["deadlines"]
    advance("hold_publication", "--reason", "criminal proceedings", on="2008-09-01")
    run("case", "pause", ref, "--reason", "trial", "--on", "2008-09-02")
    run("case", "resume", ref, "--on", "2008-09-12")
    advance("release_publication", on="2008-10-20")
    advance("publish", on="2008-10-21")
    advance("update_action", "--action", "A2", "--progress", "at_risk", on="2008-11-01")
    advance("complete_action", "--action", "1", on="2008-12-15")
    advance("record_audit", "--outcome", "A1 complete; A2 delayed by funding",
            on="2009-03-09")
    refused = run("case", "advance", ref, "close", "--on", "2009-03-10", expect=5)
    assert "actions still open: A2" in refused.stderr
    advance("carry_forward", "--action", "A2", "--reason", "moved to the business plan",
            "--decision", "Board 10 March 2009", on="2009-03-10")
    closed = advance("close", on="2009-03-11")
    assert closed["to"] == "closed"
    assert stage() == "closed"

    detail = json.loads(run("case", "show", ref, "--json").stdout)
    assert detail["closed_on"] == "2009-03-11"
    assert detail["steps"] == []
    status = {d["key"]: (d["status"], d["due_on"], d["original_due_on"])
              for d in detail["deadlines"]}
    # The pause (2-12 Sept, 10 days) moved what was not yet due: the audit 28 Feb -> 10 Mar,
    # action 2 from 31 Mar -> 10 Apr 2009, action 1 from 31 Dec 2008 -> 10 Jan 2009.
    assert status["audit"] == ("met", "2009-03-10", "2009-02-28")
    assert status["action:1"] == ("met", "2009-01-10", "2008-12-31")
    assert status["action:2"] == ("carried_forward", "2009-04-10", "2009-03-31")
    assert status["imr:CSC"] == ("met", "2008-07-31", "2008-07-14")
    assert status["imr:HEALTH"][0] == "waived"
    assert all(s != "open" for s, _, _ in status.values())
    steps = [h["step"] for h in json.loads(run("case", "history", ref, "--json").stdout)]
    # Each step that asks something of an agency, moves its date or withdraws it queues an
    # email in the same transaction: three IMR requests, the new date agreed with CSC, the
    # IMR no longer needed from HEALTH, two actions, and the actions' dates after the pause.
    queued = "email_queued"
    assert steps == [
        "referral", "recommend", "decide", "notify_inspectorate", "form_panel",
        "commission_imrs", queued, queued, queued, "extend", queued, "receive_imr",
        "receive_imr", "waive_imr", queued, "commission_overview", "add_action", queued,
        "add_action", queued, "submit_overview", "endorse", "hold_publication", "pause",
        "resume", queued, queued, "release_publication", "publish", "update_action",
        "complete_action", "record_audit", "carry_forward", "close"]
    refused = run("case", "advance", ref, "publish", expect=4)
    assert refused.stderr.endswith("(allowed: none: the case is closed)\n")
