"""Logging to stderr with levels, for every command: `-v/--verbose` and `-q/--quiet`.

Commands print their results on stdout; what the program says about itself (a retry, a run's
figures, a warning) is logged on stderr, so a script's pipe and an operator's log stay apart.
Under systemd (JOURNAL_STREAM set) each line carries its syslog priority (`<4>`), which journald
reads as the entry's level (`journalctl -p warning`), and no time stamp (journald adds one).
Imported only when a command runs: `casework --help` does not load logging.
"""

from __future__ import annotations

import logging
import os
import sys

OURS = ("casework", "notifications", "cli", "workflows")
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
             logging.CRITICAL: 2}


def level_for(verbosity: int, default: int = logging.WARNING) -> int:
    """-q: errors only; none: `default`; -v: INFO; -vv: DEBUG, other libraries' too."""
    if verbosity < 0:
        return logging.ERROR
    if verbosity == 0:
        return default
    return logging.INFO if verbosity == 1 else logging.DEBUG


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test runner swaps it)."""

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass

    def __init__(self, level: int) -> None:
        super().__init__()
        self.setLevel(level)
        self.verbose_libraries = level <= logging.DEBUG

    def filter(self, record: logging.LogRecord) -> bool:
        """Other libraries (transitions, apscheduler) speak at WARNING unless -vv."""
        ours = record.name.split(".")[0] in OURS
        if not ours and not self.verbose_libraries and record.levelno < logging.WARNING:
            return False
        record.priority = _PRIORITY.get(record.levelno, 6)
        return super().filter(record)


_handler: _Stderr | None = None


def configure(level: int) -> None:
    """Send records at `level` and above to stderr; called once a command (again in tests:
    the previous handler is replaced, never doubled)."""
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    _handler = _Stderr(level)
    journal = bool(os.environ.get("JOURNAL_STREAM"))
    _handler.setFormatter(logging.Formatter(
        "<%(priority)d>%(levelname)s %(name)s: %(message)s" if journal
        else "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(_handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)  # never raised: a test's log capture keeps its own level
