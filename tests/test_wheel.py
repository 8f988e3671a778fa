"""The distribution: the wheel built from this checkout, installed into a fresh virtual
environment from the hashed lock as the README's server install does, runs the demo and
reports pyproject.toml's version. Catches a module, template or migration left out of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ok(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done.stdout


def test_the_wheel_installs_in_a_fresh_venv_and_runs_the_demo(tmp_path: Path,
                                                              backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("about packaging, not the database: runs in the SQLite run")
    source = tmp_path / "source"  # built from a copy: setuptools writes build/ in the tree
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "demo", "*.egg-info", "__pycache__"))
    _ok(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
        tmp_path / "dist", source, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("casework-*.whl")
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    pip = (bin_dir / "python", "-m", "pip", "install", "--quiet")
    _ok(*pip, "--require-hashes", "-r", ROOT / "requirements.lock", cwd=tmp_path)
    _ok(*pip, "--no-deps", wheel, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEWORK_", "PYTHON"))}
    env.update(XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    out = tmp_path / "elsewhere"
    out.mkdir()  # not the checkout: only the installed files can be used
    version = wheel.name.split("-")[1]  # from casework.__version__ (pyproject.toml)
    assert _ok(bin_dir / "casework", "--version", cwd=out, env=env).strip() == (
        f"casework, version {version}")
    demo = _ok(bin_dir / "casework", "demo", cwd=out, env=env)
    assert re.search(r"Opened \d+ example cases", demo), demo
    assert list((out / "demo" / "outbox").glob("*.eml"))
