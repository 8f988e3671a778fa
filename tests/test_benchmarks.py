"""Each benchmark at a tiny size, so a change that breaks one shows here: it must run and
its own correctness checks must pass (exit 0, no WRONG line). Its timings decide nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = {
    "email_delivery": ["--emails", "12", "--cases", "3"],
    "sweep_speed": ["--sizes", "300", "--due", "50", "--runs", "1", "--templates", "5"],
    "cli_speed": ["--cases", "30", "--templates", "10", "--runs", "1"],
    "overdue_listing": ["--deadlines", "600", "--overdue", "50", "--templates", "5",
                        "--runs", "1"],
    # SQLite only; half a year of daily sweeps (its longest reviews reach back two).
    "national_scale": ["--database", "sqlite", "--templates", "12", "--years", "0.5",
                       "--cases", "100", "--deadlines", "1500", "--growth", "", "--due", "3",
                       "--runs", "1"],
}


def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The benchmark as its README line runs it: a script beside `shared.py`."""
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("name", sorted(TINY))
def test_benchmark_runs_at_a_tiny_size(name: str) -> None:
    done = run(name, *TINY[name])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "WRONG" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
