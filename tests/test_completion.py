"""Shell completion of case references, agency codes and step names: click's completion
protocol ($_CASEWORK_COMPLETE, $COMP_WORDS, $COMP_CWORD) run through the real `casework`
process against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

EXE = Path(sys.executable).with_name("casework")
NONE = "\n"  # what click's bash protocol prints when nothing matches


@pytest.fixture
def complete(db_url: str, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))

    def suggestions(line: str, *, shell: str = "bash", db: str = db_url) -> str:
        """What the shell is offered after `line` (the last word is the one being typed)."""
        words = ["casework", "--db", db, *line.split(" ")]
        done = subprocess.run([str(EXE)], capture_output=True, text=True, timeout=60, env={
            **env, "_CASEWORK_COMPLETE": f"{shell}_complete", "COMP_WORDS": " ".join(words),
            # fish passes the word being typed, bash and zsh its position
            "COMP_CWORD": words[-1] if shell == "fish" else str(len(words) - 1)})
        assert (done.returncode, done.stderr) == (0, "")
        return done.stdout
    return suggestions


def test_case_references_agency_codes_and_the_steps_a_case_can_take(run, agencies, complete,
                                                                     clock):
    clock.set(pendulum.datetime(2008, 9, 1, 9, tz="Europe/London"))
    for pseudonym in ("Child A", "Child B"):
        run("scr", "refer", "--pseudonym", pseudonym, "--referred-by", "POLICE",
            "--on", "2008-03-20")
    run("death", "notify", "--pseudonym", "Child C", "--died", "2008-06-01 03:20",
        "--age-band", "1-4y", "--place", "home", "--notifier", "Dr Jones", "--agency",
        "HEALTH", "--residence", "Kent", "--death", "unexpected", "--on", "2008-06-02")
    run("agency", "update", "EDU", "--inactive")
    run("case", "pause", "SCR-2008-002", "--reason", "criminal proceedings")
    assert complete("case show ") == (
        "plain,CDR-2008-001\nplain,SCR-2008-001\nplain,SCR-2008-002\n")
    assert complete("case history scr-2008") == "plain,SCR-2008-001\nplain,SCR-2008-002\n"
    assert complete("outbox list --case C") == "plain,CDR-2008-001\n"
    assert complete("case show SCR-2009") == NONE
    # the steps allowed now, for the case named before them; none while it is paused
    assert complete("case advance SCR-2008-001 ") == "plain,recommend\n"
    assert complete("case advance SCR-2008-002 ") == NONE
    assert complete("case advance CDR-2008-001 ") == (
        "plain,triage\nplain,transfer\nplain,refer_for_scr\n")
    assert complete("case advance cdr-2008-001 tr") == "plain,triage\nplain,transfer\n"
    # the active agencies' codes (EDU is inactive)
    assert complete("deadlines --agency ") == "plain,CSC\nplain,HEALTH\nplain,POLICE\n"
    assert complete("agency show p") == "plain,POLICE\n"
    assert complete("report overdue --agency H") == "plain,HEALTH\n"
    assert complete("case show ", shell="zsh") == (
        "plain\nCDR-2008-001\n_\nplain\nSCR-2008-001\n_\nplain\nSCR-2008-002\n_\n")
    assert complete("case show ", shell="fish") == (
        "plain,CDR-2008-001\nplain,SCR-2008-001\nplain,SCR-2008-002\n")


def test_completion_offers_nothing_rather_than_failing(complete, tmp_path):
    missing = tmp_path / "no-such.db"
    assert complete("case show ", db=str(missing)) == NONE
    assert not missing.exists()
    garbage = tmp_path / "garbage.sqlite"  # not *.db: the privacy check reads those
    garbage.write_bytes(b"not a database at all" * 100)
    assert complete("agency show ", db=str(garbage)) == NONE
    assert complete("case advance SCR-2008-001 ", db="postgresql://nobody@127.0.0.1:1/x") == NONE
