"""One damaged row never stops the others: the sweep, delivery, the reports and the listings
set it aside and say which case, what is wrong and how to repair it; `casework doctor` lists
every one (issue 20). SQLite: the damage is written into the file by hand."""

from __future__ import annotations

import sqlite3

import pytest

DAMAGE = {
    0: ("UPDATE case_record SET workflow_version = '1999.9' WHERE reference = ?",
        "which this casework does not have"),
    1: ("UPDATE case_record SET opened_on = '2008-13-45' WHERE reference = ?",
        "has opened_on '2008-13-45', which is not a date"),
    2: ("UPDATE case_record SET data = '{not json' WHERE reference = ?",
        "has data that is not valid JSON"),
    3: ("UPDATE deadline SET due_on = 'soon' WHERE case_id = "
        "(SELECT id FROM case_record WHERE reference = ?)", "which is not a date"),
}


@pytest.fixture
def damaged(run, agencies, db_path) -> tuple[list[str], list[str]]:
    """Eight referrals, four of them damaged afterwards; returns (damaged, sound)."""
    run("board", "set-contact", "mailbox", "--email", "lscb@board.example.org")
    run("board", "set-contact", "chair", "--email", "chair@board.example.org")
    refs = [run("scr", "refer", "--pseudonym", f"Child {n}", "--referred-by", "CSC",
                "--on", f"2008-03-{10 + n}").stdout.split()[0] for n in range(8)]
    run("outbox", "send")
    with sqlite3.connect(db_path) as raw:
        for index, (statement, _) in DAMAGE.items():
            raw.execute(statement, (refs[index],))
    return refs[:4], refs[4:]


def test_the_sweep_skips_damaged_cases_and_queues_everyone_elses(run, damaged, db_path):
    bad, good = damaged
    result = run("scheduler", "run-once", "--as-of", "2008-12-01")
    assert "4 damaged cases skipped (" + ", ".join(bad) + ": `casework doctor`)" in result.stdout
    assert "Warning: 4 damaged cases skipped" in result.stderr
    for index, (_, problem) in DAMAGE.items():
        assert f"{bad[index]}: " in result.stderr and problem in result.stderr
    with sqlite3.connect(db_path) as raw:
        queued = [key for (key,) in raw.execute(
            "SELECT key FROM outbox WHERE kind IN ('reminder', 'escalation')")]
    assert {key.split("/")[0] for key in queued} == set(good)
    assert "sent" in result.stdout.splitlines()[-1]


@pytest.mark.parametrize("command", [
    ("report", "figures"), ("report", "overdue", "--as-of", "2008-11-01"),
    ("report", "overdue"), ("case", "list", "--as-of", "2008-11-01"), ("case", "list"),
    ("deadlines", "--as-of", "2008-11-01"), ("outbox", "send"),
    ("report", "overdue", "--format", "csv"), ("case", "list", "--json")])
def test_reports_and_listings_skip_damaged_cases_and_name_them(run, damaged, command):
    bad, good = damaged
    result = run(*command)
    assert "Warning: 4 damaged cases skipped" in result.stderr
    assert not any(ref in result.stdout for ref in bad)
    if command[0] == "case":
        assert all(ref in result.stdout for ref in good)


def test_doctor_lists_every_damaged_case_with_its_repair(run, damaged):
    bad, _ = damaged
    out = run("doctor", expect=1).stdout
    assert out.startswith("4 damaged cases, skipped by the scheduler")
    for index, (_, problem) in DAMAGE.items():
        assert f"  {bad[index]}: " in out and problem in out
    assert out.count("    repair: ") == 4


def test_doctor_on_a_sound_database(run, agencies):
    assert run("doctor").stdout == "No damaged cases: every case and deadline can be read.\n"


@pytest.fixture
def one_unknown_version(run, agencies, db_path) -> tuple[str, list[str]]:
    """Three referrals, one of them running a version this casework does not have: damage
    no quick look finds, only a read that fails on it."""
    run("board", "set-contact", "mailbox", "--email", "lscb@board.example.org")
    refs = [run("scr", "refer", "--pseudonym", f"Child {n}", "--referred-by", "CSC",
                "--on", f"2008-03-{10 + n}").stdout.split()[0] for n in range(3)]
    with sqlite3.connect(db_path) as raw:
        raw.execute(DAMAGE[0][0], (refs[0],))
    return refs[0], refs[1:]


def test_a_sweep_that_fails_on_a_damaged_case_sets_it_aside_and_goes_on(
        run, one_unknown_version, db_path):
    bad, good = one_unknown_version
    result = run("scheduler", "run-once", "--as-of", "2008-12-01", "--no-send")
    assert f"1 damaged case skipped ({bad}: `casework doctor`)" in result.stdout
    assert f"  {bad}: runs workflow scr version '1999.9'" in result.stderr
    with sqlite3.connect(db_path) as raw:
        queued = {key.split("/")[0] for (key,) in raw.execute(
            "SELECT key FROM outbox WHERE kind IN ('reminder', 'escalation')")}
    assert queued == set(good)


def test_a_command_that_fails_on_a_damaged_case_runs_again_without_it(run, one_unknown_version):
    bad, good = one_unknown_version
    result = run("case", "show", bad, expect=3)
    assert result.stderr.startswith("Warning: 1 damaged case skipped")
    assert f"Error: no case with reference '{bad}'" in result.stderr
    assert run("case", "show", good[0]).stderr == ""  # a sound case pays nothing


def test_a_due_date_that_sorts_among_sound_ones_is_found_by_the_quick_look(run, agencies,
                                                                          db_path):
    """'2008-4-7' lies between sound due dates in the index, and a listing comparing dates in
    SQL would drop it without a word: the quick look (the partial index of misshapen due
    dates, kept up to date by the hand edit itself) still finds it."""
    refs = [run("scr", "refer", "--pseudonym", f"Child {n}", "--referred-by", "CSC",
                "--on", f"2008-03-{10 + n}").stdout.split()[0] for n in range(3)]
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE deadline SET due_on = '2008-4-7' WHERE case_id = "
                    "(SELECT id FROM case_record WHERE reference = ?)", (refs[1],))
    result = run("report", "overdue", "--as-of", "2008-11-01")
    assert result.stderr.startswith("Warning: 1 damaged case skipped")
    assert f"  {refs[1]}: deadline 'decision' has due_on '2008-4-7', which is not a date" \
        in result.stderr
    assert refs[1] not in result.stdout and refs[0] in result.stdout and refs[2] in result.stdout


def test_a_due_date_typed_without_its_dashes_is_damage_not_a_traceback(run, agencies, db_path):
    """SQLite keeps a hand-typed 20080407 as a number: the reader refuses it, and Python would
    parse it as a date. The scan calls it damage too, so the case is set aside, named and
    repaired rather than every command failing (and scanning the whole database first)."""
    refs = [run("scr", "refer", "--pseudonym", f"Child {n}", "--referred-by", "CSC",
                "--on", f"2008-03-{10 + n}").stdout.split()[0] for n in range(2)]
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE deadline SET due_on = '20080407' WHERE case_id = "
                    "(SELECT id FROM case_record WHERE reference = ?)", (refs[0],))
        assert raw.execute("SELECT typeof(due_on) FROM deadline WHERE due_on = 20080407"
                           ).fetchall() == [("integer",)]
    problem = f"{refs[0]}: deadline 'decision' has due_on 20080407, which is not a date"
    result = run("report", "overdue", "--as-of", "2008-11-01")
    assert result.stderr.startswith("Warning: 1 damaged case skipped") and problem in result.stderr
    assert refs[0] not in result.stdout and refs[1] in result.stdout
    assert problem in run("doctor", expect=1).stdout
