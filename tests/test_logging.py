"""Logging on stderr with levels: quiet by default, -v/-q on the root command, the service's
one line per run, journald's priority prefix, and `--help` still without logging loaded."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.logs import level_for


@pytest.fixture
def casework(tmp_path: Path, db_url: str):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
           "CASEWORK_ACTOR": "coordinator"}
    env.pop("JOURNAL_STREAM", None)

    def call(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "casework", "--db", db_url, *args],
                              capture_output=True, text=True, env={**env, **extra}, timeout=60)
        assert done.returncode == 0, done.stderr
        return done

    return call


def test_levels_from_the_flags():
    assert level_for(0) == logging.WARNING
    assert level_for(0, default=logging.INFO) == logging.INFO  # the service
    assert (level_for(1), level_for(2), level_for(-1)) == (
        logging.INFO, logging.DEBUG, logging.ERROR)


def test_quiet_by_default_verbose_on_request(casework):
    plain = casework("scheduler", "run-once", "--no-send")
    assert plain.stdout.startswith("sweep as of ") and plain.stderr == ""
    told = casework("-v", "scheduler", "run-once", "--no-send")
    line = told.stderr.splitlines()[-1]
    assert " INFO casework.scheduler: sweep as of " in line
    assert "transitions" not in told.stderr  # other libraries' INFO waits for -vv
    assert casework("-q", "scheduler", "run-once", "--no-send").stderr == ""


def test_under_systemd_each_line_carries_its_priority(casework):
    told = casework("-v", "scheduler", "run-once", "--no-send", JOURNAL_STREAM="8:1234")
    assert told.stderr.splitlines()[-1].startswith("<6>INFO casework.scheduler: sweep as of ")


def test_help_does_not_load_logging():
    code = ("import sys\nfrom cli.main import cli\ntry:\n    cli(['--help'])\n"
            "except SystemExit:\n    pass\nprint('logging' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=60)
    assert done.stderr == "False\n"


@pytest.mark.parametrize("args", [["case", "--help"], ["config", "show", "--help"],
                                  ["templates", "copy", "--help"], ["--version"]])
def test_a_commands_help_loads_no_database_stack(args):
    """--help ends in click's Exit: nothing to explain by damaged cases, nothing to import."""
    code = (f"import sys\nfrom cli.main import cli\ntry:\n    cli({args!r})\n"
            "except SystemExit:\n    pass\n"
            "print(sorted({'sqlalchemy', 'casework.quarantine'} & set(sys.modules)), "
            "file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=60)
    assert done.stderr == "[]\n"
