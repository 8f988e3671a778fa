"""The `casework` process ends without tearing the interpreter down (cli.main.leave): its
output, its exit code and its committed change must come out exactly as an ordinary exit's."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

EXE = Path(sys.executable).with_name("casework")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """As in a coordinator's shell: output buffered (some sandboxes set PYTHONUNBUFFERED), so
    what is still in the buffer at exit must be flushed by the process itself."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith("CASEWORK_") and k != "PYTHONUNBUFFERED"}
    return {**keep, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
            "CASEWORK_ACTOR": "test"}


def casework(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env,
                          timeout=120)


def python(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.fixture
def demo_db(tmp_path: Path, env: dict[str, str]) -> str:
    db = str(tmp_path / "demo.db")
    built = casework(env, "--db", db, "demo")
    assert built.returncode == 0, built.stderr
    return db


def live(env: dict[str, str], db: str, pseudonym: str) -> str:
    """The reference of one of the demo's live cases, dated back from today (its year is
    today's or last year's), open and unpaused by design."""
    cases = json.loads(casework(env, "--db", db, "case", "list", "--json").stdout)["cases"]
    [case] = [c for c in cases if c["pseudonym"] == pseudonym]
    assert (case["closed_on"], case["paused_on"]) == (None, None)
    return case["reference"]


def test_the_output_is_whole_and_the_same_as_an_ordinary_exit(demo_db, env, monkeypatch):
    monkeypatch.setenv("CASEWORK_ACTOR", "test")
    late = live(env, demo_db, "Child B")  # a rapid review late today: its show says so
    for args in (["case", "history", "SCR-2018-001", "--json"], ["case", "list"],
                 ["deadlines", "--within", "400"], ["case", "show", late]):
        process = casework(env, "--db", demo_db, *args)
        in_process = CliRunner().invoke(cli, ["--db", demo_db, *args])
        assert (process.returncode, in_process.exit_code) == (0, 0), process.stderr
        assert process.stdout == in_process.output
    history = json.loads(casework(env, "--db", demo_db, "case", "history", "SCR-2018-001",
                                  "--json").stdout)
    assert (history[0]["step"], history[0]["to"]) == ("referral", "screening")


def test_a_committed_step_is_kept(demo_db, env):
    review = live(env, demo_db, "Child K")  # a local review under way
    paused = casework(env, "--db", demo_db, "case", "pause", review, "--reason",
                      "criminal proceedings")
    assert paused.returncode == 0, paused.stderr
    shown = json.loads(casework(env, "--db", demo_db, "case", "show", review,
                                "--json").stdout)
    assert (shown["pause_reason"], shown["paused_on"] is not None) == (
        "criminal proceedings", True)


def test_errors_keep_their_exit_codes_and_messages(demo_db, env):
    unknown = casework(env, "--db", demo_db, "case", "show", "SCR-1999-001")
    assert (unknown.returncode, unknown.stderr) == (
        3, "Error: no case with reference 'SCR-1999-001'\n")
    malformed = casework(env, "--db", demo_db, "deadlines", "--as-of", "2026-02-30")
    assert (malformed.returncode, malformed.stdout) == (2, "")
    assert malformed.stderr == "Error: malformed --as-of '2026-02-30': there is no such day\n"
    usage = casework(env, "--db", demo_db, "no-such-command")
    assert usage.returncode == 2 and "No such command 'no-such-command'" in usage.stderr


def test_a_reader_that_goes_away_ends_it_quietly(demo_db, env):
    """`casework ... | head -c 10`: exit status 1 and no traceback, as before the fast exit.
    The pipe holds one page, so the 20 KB history is still being written when it closes."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    process = subprocess.Popen([str(EXE), "--db", demo_db, "case", "history", "SCR-2018-001",
                                "--json"], stdout=write_end, stderr=subprocess.PIPE, env=env)
    os.close(write_end)
    first = os.read(read_end, 10)
    os.close(read_end)
    assert process.stderr is not None
    status = process.wait(timeout=60)
    assert first == b'[\n  {\n    '
    assert status == 1
    assert process.stderr.read() == b""


def test_leave_runs_the_atexit_handlers_and_exits_with_the_code(env):
    done = python(env, """
        import atexit
        from cli.main import leave
        atexit.register(print, "atexit ran")
        print("working", end=" ")
        leave(5)
    """)
    assert (done.returncode, done.stdout) == (5, "working atexit ran\n")
    said = python(env, "from cli.main import leave; leave('cannot go on')")
    assert (said.returncode, said.stderr) == (1, "cannot go on\n")
    quiet = python(env, "from cli.main import leave; leave(None)")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_leave_waits_for_another_thread_as_an_ordinary_exit_would(env):
    done = python(env, """
        import threading, time
        from cli.main import leave
        def late():
            time.sleep(0.3)
            print("thread finished", flush=True)
        threading.Thread(target=late).start()
        leave(0)
    """)
    assert (done.returncode, done.stdout) == (0, "thread finished\n")
