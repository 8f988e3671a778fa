"""Long output through a pager on a terminal: the real `casework` process under a
pseudo-terminal, with a pager that stops reading early; and straight through when piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("casework")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith("CASEWORK_") and k not in ("PAGER", "LESS", "COLUMNS")}
    return {**keep, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
            "CASEWORK_ACTOR": "test", "COLUMNS": "80", "LINES": "10"}


def on_terminal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run casework with a pseudo-terminal as its stdin, stdout and stderr: its exit status
    and all it wrote to the terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(EXE), *args], stdin=follower, stdout=follower,
                               stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end closed: the process has gone
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return process.wait(timeout=60), seen.decode("utf-8", "replace").replace("\r\n", "\n")


def first_line_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that reads one line, keeps it, and quits: the reader who closed it early."""
    kept = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f'IFS= read -r line\nprintf "%s\\n" "$line" > "{kept}"\n')
    return f"sh {script}", kept


def test_a_long_listing_goes_through_the_pager_and_closing_it_early_exits_0(env, tmp_path):
    pager, kept = first_line_pager(tmp_path)
    status, screen = on_terminal({**env, "PAGER": pager}, "workflow", "show", "scr")
    assert status == 0
    assert "Traceback" not in screen and "Error" not in screen
    assert screen == ""  # all of it went to the pager
    title = "Serious case review (Working Together 2013 and 2015)\n"
    assert kept.read_text() == title
    # $CASEWORK_PAGER before $PAGER; `true` reads nothing at all and quits
    status, screen = on_terminal({**env, "PAGER": "no-such-pager",
                                  "CASEWORK_PAGER": "true"}, "workflow", "show", "scr")
    assert (status, screen) == (0, "")


def test_short_output_and_no_pager_print_straight_to_the_terminal(env, tmp_path):
    pager, kept = first_line_pager(tmp_path)
    status, screen = on_terminal({**env, "PAGER": pager}, "--no-pager",
                                 "workflow", "show", "scr")
    assert status == 0 and not kept.exists()
    assert screen.startswith("Serious case review (Working Together 2013 and 2015)\n")
    assert len(screen.splitlines()) > 60
    status, screen = on_terminal({**env, "PAGER": pager, "LINES": "500"},
                                 "workflow", "show", "scr")
    assert status == 0 and not kept.exists()  # it fits the screen
    assert len(screen.splitlines()) > 60


def test_piped_output_is_never_paged(env, tmp_path):
    pager, kept = first_line_pager(tmp_path)
    done = subprocess.run([str(EXE), "workflow", "show", "scr"], capture_output=True,
                          text=True, env={**env, "PAGER": pager}, timeout=60)
    assert done.returncode == 0 and not kept.exists()
    assert done.stdout.startswith("Serious case review (Working Together 2013 and 2015)\n")


def test_a_pager_closed_long_before_the_end_is_not_an_error(tmp_path, monkeypatch, capsys):
    """Far more than a pipe holds (1 MB), to a pager that reads one line: the writing meets
    a closed pipe for certain, and that ends the paging quietly."""
    from cli.pager import show

    monkeypatch.setenv("LINES", "10")
    kept = tmp_path / "paged.txt"
    text = "".join(f"line {n}\n" for n in range(150_000))
    show(text, ["sh", "-c", f'IFS= read -r line; printf "%s\\n" "$line" > "{kept}"'])
    assert kept.read_text() == "line 0\n"
    assert capsys.readouterr() == ("", "")
