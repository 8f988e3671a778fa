"""The NHS number finds a death notified twice without ever being kept, logged or printed:
only its keyed hash is stored; the date-and-age-band check stays when no number is given."""

from __future__ import annotations

import json
import logging

import pendulum
import pytest
from sqlalchemy import MetaData, select

from casework.deaths import PossibleDuplicate, notify_death
from casework.errors import InvalidInput
from casework.models import Case
from casework.service import CaseService

NUMBER = "9434765919"  # valid: check digit 9 by modulus 11
OTHER = "3982597919"  # valid, a different child
KEY = "a board secret of some length"


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2020, 6, 1, 9, tz="Europe/London"))
    return clock


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_IDENTITY_KEY", KEY)
    monkeypatch.delenv("CASEWORK_IDENTITY_KEY_FILE", raising=False)


def notify(service: CaseService, **given) -> str:
    details = {"pseudonym": "Child D", "died": "2020-05-20 10:00", "age_band": "1-4y",
               "place": "home", "notifier": "Dr Jones", "notifier_agency": "HEALTH",
               "residence": "Kent", "death": "unexpected", "actor": "coordinator",
               "on": "2020-05-20 20:00", **given}
    return notify_death(service, **details).reference


def forms(number: str) -> list[str]:
    """The number as it might be written down anywhere."""
    return [number, f"{number[:3]} {number[3:6]} {number[6:]}", f"{number[:3]}-{number[3:6]}-"
            f"{number[6:]}"]


def every_value(service: CaseService) -> list[str]:
    """Every column of every row of every table, as text."""
    meta = MetaData()
    meta.reflect(bind=service.session.connection())
    found = []
    for table in meta.sorted_tables:
        for row in service.session.connection().execute(select(table)):
            found += [str(value) for value in row]
    return found


def test_found_by_the_number_and_not_found_when_it_differs(service, agencies):
    first = notify(service, nhs_number=f"{NUMBER[:3]} {NUMBER[3:6]} {NUMBER[6:]}")
    # Another day and band, the same child: found by the number alone.
    with pytest.raises(PossibleDuplicate, match=f"already notified as {first} .*same NHS "
                                                "number.*--different-child"):
        notify(service, nhs_number=NUMBER, died="2020-05-19", age_band="5-9y")
    # The same day and band, another number: two children, not refused.
    second = notify(service, nhs_number=OTHER, pseudonym="Child E")
    assert second != first
    # No number given: the date-and-age-band check still finds the first.
    with pytest.raises(PossibleDuplicate, match=f"may already be notified as {first}"):
        notify(service, pseudonym="Child G")
    # Confirmed a different child: opened, and the confirmation kept.
    third = notify(service, nhs_number=NUMBER, different_child=True, pseudonym="Child H")
    assert service.case(third).data["confirmed_different_child"] is True
    hashes = [service.case(r).data["nhs_number_hash"] for r in (first, second, third)]
    assert hashes[0] == hashes[2] != hashes[1]
    assert all(h.startswith("hmac-sha256:") and len(h) == 12 + 64 for h in hashes)


def test_a_number_given_is_matched_against_a_case_without_one_by_date_and_band(service,
                                                                                agencies):
    first = notify(service)
    with pytest.raises(PossibleDuplicate, match=f"may already be notified as {first}"):
        notify(service, nhs_number=NUMBER, pseudonym="Child E")


def test_the_number_is_in_no_row_and_no_output(service, agencies, run, caplog):
    caplog.set_level(logging.DEBUG)
    ref = notify(service, nhs_number=NUMBER)
    with pytest.raises(PossibleDuplicate) as refused:
        notify(service, nhs_number=NUMBER, pseudonym="Child E")
    service.advance(ref, "triage", {"death": "unexpected", "jar": "no"}, actor="coordinator",
                    on="2020-05-21")
    outputs = [str(refused.value),
               *(run(*args).stdout for args in (
                   ("case", "show", ref), ("case", "show", ref, "--json"),
                   ("case", "history", ref, "--json"), ("report", "figures", "--json"),
                   ("report", "figures", "--format", "csv"), ("report", "overdue"),
                   ("outbox", "list")))]
    texts = [*every_value(service), *outputs, *(r.getMessage() for r in caplog.records)]
    assert any(service.case(ref).data["nhs_number_hash"] in t for t in texts)
    for number in forms(NUMBER):
        assert not [t for t in texts if number in t]


def test_a_malformed_number_is_refused_and_nothing_written(run, service, agencies):
    before = len(every_value(service))
    args = ("death", "notify", "--pseudonym", "Child D", "--died", "2020-05-20 10:00",
            "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones", "--agency",
            "HEALTH", "--residence", "Kent", "--death", "unexpected", "--on", "2020-05-20 20:00")
    wrong = run(*args, "--nhs-number", "9434765918", expect=2).stderr
    assert wrong == ("Error: --nhs-number: that is not a valid NHS number (its check digit "
                     "does not match)\n")
    short = run(*args, "--nhs-number", "943476591", expect=2).stderr
    assert short == "Error: --nhs-number: an NHS number is ten digits\n"
    assert len(every_value(service)) == before
    opened = json.loads(run(*args, "--nhs-number", NUMBER, "--json").stdout)
    assert opened["reference"] == "CDR-2020-001"


def test_no_key_no_number(service, agencies, monkeypatch, tmp_path):
    monkeypatch.delenv("CASEWORK_IDENTITY_KEY")
    with pytest.raises(InvalidInput, match=r"no identity key is configured.*"
                                           "CASEWORK_IDENTITY_KEY"):
        notify(service, nhs_number=NUMBER)
    assert service.session.exec(select(Case)).first() is None
    notify(service)  # without a number no key is needed
    key_file = tmp_path / "identity.key"
    key_file.write_text(KEY + "\n")
    monkeypatch.setenv("CASEWORK_IDENTITY_KEY_FILE", str(key_file))
    ref = notify(service, nhs_number=NUMBER, pseudonym="Child E", died="2020-05-01")
    monkeypatch.delenv("CASEWORK_IDENTITY_KEY_FILE")
    monkeypatch.setenv("CASEWORK_IDENTITY_KEY", KEY)  # the same key, from either place
    with pytest.raises(PossibleDuplicate, match=ref):
        notify(service, nhs_number=NUMBER, pseudonym="Child G", died="2020-05-02")
    monkeypatch.setenv("CASEWORK_IDENTITY_KEY", "short")
    with pytest.raises(InvalidInput, match="shorter than 16"):
        notify(service, nhs_number=NUMBER, pseudonym="Child G", died="2020-05-03")
