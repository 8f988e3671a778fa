"""`casework demo` never wipes or adds to a database that holds real work (issue 20)."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner

from cli.main import cli


def _demo(*args: str):
    return CliRunner().invoke(cli, [*args, "demo"], env={"CASEWORK_ACTOR": "coordinator"})


def test_the_demo_refuses_a_database_with_real_work_and_leaves_it_as_it_was(
        run, agencies, service, db_url, db_path):
    service.refer_scr("Child K", actor="coordinator", referred_by="CSC")
    service.commit()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for flag in ("--fresh", "--keep"):
        result = CliRunner().invoke(cli, ["--db", str(db_path), "demo", flag])
        assert result.exit_code == 2, result.output
        assert f"Error: {db_path} holds work recorded by " in result.stderr
        assert "never touches a database that holds anything but its own demo" in result.stderr
        assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert "Child K" in run("case", "list").stdout


def test_the_demo_refuses_a_file_that_is_not_its_database(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("minutes of the board\n")
    result = _demo("--db", str(notes))
    assert result.exit_code == 2 and "Error: " in result.stderr
    assert notes.read_text() == "minutes of the board\n"


def test_the_demo_reuses_its_own_database_but_not_once_someone_worked_in_it(tmp_path):
    db = tmp_path / "demo.db"
    assert _demo("--db", str(db)).exit_code == 0
    assert _demo("--db", str(db)).exit_code == 0  # its own: started afresh
    added = CliRunner().invoke(cli, ["--db", str(db), "agency", "add", "YOT", "--name",
                                     "Youth Offending", "--email", "yot@yot.example.org",
                                     "--actor", "coordinator"])
    assert added.exit_code == 0, added.output
    again = _demo("--db", str(db))
    assert again.exit_code == 2 and "holds work recorded by 'coordinator'" in again.stderr
