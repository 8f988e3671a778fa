"""The NCMD export and the annual return of a hand-built year, 1 April 2019 to 31 March 2020,
checked field by field. The clock stands at Monday 1 June 2020.

    CDR-2019-001  Child D  died Fri 3 May 2019, full review at the CDOP on 12 Sep 2019
    CDR-2020-002  Child E  died 10 Jan 2020, triaged (no JAR), still open at 31 March
    CDR-2018-001  Child F  died 2 Nov 2018, reviewed 14 Mar 2019: sent in last year's return
    CDR-2020-001  Child G  died 1 Feb 2020, lived in Essex: transferred (Essex sends it)
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from casework.deaths import add_meeting
from casework.exports import annual_return, export_records
from tests.test_cdr2018 import D, clock, full_review, notify, step  # noqa: F401

NUMBER = "9434765919"


@pytest.fixture
def year(service, agencies, settings, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv("CASEWORK_IDENTITY_KEY", "a board secret of some length")
    settings.areas = ["Kent"]
    add_meeting(service, "2019-03-14", actor="test")
    add_meeting(service, "2019-09-12", actor="test")
    old = notify(service, "2018-11-02 22:00", "2018-11-03 09:00", pseudonym="Child F")
    step(service, old, "triage", "2018-11-03 10:00", death="expected", jar="no")
    step(service, old, "request_reports", "2018-11-05", agency=["POLICE"])
    step(service, old, "receive_report", "2018-11-20", agency="POLICE")
    step(service, old, "receive_post_mortem", "2018-11-20", none_held=True)
    step(service, old, "plan_cdrm", "2018-11-20", date="2019-01-10")
    step(service, old, "hold_cdrm", "2019-01-10")
    step(service, old, "ready_for_panel", "2019-01-11")
    step(service, old, "review", "2019-03-14", category="chronic_medical", modifiable="no")
    full = notify(service, "2019-05-03 22:00", "2019-05-04 09:00", nhs_number=NUMBER)
    full_review(service, full, "2019-09-12")
    step(service, full, "submit_ncmd", "2019-09-13")
    moved = notify(service, "2020-02-01", "2020-02-01 12:00", pseudonym="Child G",
                   residence="Essex")
    step(service, moved, "transfer", "2020-02-03", to_panel="Essex CDOP")
    open_ = notify(service, "2020-01-10 08:00", "2020-01-11 10:30", pseudonym="Child E",
                   death="expected", place="hospital")
    step(service, open_, "triage", "2020-01-13", death="expected", jar="no")
    return {"old": old, "full": full, "moved": moved, "open": open_}


REVIEWED = {
    "case": "CDR-2019-001", "pseudonym": "Child D", "status": "reviewed",
    "notification": {
        "date_of_death": "2019-05-03", "time_of_death_known": True, "age_band": "1-4y",
        "place_of_death": "home", "expected_as_notified": "unexpected",
        "area_of_residence": "Kent", "notifying_agency": "HEALTH",
        "notified_on": "2019-05-04", "hours_to_notify": 11.0},
    "reporting": {
        "expected_at_triage": "unexpected", "joint_agency_response": True,
        "jar_criteria": ["sudden_unexplained", "suspicious"],
        "post_mortem_received_on": "2019-06-03", "cdrm_held_on": "2019-07-12",
        "forms": [
            {"agency": "POLICE", "form": "reporting", "requested_on": "2019-05-13",
             "status": "received", "received_on": "2019-06-05"},
            {"agency": "CSC", "form": "reporting", "requested_on": "2019-05-13",
             "status": "waived", "received_on": None},
            {"agency": "HEALTH", "form": "supplementary (sudden unexpected death in infancy)",
             "requested_on": "2019-05-13", "status": "received",
             "received_on": "2019-07-15"}]},
    "analysis": {
        "reviewed_on": "2019-09-12", "category": "sudden_unexplained",
        "category_text": "sudden unexpected, unexplained death",
        "contributory_factors": [
            {"domain": "social", "grade": 2, "factor": "unsafe sleeping arrangement"},
            {"domain": "intrinsic", "grade": 0, "factor": "none known"}],
        "modifiable_factors": "yes", "learning_points": ["safe sleep advice"],
        "recommendations": ["safe sleep campaign"], "referred_as_serious_incident": False,
        "submitted_on": "2019-09-13"},
}
OPEN = {
    "case": "CDR-2020-002", "pseudonym": "Child E", "status": "open",
    "notification": {
        "date_of_death": "2020-01-10", "time_of_death_known": True, "age_band": "1-4y",
        "place_of_death": "hospital", "expected_as_notified": "expected",
        "area_of_residence": "Kent", "notifying_agency": "HEALTH",
        "notified_on": "2020-01-11", "hours_to_notify": 26.5},
}


def test_the_annual_return_field_by_field(service, year):
    got = annual_return(service, "cdr", 2020)
    deaths = got.pop("deaths")
    assert got == {
        "year": "2019/20", "period_from": "2019-04-01", "period_to": "2020-03-31",
        "deaths_notified": 2, "reviews_completed": 1, "reviewed_within_12_months": 1,
        "open_at_year_end": 1,
        "by_category": {**dict.fromkeys(got["by_category"], 0), "sudden_unexplained": 1},
        "modifiable_factors": {"yes": 1, "no": 0}}
    assert len(got["by_category"]) == 10
    # Child F was reviewed in 2018/19 (sent then); Child G is Essex's to send.
    assert deaths == [REVIEWED, OPEN]


def test_a_death_reviewed_after_the_period_gives_its_notification_only(service, year):
    # As at 31 August 2019 Child D was not yet reviewed.
    got = export_records(service, "cdr", D(2019, 5, 1), D(2019, 8, 31))
    assert got == [{**{k: REVIEWED[k] for k in ("case", "pseudonym", "notification")},
                    "status": "open"}]
    # The 2018/19 return: Child F reviewed; nothing else notified by 31 March 2019.
    last = annual_return(service, "cdr", 2019)
    assert [d["case"] for d in last["deaths"]] == [year["old"]]
    assert last["deaths"][0]["analysis"]["submitted_on"] is None


def test_the_command_line_renders_json_and_csv_without_identities(run, year):
    everything = json.loads(run("death", "export").stdout)
    assert [d["case"] for d in everything] == ["CDR-2018-001", "CDR-2019-001",
                                               "CDR-2020-002"]
    rows = list(csv.DictReader(io.StringIO(
        run("death", "export", "--from", "2019-04-01", "--to", "2020-03-31", "--format",
            "csv").stdout)))
    assert [r["case"] for r in rows] == ["CDR-2019-001", "CDR-2020-002"]
    first = rows[0]
    assert (first["notification.date_of_death"], first["reporting.jar_criteria"],
            first["analysis.learning_points"], first["analysis.modifiable_factors"]) == (
        "2019-05-03", "sudden_unexplained; suspicious", "safe sleep advice", "yes")
    assert json.loads(first["analysis.contributory_factors"])[0]["grade"] == 2
    assert rows[1]["analysis.category"] == ""  # open: the notification only
    annual = run("death", "export", "--annual-return", "2020").stdout
    assert json.loads(annual)["reviews_completed"] == 1
    texts = [json.dumps(everything), annual, *map(json.dumps, rows)]
    for text in texts:
        assert NUMBER not in text and "hmac" not in text and "Dr Jones" not in text
    refused = run("death", "export", "--annual-return", "2020", "--to", "2020-01-01",
                  expect=2).stderr
    assert "--annual-return covers its own year" in refused
