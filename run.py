#!/usr/bin/env python3
"""Quick start, needing only Python 3.11+:

    python3 run.py demo    set up, then open example cases and show the caseload
    python3 run.py test    set up, then lint and run the whole test suite: on SQLite, then
                           again on PostgreSQL when CASEWORK_TEST_POSTGRESQL_URL names a
                           server (`.ci/postgres` starts one and prints its URL)
    python3 run.py lock    regenerate requirements.lock and requirements-test.lock from
                           pyproject.toml with uv, keeping the pins that still fit
    python3 run.py reference
                           set up, then rewrite README.md's command reference from the
                           commands' own help (after adding or changing a command)

Setting up means a virtual environment in .venv with the locked dependencies installed
with their hashes required (requirements.lock, or requirements-test.lock for the tests)
and casework installed into it; it is redone only when a lock file or pyproject.toml
changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def setup(locks: list[str]) -> None:
    inputs = [ROOT / name for name in [*locks, "requirements.lock", "pyproject.toml"]]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in inputs)).hexdigest()
    stamp = VENV / f".installed-{'-'.join(Path(n).stem for n in locks)}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    python = BIN / "python"
    print("Installing locked dependencies (hashes required) ...", flush=True)
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--require-hashes", *(arg for lock in locks for arg in ("-r", lock)))
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "-e", ".")
    stamp.write_text(digest)


def lock_commands(uv: str | Path) -> list[list[str]]:
    """The uv commands that write both locks into the folder they run in, from
    pyproject.toml; a lock already there lends its pins, so nothing moves that need not."""
    common = [str(uv), "pip", "compile", "pyproject.toml", "--quiet",
              "--universal", "--python-version", "3.11", "--generate-hashes",
              "--custom-compile-command", "python3 run.py lock"]
    return [[*common, "-o", "requirements.lock"],
            [*common, "--extra", "test", "-c", "requirements.lock",
             "-o", "requirements-test.lock"]]


def lock(args: list[str]) -> None:
    """Regenerate both locks (extra arguments go to uv, e.g. --upgrade-package NAME)."""
    setup(["requirements-test.lock"])
    for command in lock_commands(BIN / "uv"):
        _run(*command, *args)


def test_both(args: list[str]) -> int:
    """The whole suite on SQLite, then the whole suite on PostgreSQL; either failing fails.
    Without a server the second run is reported as not run, loudly, and does not fail."""
    pytest = [str(BIN / "python"), "-m", "pytest", *args]
    sqlite = subprocess.run(pytest, cwd=ROOT).returncode
    url = os.environ.get("CASEWORK_TEST_POSTGRESQL_URL")
    if not url:
        bar = "!" * 78
        print(f"\n{bar}\n!! The PostgreSQL run was NOT RUN: CASEWORK_TEST_POSTGRESQL_URL is "
              "not set.\n!! Only SQLite was tested. To run the suite on PostgreSQL too:\n!!     "
              "CASEWORK_TEST_POSTGRESQL_URL=$(.ci/postgres) python3 run.py test\n!! "
              f"(README, 'Tests on PostgreSQL').\n{bar}", file=sys.stderr, flush=True)
        return sqlite
    print("\n== The same suite on PostgreSQL ==", flush=True)
    postgresql = subprocess.run([*pytest, "--database", "postgresql"], cwd=ROOT).returncode
    print(f"\nSQLite run: {'passed' if sqlite == 0 else 'FAILED'}; "
          f"PostgreSQL run: {'passed' if postgresql == 0 else 'FAILED'}", flush=True)
    return sqlite or postgresql


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py is what tells an older Python
        sys.exit("casework needs Python 3.11 or newer")
    command = argv[0] if argv else ""
    if command == "demo":
        setup(["requirements.lock"])
        _run(BIN / "casework", "demo", *argv[1:])
    elif command == "test":
        setup(["requirements-test.lock"])
        _run(BIN / "ruff", "check", ".")
        sys.exit(test_both(argv[1:]))
    elif command == "lock":
        lock(argv[1:])
    elif command == "reference":
        setup(["requirements.lock"])
        _run(BIN / "python", "-m", "cli.reference")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
