"""deploy/: the systemd unit and the cron lines the README gives a board's IT team, run as
written (paths moved into a temporary folder) against the real command."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
EXE = Path(sys.executable).with_name("casework")


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "casework-scheduler.service")
    return unit


def _moved(text: str, tmp_path: Path) -> str:
    """The deploy files' server paths, inside tmp_path; the installed command, this one."""
    text = text.replace("/opt/casework/venv/bin/casework", str(EXE))
    for folder in ("/etc/casework", "/var/lib/casework", "/var/backups/casework"):
        text = text.replace(folder, str(tmp_path / folder.strip("/")))
    return text


@pytest.fixture
def server(tmp_path: Path) -> dict[str, str]:
    """The environment file installed and sourced, the database created by `init`."""
    for folder in ("etc/casework", "var/lib/casework", "var/backups/casework"):
        (tmp_path / folder).mkdir(parents=True)
    env_file = tmp_path / "etc/casework/casework.env"
    env_file.write_text(_moved((DEPLOY / "casework.env").read_text(), tmp_path))
    (tmp_path / "etc/casework/casework.toml").write_text(
        f'[email]\nfolder = "{tmp_path / "outbox"}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(CASEWORK_ACTOR="test", XDG_DATA_HOME=str(tmp_path))
    for line in env_file.read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    assert subprocess.run([str(EXE), "init"], env=env, timeout=60).returncode == 0
    return env


def test_the_unit_restarts_on_failure_and_reads_the_environment_file() -> None:
    service = _unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/casework/casework.env"
    assert shlex.split(service["ExecStart"])[1:] == ["scheduler", "run"]
    assert "CASEWORK_SMTP_PASSWORD=" in (DEPLOY / "casework.env").read_text()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    unit = tmp_path / "casework-scheduler.service"
    text = _moved((DEPLOY / "casework-scheduler.service").read_text(), tmp_path)
    unit.write_text(text.replace("User=casework\nGroup=casework\n", ""))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "casework-scheduler" not in done.stderr, done.stderr


def test_the_units_command_runs_and_stops_cleanly_on_its_kill_signal(
        tmp_path: Path, server: dict[str, str]) -> None:
    """ExecStart as written runs a first sweep; KillSignal stops it within TimeoutStopSec
    with exit code 0, so Restart=on-failure leaves a stopped service stopped."""
    service = _unit()["Service"]
    command = shlex.split(_moved(service["ExecStart"], tmp_path))
    journald = {**server, "JOURNAL_STREAM": "8:12345"}  # as systemd sets it: levels as <N>
    process = subprocess.Popen(command, env=journald, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        seen: list[str] = []
        while not (any("scheduler started" in line for line in seen)
                   and any("sweep as of" in line for line in seen)):
            assert time.monotonic() < deadline and process.poll() is None
            seen.append(process.stderr.readline())
        run = next(line for line in seen if "sweep as of" in line)
        assert run.startswith("<6>INFO casework.scheduler: sweep as of ")  # one line a run
        process.send_signal(getattr(signal, service["KillSignal"]))
        assert process.wait(timeout=int(service["TimeoutStopSec"])) == 0
    finally:
        process.kill()
        process.wait()


def test_the_cron_lines_run_as_written(tmp_path: Path, server: dict[str, str]) -> None:
    lines = [line for line in (DEPLOY / "casework.cron").read_text().splitlines()
             if line and not line.startswith("#")]
    assert [line.split()[:6] for line in lines] == [
        ["*/15", "*", "*", "*", "*", "casework"], ["30", "2", "*", "*", "*", "casework"]]
    env = {k: v for k, v in server.items() if not k.startswith("CASEWORK_")}
    for line in lines:
        command = _moved(line.split(None, 6)[6], tmp_path).replace("\\%", "%")
        done = subprocess.run(["sh", "-c", command], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert [p.suffix for p in (tmp_path / "var/backups/casework").iterdir()] == [".db"]


def test_the_readme_shows_the_unit_as_shipped() -> None:
    unit = (DEPLOY / "casework-scheduler.service").read_text()
    assert f"```ini\n{unit}```" in (ROOT / "README.md").read_text()
