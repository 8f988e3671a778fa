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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this checkout (setuptools writes build/ in the tree)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "demo", "*.egg-info", "__pycache__"))
    _ok(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
        tmp / "dist", source, cwd=tmp)
    (built,) = (tmp / "dist").glob("casework-*.whl")
    return built


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEWORK_", "PYTHON"))}
    env.update(XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    return env


def _runs_the_demo(casework: Path, wheel: Path, tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "elsewhere"
    out.mkdir()  # not the checkout: only the installed files can be used
    version = wheel.name.split("-")[1]  # from casework.__version__ (pyproject.toml)
    assert _ok(casework, "--version", cwd=out, env=env).strip() == (
        f"casework, version {version}")
    demo = _ok(casework, "demo", cwd=out, env=env)
    assert re.search(r"Opened \d+ example cases", demo), demo
    assert list((out / "demo" / "outbox").glob("*.eml"))


def test_the_wheels_metadata_names_its_licence_links_and_version(wheel: Path) -> None:
    """What pip and an IT team's inventory read: the licence (LICENSE inside), the links (the
    statutory sources, each https), the classifiers and the version `--version` prints."""
    import tomllib
    import zipfile
    from email.parser import Parser

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    with zipfile.ZipFile(wheel) as built:
        (name,) = [n for n in built.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(built.read(name).decode())
        assert "all rights" in built.read(name.replace("METADATA", "licenses/LICENSE")
                                          ).decode().lower()
    assert metadata["License-Expression"] == "LicenseRef-Proprietary"
    assert metadata.get_all("License-File") == ["LICENSE"]
    links = dict(line.split(", ", 1) for line in metadata.get_all("Project-URL"))
    assert links == project["urls"] and len(links) == 5
    assert all(url.startswith("https://") for url in links.values()), links
    assert metadata.get_all("Classifier") == project["classifiers"]
    from casework import __version__

    assert metadata["Version"] == __version__ == wheel.name.split("-")[1]


def test_the_wheel_installs_in_a_fresh_venv_and_runs_the_demo(wheel: Path, tmp_path: Path,
                                                              backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("about packaging, not the database: runs in the SQLite run")
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    pip = (bin_dir / "python", "-m", "pip", "install", "--quiet")
    _ok(*pip, "--require-hashes", "-r", ROOT / "requirements.lock", cwd=tmp_path)
    _ok(*pip, "--no-deps", wheel, cwd=tmp_path)
    _runs_the_demo(bin_dir / "casework", wheel, tmp_path, _clean_env(tmp_path))


def test_pipx_installs_the_wheel_in_its_own_environment(wheel: Path, tmp_path: Path,
                                                        backend: str) -> None:
    """As a person would on their own machine: `pipx install casework-*.whl`, its
    dependencies held to the locked versions, the command on PATH from pipx's bin folder."""
    if backend != "sqlite":
        pytest.skip("about packaging, not the database: runs in the SQLite run")
    pins = tmp_path / "pins.txt"  # the lock's versions without hashes: pip takes a
    pins.write_text("".join(  # hashed lock only in --require-hashes mode, not as constraints
        line.split(" ")[0] + "\n" for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))))
    env = _clean_env(tmp_path)
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"),
               PIPX_MAN_DIR=str(tmp_path / "man"))
    pipx = Path(sys.executable).parent / "pipx"
    _ok(pipx, "install", "--python", sys.executable, f"--pip-args=--constraint={pins}",
        wheel, cwd=tmp_path, env=env)
    listed = _ok(pipx, "list", "--short", cwd=tmp_path, env=env)
    assert listed.split()[:2] == ["casework", wheel.name.split("-")[1]], listed
    installed = set(_ok(pipx, "runpip", "casework", "freeze", "--exclude", "casework",
                        cwd=tmp_path, env=env).lower().split())
    assert installed and installed <= set(pins.read_text().lower().split()), installed
    _runs_the_demo(tmp_path / "bin" / "casework", wheel, tmp_path, env)
