"""The command line: set-up, output a person reads, JSON a script reads, and clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pendulum
import pytest
from click.testing import CliRunner

from cli.app import App
from cli.main import cli


@pytest.fixture
def clock(clock):
    clock.set(pendulum.datetime(2008, 6, 2, 9, tz="Europe/London"))  # Monday 2 June 2008
    return clock


@pytest.fixture
def referred(run, agencies) -> str:
    ref = run("scr", "refer", "--pseudonym", "Child A", "--referred-by", "POLICE",
              "--on", "2008-03-20").stdout.split()[0]
    run("case", "advance", ref, "recommend", "--recommendation", "scr", "--criteria", "death",
        "--on", "2008-04-03")
    return ref


def _to_terms_of_reference(run, ref: str, panel_on: str) -> None:
    """Decided an SCR on 10 April 2008, the inspectorate told on the 11th, the panel formed
    on `panel_on`."""
    run("case", "advance", ref, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "r", "--chair", "c", "--on", "2008-04-10")
    run("case", "advance", ref, "notify_inspectorate", "--on", "2008-04-11")
    run("case", "advance", ref, "form_panel", "--chair", "c", "--member", "m",
        "--conflicts", "none", "--on", panel_on)


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_and_option_has_help_text():
    missing = []
    for path, command in _commands(cli):
        if not (command.help or "").strip():
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    assert missing == []


def test_the_command_groups_the_coordinator_expects():
    out = CliRunner().invoke(cli, ["--help"]).stdout
    for group in ("init", "agency", "scr", "case", "deadlines", "workflow", "demo"):
        assert f"\n  {group} " in out
    case_help = CliRunner().invoke(cli, ["case", "--help"]).stdout
    for command in ("list", "show", "advance", "pause", "resume", "extend", "history"):
        assert f"\n  {command} " in case_help


def test_init_creates_then_reports_up_to_date(tmp_path):
    db = tmp_path / "board" / "casework.db"
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(db), "init"])
    assert first.exit_code == 0, first.output
    assert first.stdout == (f"Database: {db}\nSchema 0007: created. "
                            "(Location chosen by --db.)\n")
    again = runner.invoke(cli, ["--db", str(db), "init"])
    assert "Schema 0007: already up to date." in again.stdout
    assert db.exists()


def test_init_without_db_uses_the_environment_then_the_per_user_default(tmp_path,
                                                                        monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli, ["init"], obj=App())
    default = tmp_path / "data-home" / "casework" / "casework.db"
    assert result.stdout.splitlines()[0] == f"Database: {default}"
    assert "chosen by the per-user default" in result.stdout
    assert default.exists()
    elsewhere = tmp_path / "env.db"
    monkeypatch.setenv("CASEWORK_DATABASE_URL", f"sqlite:///{elsewhere}")
    result = runner.invoke(cli, ["init"], obj=App())
    assert f"Database: {elsewhere}" in result.stdout
    assert "chosen by CASEWORK_DATABASE_URL" in result.stdout


def test_commands_refuse_a_database_that_was_never_initialised(tmp_path):
    missing = tmp_path / "nowhere.db"
    result = CliRunner().invoke(cli, ["--db", str(missing), "case", "list"])
    assert result.exit_code == 7
    assert result.stderr == f"Error: no casework database at {missing}: run `casework init` " \
                            "first\n"
    assert not missing.exists()  # asking did not create a stray empty file


def test_refer_prints_the_reference_and_the_decision_due(run, agencies):
    result = run("scr", "refer", "--pseudonym", "Child A", "--on", "2008-03-20")
    assert result.stdout == (
        "SCR-2008-001\nChild A: referred 20 Mar 2008; the decision whether to hold a review "
        "is due by 20 Apr 2008 (WT2006).\n")
    data = json.loads(run("scr", "refer", "--pseudonym", "Child B", "--on", "2008-03-21",
                          "--json").stdout)
    assert data == {"reference": "SCR-2008-002", "pseudonym": "Child B",
                    "stage": "screening", "referred_on": "2008-03-21",
                    "decision_due": "2008-04-21", "version": "2006.1"}


def test_advance_reports_what_the_step_did(run, referred):
    result = run("case", "advance", referred, "decide", "--outcome", "scr", "--criteria",
                 "death", "--rationale", "a child died", "--chair", "J Smith",
                 "--on", "2008-04-10")
    assert result.stdout.splitlines() == [
        "SCR-2008-001: decide on 10 Apr 2008; decision -> notification (Notifying the "
        "inspectorate of the decision)",
        "  met decision (due 20 Apr 2008)",
        "  opened notification: due 17 Apr 2008",
        "  opened panel: due 9 May 2008",
        "  opened completion: due 10 Aug 2008",
    ]


def test_show_gives_stage_deadlines_lateness_and_the_steps_allowed(run, referred):
    run("case", "advance", referred, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "a child died", "--chair", "J Smith", "--on", "2008-04-10")
    out = run("case", "show", referred, "--as-of", "2008-04-21").stdout
    assert out.startswith("SCR-2008-001\nPseudonym             Child A\nStage")
    assert "notification: Notifying the inspectorate of the decision" in out
    # Notification due Thu 17 April: on Monday 21 April it is 4 days late.
    assert "notification          17 Apr 2008  4d    5 working days after decision" in out
    assert "panel                 9 May 2008         20 working days after decision" in out
    assert "decision          20 Apr 2008  10 Apr 2008  met" in out
    assert "  notify_inspectorate   Inspectorate notified\n" in out
    data = json.loads(run("case", "show", referred, "--as-of", "2008-04-21", "--json").stdout)
    assert data["stage"] == "notification"
    assert data["key_dates"] == {"referral": "2008-03-20", "recommendation": "2008-04-03",
                                 "decision": "2008-04-10"}
    late = {d["key"]: (d["days_late"], d["working_days_late"]) for d in data["deadlines"]}
    # 17 -> 21 April: 4 calendar days; working days 18 and 21 -> 2.
    assert late["notification"] == (4, 2)
    assert [s["name"] for s in data["steps"]] == ["notify_inspectorate"]


def test_show_says_what_blocks_a_step(run, referred):
    run("case", "advance", referred, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "r", "--chair", "c", "--on", "2008-04-10")
    run("case", "advance", referred, "notify_inspectorate", "--on", "2008-04-11")
    run("case", "advance", referred, "form_panel", "--chair", "Independent chair",
        "--member", "DI Jones, POLICE", "--member", "Head of Service, CSC",
        "--conflicts", "none", "--on", "2008-05-01")
    run("case", "advance", referred, "commission_imrs", "--terms", "ToR", "--agency",
        "POLICE", "--agency", "CSC=2008-07-31", "--records-secured", "--on", "2008-05-02")
    data = json.loads(run("case", "show", referred, "--json").stdout)
    steps = {s["name"]: s["blocked"] for s in data["steps"]}
    assert steps["commission_overview"] == (
        "every commissioned IMR must be received or formally waived before the overview "
        "report (still awaited: CSC, POLICE)")
    assert data["record"]["panel_members"] == ["DI Jones, POLICE", "Head of Service, CSC"]
    assert data["record"]["records_secured"] is True


def test_errors_are_one_line_with_a_stable_exit_code(run, referred):
    def error(*args: str, code: int) -> str:
        result = run(*args, expect=code)
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
        return result.stderr.strip()

    assert error("case", "show", "SCR-2008-999", code=3) == (
        "Error: no case with reference 'SCR-2008-999'")
    assert error("case", "advance", referred, "publish", code=4) == (
        "Error: SCR-2008-001 is at stage 'decision'; step 'publish' is not allowed here "
        "(allowed: decide)")
    assert error("case", "advance", referred, code=4) == (
        "Error: SCR-2008-001 is at stage 'decision': name a step (allowed: decide)")
    assert error("case", "advance", referred, "decide", "--outcome", "no_review",
                 "--criteria", "death", "--rationale", "r", "--chair", "c", code=5) == (
        "Error: SCR-2008-001: cannot decide: a child died and abuse or neglect is known or "
        "suspected: the board always holds a serious case review (Working Together 2006, 8.9)")
    assert error("case", "advance", referred, "decide", "--outcome", "scr", "--rationale",
                 "r", "--chair", "c", "--criteria", "death", "--on", "31/02/2008",
                 code=2) == "Error: malformed --on '31/02/2008': there is no such day"
    assert error("deadlines", "--as-of", "next week", code=2) == (
        "Error: malformed --as-of 'next week': use YYYY-MM-DD (or DD/MM/YYYY), "
        "e.g. 2008-03-20")
    assert error("scr", "refer", "--pseudonym", "B", "--referred-by", "MI5", code=3) == (
        "Error: no agency with code 'MI5' (known: CSC, EDU, HEALTH, POLICE)")
    assert error("deadlines", "--agency", "MI5", code=3).startswith(
        "Error: no agency with code 'MI5'")
    assert error("case", "advance", referred, "decide", "stray", code=2) == (
        "Error: unexpected argument 'stray': step options look like --name value")
    assert error("case", "extend", referred, "panel", "--to", "2008-06-01", "--reason", "r",
                 code=3) == "Error: SCR-2008-001 has no deadline 'panel' (open: decision)"
    assert error("agency", "add", "POLICE", "--name", "x", "--email", "a@b.org",
                 code=2) == (
        "Error: agency POLICE already exists (change it with `casework agency update`)")
    assert error("agency", "add", "PROB", "--name", "Probation", "--email", "not-an-email",
                 code=2) == ("Error: --email 'not-an-email' is not an email address: An email "
                                 "address must have an @-sign")
    assert error("workflow", "show", "xyz", code=3) == (
        "Error: no workflow 'xyz' (known: scr, cdr, cspr)")


def test_a_conflicting_database_lock_is_a_conflict_not_a_traceback(run, referred, db_url,
                                                                   backend, tmp_path):
    """Another change holds the lock the step needs (SQLite: the file's write lock;
    PostgreSQL: the case's row) for longer than the board's lock timeout."""
    from sqlalchemy import create_engine, text

    config = tmp_path / "impatient.toml"  # do not wait 30 s for the lock in a test
    config.write_text("[database]\nlock_timeout = 0.2\n")
    blocker = create_engine(db_url).connect()
    if backend == "sqlite":
        blocker.exec_driver_sql("BEGIN EXCLUSIVE")
    else:
        blocker.execute(text("SELECT id FROM case_record WHERE reference = :r FOR UPDATE"),
                        {"r": referred})
    try:
        result = run("--config", config, "case", "advance", referred, "decide", "--outcome",
                     "scr", "--criteria", "death", "--rationale", "r", "--chair", "c", expect=6)
        assert result.stderr == "Error: the database is busy with another change: try again\n"
    finally:
        blocker.rollback()
        blocker.close()
        blocker.engine.dispose()
    run("case", "advance", referred, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "r", "--chair", "c")


def test_listings_fit_80_columns_and_have_json(run, agencies):
    long_name = "Bethany, Cameron and their older half-sibling (sibling group of three)"
    for on in ("2008-01-02", "2008-02-03"):
        ref = run("scr", "refer", "--pseudonym", long_name, "--on", on).stdout.split()[0]
        run("case", "pause", ref, "--reason", "criminal proceedings " * 5, "--on", "2008-05-01")
    for args in (("case", "list"), ("deadlines", "--as-of", "2008-06-01"),
                 ("case", "show", "SCR-2008-001"), ("case", "history", "SCR-2008-001"),
                 ("agency", "list"), ("workflow", "show", "scr")):
        out = run(*args).stdout
        too_wide = [line for line in out.splitlines() if len(line) > 80]
        assert too_wide == [], args
    listing = json.loads(run("case", "list", "--json").stdout)
    assert [c["reference"] for c in listing["cases"]] == ["SCR-2008-001", "SCR-2008-002"]
    assert listing["cases"][0]["pseudonym"] == long_name
    assert json.loads(run("agency", "list", "--json").stdout)[0]["code"] == "CSC"
    history = json.loads(run("case", "history", "SCR-2008-001", "--json").stdout)
    assert [h["step"] for h in history] == ["referral", "pause"]
    assert history[1]["actor"] == "coordinator"


def test_case_list_filters(run, agencies):
    run("scr", "refer", "--pseudonym", "Early", "--on", "2008-03-01")  # decision due 1 Apr
    run("scr", "refer", "--pseudonym", "Recent", "--on", "2008-05-20")  # due 20 June
    listed = json.loads(run("case", "list", "--overdue", "--json").stdout)["cases"]
    assert [(c["pseudonym"], c["overdue"]) for c in listed] == [("Early", 1)]
    # As of 1 April the early one's decision is due that day, not yet late.
    listed = json.loads(run("case", "list", "--overdue", "--as-of", "2008-04-01",
                            "--json").stdout)["cases"]
    assert listed == []
    assert "No cases match." in run("case", "list", "--stage", "imrs").stdout
    assert len(json.loads(run("case", "list", "--stage", "screening", "--kind", "scr",
                              "--json").stdout)["cases"]) == 2


def test_deadlines_across_cases_filtered_by_agency(run, referred):
    _to_terms_of_reference(run, referred, "2008-05-01")
    run("case", "advance", referred, "commission_imrs", "--terms", "ToR", "--agency",
        "POLICE", "--agency", "CSC", "--on", "2008-05-02")
    # IMRs due 6 weeks after Fri 2 May 2008: Fri 13 June. As of Mon 16 June: 3 days late,
    # 1 working day (16 June).
    out = run("deadlines", "--as-of", "2008-06-16", "--agency", "police").stdout
    assert out.splitlines() == [
        "Deadlines late or due within 14 days as of 16 Jun 2008: 1 (1 late)",
        "Case          Pseudonym  Deadline    Agency  Due          Late",
        "------------  ---------  ----------  ------  -----------  --------",
        "SCR-2008-001  Child A    imr:POLICE  POLICE  13 Jun 2008  3d (1wd)",
    ]
    data = json.loads(run("deadlines", "--as-of", "2008-06-16", "--overdue", "--json").stdout)
    assert [(d["key"], d["agency"], d["days_late"]) for d in data["deadlines"]] == [
        ("imr:CSC", "CSC", 3), ("imr:POLICE", "POLICE", 3)]
    # Before the IMRs were commissioned nothing of theirs was outstanding; the panel was
    # still to be formed (it was, on 1 May).
    data = json.loads(run("deadlines", "--as-of", "2008-04-30", "--json").stdout)
    assert [d["key"] for d in data["deadlines"]] == ["panel"]


def test_agencies_are_managed_from_the_command_line(run):
    run("agency", "add", "kcc-csc", "--name", "Kent Children's Social Care", "--email",
        "duty@kent.example.org", "--escalation-email", "director@kent.example.org")
    run("agency", "update", "KCC-CSC", "--email", "safeguarding@kent.example.org",
        "--inactive")
    data = json.loads(run("agency", "show", "kcc-csc", "--json").stdout)
    assert data == {"code": "KCC-CSC", "name": "Kent Children's Social Care",
                    "contact_email": "safeguarding@kent.example.org",
                    "escalation_email": "director@kent.example.org", "active": False}
    assert json.loads(run("agency", "list", "--json").stdout) == []
    refused = run("scr", "refer", "--pseudonym", "A", "--referred-by", "KCC-CSC", expect=2)
    assert refused.stderr == "Error: agency KCC-CSC is no longer active\n"


def test_pause_resume_extend_and_history_from_the_command_line(run, referred):
    run("case", "advance", referred, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "r", "--chair", "c", "--on", "2008-04-10")
    assert run("case", "pause", referred, "--reason", "criminal proceedings", "--on",
               "2008-04-15").stdout == (
        "SCR-2008-001: paused from 15 Apr 2008 (criminal proceedings).\n")
    out = run("case", "resume", referred, "--on", "2008-04-30", "--actor", "Jo Bloggs").stdout
    assert out.splitlines() == [
        "SCR-2008-001: resumed after 15 days paused.",
        "  notification: 17 Apr 2008 -> 2 May 2008",
        "  panel: 9 May 2008 -> 27 May 2008",
        "  completion: 10 Aug 2008 -> 25 Aug 2008",
    ]
    out = run("case", "extend", referred, "panel", "--by", "2 weeks", "--reason",
              "chair ill").stdout
    assert out == ("SCR-2008-001: panel now due 10 Jun 2008 (originally 9 May 2008; "
                   "extension 1).\n")
    history = json.loads(run("case", "history", referred, "--json").stdout)
    assert [(h["step"], h["actor"]) for h in history[-3:]] == [
        ("pause", "coordinator"), ("resume", "Jo Bloggs"), ("extend", "coordinator")]
    text = run("case", "history", referred).stdout
    assert ("15 Apr 2008  pause  notification\n"
            "             by coordinator, recorded 2 Jun 2008\n"
            "             criminal proceedings\n") in text
    # A step without a note is two lines, the next event straight after.
    assert ("10 Apr 2008  decide  decision -> notification\n"
            "             by coordinator, recorded 2 Jun 2008\n"
            "15 Apr 2008  pause") in text
    assert "30 Apr 2008  resume  notification\n             by Jo Bloggs, recorded" in text


def test_workflow_show_and_diagram(run):
    out = run("workflow", "show", "scr").stdout
    assert "  decide               decision -> notification (scr), panel_formation\n" \
           "                       (non_statutory), no_review (no_review)\n" in out
    assert "imr           Individual management review        6 weeks after " \
           "commissioning" in out
    assert "action        Action plan action                  date set in the action " \
           "plan" in out
    diagram = run("workflow", "diagram", "scr").stdout
    assert "stateDiagram-v2" in diagram
    assert "screening --> decision: recommend" in diagram
    assert "decision --> no_review: decide" in diagram
    assert "[*] --> screening" in diagram
    data = json.loads(run("workflow", "show", "scr", "--json").stdout)
    assert data["deadlines"]["panel"] == {"title": "Review panel formed",
                                          "duration": "20 working days", "anchor": "decision",
                                          "rule": "20 working days after decision",
                                          "strength": "default",
                                          "strength_text": "default: no source confirms it"}


def test_the_real_executable_and_python_m_both_run(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    exe = Path(sys.executable).with_name("casework")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout == "casework, version 0.1.0\n"
    helped = subprocess.run([sys.executable, "-m", "casework", "--help"], capture_output=True,
                            text=True, env=env)
    assert helped.returncode == 0 and "Usage: casework [OPTIONS]" in helped.stdout
    unknown = subprocess.run([str(exe), "--db", str(tmp_path / "x.db"), "case", "show", "X"],
                             capture_output=True, text=True, env=env)
    assert (unknown.returncode, unknown.stderr) == (
        7, f"Error: no casework database at {tmp_path / 'x.db'}: run `casework init` first\n")


def test_as_of_a_past_date_counts_what_was_late_then(run, referred):
    # The decision (due 20 April) was taken on 25 April: 5 days late on 25 April...
    run("case", "advance", referred, "decide", "--outcome", "scr", "--criteria", "death",
        "--rationale", "r", "--chair", "c", "--on", "2008-04-25")
    on = json.loads(run("case", "list", "--as-of", "2008-04-24", "--json").stdout)["cases"]
    assert (on[0]["overdue"], on[0]["stage"], on[0]["next_due"]) == (1, "decision",
                                                                     "2008-04-20")
    listed = json.loads(run("deadlines", "--as-of", "2008-04-24", "--overdue",
                            "--json").stdout)["deadlines"]
    # As it stood that day: still open, 4 days late (it was met the next day).
    assert [(d["key"], d["days_late"], d["status"]) for d in listed] == [
        ("decision", 4, "open")]
    shown = json.loads(run("case", "show", referred, "--as-of", "2008-04-24", "--json").stdout)
    assert shown["stage"] == "decision"
    assert [(d["key"], d["status"]) for d in shown["deadlines"]] == [("decision", "open")]
    now = json.loads(run("case", "show", referred, "--json").stdout)
    assert now["stage"] == "notification" and len(now["deadlines"]) == 4
    assert json.loads(run("case", "list", "--as-of", "2008-04-24", "--stage",
                          "notification", "--json").stdout)["cases"] == []
    early = run("case", "show", referred, "--as-of", "2008-03-19", expect=2)
    assert early.stderr == ("Error: SCR-2008-001 was opened on 20 Mar 2008: --as-of cannot be "
                            "earlier\n")
    # ... and nothing of it late once it was met; the deadlines it opened were not yet due.
    after = json.loads(run("case", "list", "--as-of", "2008-04-26", "--json").stdout)["cases"]
    assert after[0]["overdue"] == 0
    # The day before the referral there was no case at all.
    before = json.loads(run("case", "list", "--as-of", "2008-03-19", "--json").stdout)["cases"]
    assert before == []


def test_small_things_a_coordinator_would_trip_over(run, referred, agencies):
    bad = run("case", "list", "--stage", "imrz", expect=2)
    assert bad.stderr.startswith("Error: no stage 'imrz' (stages: screening, decision,")
    assert json.loads(run("case", "list", "--stage", "DECISION", "--json").stdout)["cases"][0][
        "reference"] == referred
    assert [(w["key"], w["version"]) for w in json.loads(
        run("workflow", "list", "--json").stdout)] == [
        ("scr", "2006.1"), ("scr", "2010.1"), ("scr", "2013.1"), ("cdr", "2008.1"),
        ("cdr", "2018.1"), ("cspr", "2018.1"), ("cspr", "2023.1")]
    run("agency", "add", "MEDWAY-CSC-FAMILIES", "--name", "Medway families", "--email",
        "f@medway.example.org")
    too_long = run("agency", "add", "LONG", "--name", "x" * 201, "--email", "a@b.org", expect=2)
    assert too_long.stderr == "Error: an agency's --name is at most 200 characters\n"
    _to_terms_of_reference(run, referred, "2008-04-14")
    run("case", "advance", referred, "commission_imrs", "--terms", "ToR", "--agency",
        "MEDWAY-CSC-FAMILIES", "--agency", "POLICE", "--on", "2008-04-15")
    run("case", "advance", referred, "waive_imr", "--agency", "POLICE", "--reason",
        "no contact in the period", "--on", "2008-04-16")
    history = run("case", "history", referred).stdout
    assert ("16 Apr 2008  waive_imr  imrs\n             by coordinator, recorded "
            "2 Jun 2008\n             no contact in the period\n") in history
    listing = run("deadlines", "--as-of", "2008-12-31").stdout
    assert max(len(line) for line in listing.splitlines()) <= 80
    assert "MEDWAY-C" in listing
    shown = json.loads(run("case", "show", referred, "--json").stdout)
    assert {d["label"] for d in shown["deadlines"]} >= {"imr:POLICE", "completion"}


def test_figures_take_the_board_year_of_a_date_given_alone(run):
    data = json.loads(run("report", "figures", "--to", "2009-03-31", "--json").stdout)
    assert (data["child_deaths"]["period_from"], data["child_deaths"]["period_to"]) == (
        "2008-04-01", "2009-03-31")
    data = json.loads(run("report", "figures", "--from", "2009-04-01", "--json").stdout)
    assert data["child_deaths"]["period_to"] == "2010-03-31"


def test_a_table_cuts_its_flex_column_to_fit_and_dates_read_the_same_in_any_locale():
    import datetime as dt

    from cli.output import table
    from workflows.formats import short

    due = short(dt.date(2008, 3, 31))
    assert (due, short(dt.date(2009, 1, 5)), short(None)) == ("31 Mar 2008", "5 Jan 2009", "")
    # Widths 12, 31 and 11 need 58 columns: the flex column gives up 22 (down to its
    # header's 9); the 6 still over cannot be taken from the others.
    listed = table(["Case", "Pseudonym", "Due"],
                   [["SCR-2008-001", "Bethany and Cameron Smith-Jones", due],
                    ["SCR-2008-002", "Child A", None]], flex=(1,), width=30)
    assert listed.splitlines() == [
        "Case          Pseudonym  Due",
        "------------  ---------  -----------",
        "SCR-2008-001  Bethany …  31 Mar 2008",
        "SCR-2008-002  Child A",
    ]
