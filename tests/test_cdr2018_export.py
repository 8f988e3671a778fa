"""The NCMD export and the annual return of a hand-built year, 1 April 2019 to 31 March 2020,
checked field by field. The clock stands at Monday 1 June 2020.

    CDR-2019-001  Child D  died Fri 3 May 2019, full review at the CDOP on 12 Sep 2019
    CDR-2020-002  Child E  died 10 Jan 2020, triaged (no JAR), still open at 31 March
    CDR-2018-001  Child F  died 2 Nov 2018, reviewed 14 Mar 2019: before the NCMD, not sent
    CDR-2018-002  Child W  died 20 Sep 2018 (WT2006), reviewed 12 Sep 2019: open on 1 April
                           2019, so the NCMD takes it (the transitional rule), with Form C
    CDR-2020-001  Child G  died 1 Feb 2020, lived in Essex: transferred (Essex sends it)
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from casework.deaths import add_meeting
from casework.errors import InvalidInput, StepRefused
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
    wt2006 = notify(service, "2018-09-20 10:00", "2018-09-20 18:00", pseudonym="Child W",
                    death="expected")
    step(service, wt2006, "triage", "2018-09-21", death="expected")
    step(service, wt2006, "request_reports", "2018-09-24", agency=["POLICE"])
    step(service, wt2006, "receive_report", "2018-10-10", agency="POLICE")
    step(service, wt2006, "ready_for_panel", "2019-04-02")
    step(service, wt2006, "review", "2019-09-12", category="chronic_medical", intrinsic="2",
         parenting="0", environment="0", services="1", modifiable="no")
    with pytest.raises(StepRefused, match="not been submitted to the NCMD"):
        step(service, wt2006, "close", "2019-09-13")
    step(service, wt2006, "submit_ncmd", "2019-09-13")
    step(service, wt2006, "close", "2019-09-13")
    full = notify(service, "2019-05-03 22:00", "2019-05-04 09:00", nhs_number=NUMBER)
    full_review(service, full, "2019-09-12")
    step(service, full, "submit_ncmd", "2019-09-13")
    moved = notify(service, "2020-02-01", "2020-02-01 12:00", pseudonym="Child G",
                   residence="Essex")
    step(service, moved, "transfer", "2020-02-03", to_panel="Essex CDOP")
    open_ = notify(service, "2020-01-10 08:00", "2020-01-11 10:30", pseudonym="Child E",
                   death="expected", place="hospital")
    step(service, open_, "triage", "2020-01-13", death="expected", jar="no")
    return {"old": old, "wt2006": wt2006, "full": full, "moved": moved, "open": open_}


REVIEWED = {
    "case": "CDR-2019-001", "pseudonym": "Child D", "version": "2018.1", "status": "reviewed",
    "notification": {
        "date_of_death": "2019-05-03", "time_of_death_known": True, "age_band": "1-4y",
        "place_of_death": "home", "expected_as_notified": "unexpected",
        "area_of_residence": "Kent", "notifying_agency": "HEALTH",
        "notified_on": "2019-05-04", "hours_to_notify": 11.0},
    "reporting": {
        "expected_at_triage": "unexpected", "joint_agency_response": True,
        "rapid_response": False, "jar_criteria": ["sudden_unexplained", "suspicious"],
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
        "form_c_scores": None, "modifiable_factors": "yes",
        "learning_points": ["safe sleep advice"],
        "recommendations": ["safe sleep campaign"], "referred_as_serious_incident": False,
        "submitted_on": "2019-09-13"},
}
WT2006 = {
    "case": "CDR-2018-002", "pseudonym": "Child W", "version": "2008.1", "status": "reviewed",
    "notification": {
        "date_of_death": "2018-09-20", "time_of_death_known": True, "age_band": "1-4y",
        "place_of_death": "home", "expected_as_notified": "expected",
        "area_of_residence": "Kent", "notifying_agency": "HEALTH",
        "notified_on": "2018-09-20", "hours_to_notify": 8.0},
    "reporting": {
        "expected_at_triage": "expected", "joint_agency_response": False,
        "rapid_response": False, "jar_criteria": [], "post_mortem_received_on": None,
        "cdrm_held_on": None,
        "forms": [{"agency": "POLICE", "form": "reporting (Form B)",
                   "requested_on": "2018-09-24", "status": "received",
                   "received_on": "2018-10-10"}]},
    "analysis": {
        "reviewed_on": "2019-09-12", "category": "chronic_medical",
        "category_text": "chronic medical condition", "contributory_factors": [],
        "form_c_scores": {"intrinsic": 2, "parenting": 0, "environment": 0, "services": 1},
        "modifiable_factors": "no", "learning_points": [], "recommendations": [],
        "referred_as_serious_incident": False, "submitted_on": "2019-09-13"},
}
OPEN = {
    "case": "CDR-2020-002", "pseudonym": "Child E", "version": "2018.1", "status": "open",
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
        "deaths_notified": 2, "reviews_completed": 2, "reviewed_within_12_months": 2,
        "open_at_year_end": 1,
        "by_category": {**dict.fromkeys(got["by_category"], 0), "sudden_unexplained": 1,
                        "chronic_medical": 1},
        "modifiable_factors": {"yes": 1, "no": 1}}
    assert len(got["by_category"]) == 10
    # Child F was reviewed before the NCMD began; Child G is Essex's to send.
    assert deaths == [WT2006, REVIEWED, OPEN]


def test_a_death_reviewed_after_the_period_gives_its_notification_only(service, year):
    # As at 31 August 2019 Child D was not yet reviewed.
    got = export_records(service, "cdr", D(2019, 5, 1), D(2019, 8, 31))
    assert got == [{**{k: REVIEWED[k] for k in ("case", "pseudonym", "version",
                                                "notification")}, "status": "open"}]
    # No return before the NCMD's first year, 2019/20.
    with pytest.raises(InvalidInput, match="its first annual return is for the year to 31 "
                                           "March 2020"):
        annual_return(service, "cdr", 2019)


def test_the_command_line_renders_json_and_csv_without_identities(run, year):
    everything = json.loads(run("death", "export").stdout)
    assert [d["case"] for d in everything] == ["CDR-2018-002", "CDR-2019-001",
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
    assert json.loads(annual)["reviews_completed"] == 2
    texts = [json.dumps(everything), annual, *map(json.dumps, rows)]
    for text in texts:
        assert NUMBER not in text and "hmac" not in text and "Dr Jones" not in text
    refused = run("death", "export", "--annual-return", "2020", "--to", "2020-01-01",
                  expect=2).stderr
    assert "--annual-return covers its own year" in refused
