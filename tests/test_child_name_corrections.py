"""A name the child is known by, learnt after the case opened, or one typed wrongly (issue 20's
last stop): `case correct REF child-name NAME` keeps it as keyed hashes, by a correction row
with who, when and why that never holds the name; texts typed afterwards are refused when they
hold it, and the command says which texts already did."""

from __future__ import annotations

import json
import logging

import pendulum
import pytest
from sqlmodel import select

from casework import child_names
from casework.identity import KEY_VARIABLE
from casework.models import Case, History, OutboxEmail

# The fixtures of the names given at opening (imported, so the tests' arguments shadow them).
# ruff: noqa: F401, F811
from tests.test_child_names import KEY, keyed, overview, panel, refused, shown_of

ADDED = "{ref}: a name the child is known by added (the case keeps {n} words of the child's " \
        "names, as keyed hashes)\n"
ADVICE = ("  Correct the pseudonym, a fact or an action's wording with `casework case correct`;"
          "\n  the history keeps what was written at the time.\n")


def history_rows(service) -> list[History]:
    service.session.expire_all()
    return list(service.session.exec(select(History).order_by(History.id)))


def kept(service, ref: str) -> list[str]:
    service.session.expire_all()
    return child_names.of(service.case(ref).data)


def test_a_name_learnt_later_is_kept_and_texts_naming_it_are_refused(run, overview, service):
    run("case", "advance", overview, "add_action", "--recommendation",
        "R1 Work with the Kemp family", "--action", "Audit Kemp family records", "--agency",
        "HEALTH", "--due", "2008-12-31", "--on", "2008-03-10")
    before = kept(service, overview)
    out = run("case", "correct", overview, "child-name", "Ellie Kemp", "--reason",
              "known by her mother's surname").stdout
    assert out == (ADDED.format(ref=overview, n=7)
                   + "  already in 4 texts, not rewritten:\n"
                     "    A1.text\n"
                     "    A1's detail\n"
                     "    email #3, not sent yet\n"
                     "    the history's add_action of 10 Mar 2008\n"
                     "  Correct the pseudonym, a fact or an action's wording with `casework "
                     "case correct`;\n"
                     "  an email not sent yet can be cancelled with `casework outbox cancel N`;"
                     "\n  the history keeps what was written at the time.\n")
    assert kept(service, overview) == sorted({*before, *child_names.hashes(["Kemp Ellie"])})
    # texts typed afterwards are refused when they hold it (any form of the word)
    result = run("case", "pause", overview, "--reason", "the KEMP's hearing", expect=2)
    assert result.stderr == refused("--reason", 5, 10, "xxxx'x")
    result = run("case", "correct", overview, "A1.text", "Audit Ellie's records", "--reason",
                 "names the child", expect=2)
    assert result.stderr == refused("the corrected value", 7, 13, "xxxxx'x")
    # ... and the action's wording is corrected, itself a correction
    run("case", "correct", overview, "A1.text", "Audit family records", "--reason",
        "named the child")
    run("outbox", "cancel", "3", "--reason", "named the child")
    # the history says who, when and why, with the name masked; the row holds hashes only
    lines = run("case", "history", overview).stdout.splitlines()
    at = lines.index("1 Apr 2008   corrected")
    assert lines[at:at + 4] == ["1 Apr 2008   corrected",
                                "             by coordinator, recorded 1 Apr 2008",
                                "             a name the child is known by added",
                                "             known by her mother's surname"]
    assert run("case", "history", overview, "--format", "csv").stdout.endswith(
        '2008-04-01,10:00,"corrected\na name the child is known by added\nknown by her '
        'mother\'s surname",coordinator,,\n'
        '2008-04-01,10:00,"corrected\nA1.text: Audit Kemp family records -> Audit family '
        'records\nnamed the child",coordinator,,\n')
    row, = [r for r in json.loads(run("case", "history", overview, "--json").stdout)
            if r["data"].get("field") == "child_name"]
    assert (row["actor"], row["note"], row["at"]) == ("coordinator",
                                                     "known by her mother's surname",
                                                     "2008-04-01T09:00:00+00:00")
    assert row["data"] == {"field": "child_name", "said": "a name the child is known by added",
                           "added": sorted(set(child_names.hashes(["Ellie Kemp"]))
                                           - set(before)),
                           "dropped": []}


def test_an_email_saying_the_name_only_in_the_wording_follows_its_correction(run, overview):
    """The request of A1 holds the name only where it says A1's wording: correcting the
    wording corrects the email too, so it need not be cancelled."""
    run("case", "advance", overview, "add_action", "--recommendation", "R1 Work with families",
        "--action", "Audit Kemp family records", "--agency", "HEALTH", "--due", "2008-12-31",
        "--on", "2008-03-10")
    out = run("case", "correct", overview, "child-name", "Ellie Kemp", "--reason",
              "known by her mother's surname").stdout
    assert out == (ADDED.format(ref=overview, n=7)
                   + "  already in 3 texts, not rewritten:\n"
                     "    A1.text\n"
                     "    email #3, not sent yet (it follows A1.text)\n"
                     "    the history's add_action of 10 Mar 2008\n" + ADVICE)
    out = run("case", "correct", overview, "A1.text", "Audit family records", "--reason",
              "named the child").stdout
    assert out.endswith("  1 unsent email now says Audit family records (#3)\n")
    for part in ((), ("--html",)):
        shown = run("outbox", "show", "3", *part).stdout
        assert "Audit family records" in shown and "Kemp" not in shown


def test_no_text_holding_the_name_is_said_too(run, panel):
    out = run("case", "correct", panel, "child-names", "Ellie Kemp", "--reason",
              "known by her mother's surname").stdout
    assert out == ADDED.format(ref=panel, n=7) + "  no text on the case holds it\n"
    said = json.loads(run("case", "correct", panel, "child-name", "Elle", "--reason",
                          "a short form", "--json").stdout)
    assert said == {"reference": panel, "field": "child-name",
                    "corrected": "a name the child is known by added", "words_added": 1,
                    "words_dropped": 0, "words_kept": 8, "linked_cases": [],
                    "already_in": []}


def test_the_pseudonym_holding_a_later_name_is_named(run, agencies, keyed):
    ref = run("scr", "refer", "--pseudonym", "Child Rose", "--referred-by", "CSC", "--on",
              "2007-12-03").stdout.split()[0]
    out = run("case", "correct", ref, "child-name", "Rose Kemp", "--reason",
              "the school knows her by it").stdout
    assert out == (ADDED.format(ref=ref, n=2)
                   + "  already in 2 texts, not rewritten:\n"
                     "    the pseudonym\n"
                     "    the history's referral of 3 Dec 2007\n" + ADVICE)
    run("case", "correct", ref, "pseudonym", "Child R", "--reason", "named the child")


def test_a_name_typed_wrongly_is_corrected_or_dropped(run, agencies, keyed, service):
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "CSC", "--on",
              "2007-12-03", "--child-name", "Olivai Hartley", "--child-name",
              "Jo Smyth").stdout.split()[0]
    run("case", "pause", ref, "--reason", "Olivia unwell", "--on", "2007-12-04")  # not kept yet
    run("case", "resume", ref, "--on", "2007-12-05")
    out = run("case", "correct", ref, "child-name", "Olivia Hartley", "--replacing",
              "Olivai Hartley", "--reason", "a typing mistake").stdout
    assert out == (f"{ref}: a name typed wrongly corrected (the case keeps 4 words of the "
                   "child's names, as keyed hashes)\n"
                   "  already in 2 texts, not rewritten:\n"
                   "    the history's pause of 4 Dec 2007\n"
                   "    the history's resume of 5 Dec 2007\n" + ADVICE)
    assert kept(service, ref) == child_names.hashes(["Olivia Hartley", "Jo Smyth"])
    out = run("case", "correct", ref, "child-name", "Smyth", "--drop", "--reason",
              "not her name: another child's").stdout
    assert out == (f"{ref}: a name typed wrongly dropped (the case keeps 3 words of the "
                   "child's names, as keyed hashes)\n")
    assert kept(service, ref) == child_names.hashes(["Olivia Hartley Jo"])
    run("case", "pause", ref, "--reason", "Olivai and Smyth: typing mistakes")  # dropped
    run("case", "resume", ref)
    result = run("case", "pause", ref, "--reason", "Olivia's hearing", expect=2)
    assert result.stderr == refused("--reason", 1, 8, "xxxxxx'x")
    history = run("case", "history", ref).stdout
    assert "a name typed wrongly corrected\n             a typing mistake\n" in history
    assert "a name typed wrongly dropped\n             not her name: another child's\n" \
        in history


def test_a_closed_case_takes_a_name_too(run, agencies, keyed, service):
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "CSC", "--on",
              "2007-12-03").stdout.split()[0]
    run("case", "advance", ref, "recommend", "--recommendation", "no_review", "--criteria",
        "inter_agency_concerns", "--on", "2007-12-10")
    run("case", "advance", ref, "decide", "--outcome", "no_review", "--criteria",
        "inter_agency_concerns",
        "--rationale", "criteria not met", "--chair", "J Smith", "--on", "2007-12-20")
    assert service.case(ref).closed_on is not None
    out = run("case", "correct", ref, "child-name", "Ellie Kemp", "--reason",
              "learnt from the police").stdout
    assert out == ADDED.format(ref=ref, n=2) + "  no text on the case holds it\n"
    assert kept(service, ref) == child_names.hashes(["Ellie Kemp"])


def test_a_case_linked_to_it_is_the_same_childs_and_corrected_with_it(run, agencies, keyed,
                                                                       clock, service):
    clock.set(pendulum.datetime(2019, 5, 10, 10, tz="Europe/London"))
    death = run("death", "notify", "--pseudonym", "Child D", "--died", "2019-05-03 22:00",
                "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones", "--agency",
                "HEALTH", "--residence", "Kent", "--death", "unexpected", "--on",
                "2019-05-04 09:00", "--child-name", "Olivia Hartley").stdout.split()[0]
    run("case", "advance", death, "triage", "--death", "unexpected", "--jar", "yes",
        "--criterion", "suspicious", "--on", "2019-05-04")
    run("case", "advance", death, "refer_for_cspr", "--reason", "injuries at the Kemp home",
        "--incident-area", "Kent", "--on", "2019-05-07")
    incident = service.case(death).data["cspr_referral"]
    run("case", "pause", incident, "--reason", "Kemp family in court", "--on", "2019-05-08")
    out = run("case", "correct", incident, "child-name", "Ellie Kemp", "--reason",
              "known by her mother's surname").stdout
    assert out == (ADDED.format(ref=incident, n=4)
                   + f"  also on {death}, a case linked to it (the same child)\n"
                     "  already in 5 texts, not rewritten:\n"
                     "    the pause's reason\n"
                     "    the fact referral_reason\n"
                     "    the history's recorded of 7 May 2019\n"
                     "    the history's pause of 8 May 2019\n"
                     f"    {death}: the history's refer_for_cspr of 7 May 2019\n" + ADVICE)
    assert kept(service, death) == kept(service, incident) == child_names.hashes(
        ["Olivia Hartley", "Ellie Kemp"])
    history = run("case", "history", death).stdout
    assert (f"a name the child is known by added (with {incident})\n"
            "             known by her mother's surname\n") in history
    result = run("case", "correct", death, "child-name", "Olivia", "--replacing", "Ellie",
                 "--reason", "typed wrongly", "--json")
    assert json.loads(result.stdout)["linked_cases"] == [incident]
    assert kept(service, incident) == child_names.hashes(["Olivia Hartley Kemp"])


@pytest.mark.parametrize(("value", "extra", "error"), [
    ("", (), "Error: Invalid value for 'VALUE': the value is empty: give a value, or leave the "
             "option out\n"),
    ("x" * 101, (), "Error: child-name is at most 100 characters (this one has 101)\n"),
    ("Ellie\tKemp", (), "Error: child-name holds a control character (character 6): a name "
                        "is one line of letters\n"),
    ("Ellie Kemp\u200b", (), "Error: child-name holds a control character (character 11): a "
                             "name is one line of letters\n"),
    ("Ellie Kemp 2", (), "Error: child-name holds a digit (character 12): a name is letters, "
                         "with spaces, hyphens, apostrophes and full stops between them\n"),
    ("Ellie <Kemp>", (), "Error: child-name holds '<' (character 7): a name is letters, with "
                         "spaces, hyphens, apostrophes and full stops between them\n"),
    ("Ellie \ufffdKemp", (), "Error: child-name holds bytes that are not text (character 7)\n"),
    ("J", (), "Error: child-name needs a name of at least 2 letters\n"),
    ("Ellie", ("--replacing", "Ol1via"), "Error: --replacing holds a digit (character 3): a "
     "name is letters, with spaces, hyphens, apostrophes and full stops between them\n"),
    ("Ellie", ("--drop", "--replacing", "Olivia"), "Error: --drop drops the name given; "
     "--replacing drops another one while keeping the name given: use one of them\n"),
    ("Ellie Kemp", ("--drop",), "Error: {ref} holds no word of the name to drop (the child's "
     "names are compared word by word; nothing was changed)\n"),
    ("HARTLEY, Olivia", (), "Error: {ref} already holds every word of that name as one of the "
     "child's (nothing was changed)\n"),
])
def test_bad_names_are_refused_and_nothing_is_written(run, panel, service, value, extra, error):
    rows, before = len(history_rows(service)), kept(service, panel)
    result = run("case", "correct", panel, "child-name", value, *extra, "--reason", "typo",
                 expect=2)
    assert result.stderr.endswith(error.format(ref=panel))
    assert "Traceback" not in result.stderr and "Kemp" not in result.stderr
    assert len(history_rows(service)) == rows and kept(service, panel) == before


def test_a_reason_holding_the_new_name_is_refused(run, panel, service):
    rows = len(history_rows(service))
    result = run("case", "correct", panel, "child-name", "Ellie Kemp", "--reason",
                 "Ellie is how school knows her", expect=2)
    assert result.stderr == refused("--reason", 1, 5, "xxxxx")
    result = run("case", "correct", panel, "pseudonym", "Child B", "--drop", "--reason",
                 "x", expect=2)
    assert result.stderr == "Error: --drop and --replacing are for the child's names " \
                            "(child-name) only\n"
    assert len(history_rows(service)) == rows


def test_without_the_key_a_name_is_refused_as_at_opening(run, agencies, service):
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "CSC").stdout.split()[0]
    rows = len(history_rows(service))
    result = run("case", "correct", ref, "child-name", "Ellie Kemp", "--reason", "learnt",
                 expect=2)
    assert result.stderr.startswith(
        f"Error: child-name is kept only as keyed hashes, and no identity key is configured, "
        f"so an identifier cannot be kept: set {KEY_VARIABLE}, or ")
    assert result.stderr.endswith("(names are never stored in clear; see "
                                  f"{KEY_VARIABLE} in the README)\n")
    assert len(history_rows(service)) == rows and kept(service, ref) == []


def every_stored_text(db_url: str) -> str:
    """Every row of every table as text, on either database (the file's bytes too on
    SQLite, with its write-ahead log)."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.pool import NullPool

    from casework.db import sqlite_path

    engine = create_engine(db_url, poolclass=NullPool)
    found = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT * FROM "{table}"'))
            found += [" ".join(map(str, row)) for row in rows]
    engine.dispose()
    path = sqlite_path(db_url)
    if path is not None:
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                found.append(file.read_bytes().decode("utf-8", "replace"))
    return "\n".join(found)


def test_a_name_added_later_is_in_no_output_log_email_export_or_stored_row(
        run, overview, service, db_url, caplog):
    caplog.set_level(logging.DEBUG)
    outputs = [run("case", "correct", overview, "child-name", "Ellie-Rae Kemp", "--reason",
                   "the police know her by it").stdout,
               run("case", "correct", overview, "child-name", "Kemp", "--replacing",
                   "Tamsin", "--reason", "typed wrongly", expect=2).stderr,
               run("case", "correct", overview, "child-name", "Tamsyn", "--reason",
                   "a second name").stdout,
               run("case", "correct", overview, "child-name", "Tamsin Rae", "--replacing",
                   "Tamsyn", "--reason", "typed wrongly", "--json").stdout,
               run("case", "correct", overview, "child-name", "Tamsin", "--drop", "--reason",
                   "not hers after all").stdout]
    run("case", "advance", overview, "add_action", "--recommendation", "R1",
        "--action", "Audit information sharing", "--agency", "HEALTH", "--due", "2008-12-31",
        "--on", "2008-04-01")
    outputs += shown_of(run, service, overview, emails=3)
    outputs += [r.getMessage() for r in caplog.records]
    outputs.append(every_stored_text(db_url))
    for text in outputs:
        for part in ("ellie", "kemp", "tamsin", "tamsyn"):
            assert part not in text.lower()
    assert service.session.exec(select(Case)).first().pseudonym == "Child A"
    assert kept(service, overview) == child_names.hashes(
        ["Olivia-Mae Hartley", "Livvy Brown", "Ellie-Rae Kemp"])
