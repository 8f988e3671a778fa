"""What a board's config file may hold: the one list of its sections and their settings.

A section not listed here, or a setting not listed under its section, is refused with the
file's path, so a typo (`[calender]`, `sweep_minute`) never passes silently as a default.
A section whose own parser checks its contents (tables named by workflow, lists of periods)
is listed with `None`. To add a section, add it here and read it in `casework.config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casework.errors import InvalidInput

SECTIONS: dict[str, tuple[str, ...] | None] = {
    "board": ("name", "areas", "templates", "marking", "logo"),
    "database": ("url", "pool_size", "statement_timeout", "lock_timeout",
                 "idle_in_transaction_timeout"),
    "calendar": ("closed_days",),
    "timescales": None,  # [timescales.WORKFLOW]: checked against the workflows
    "regimes": None,  # [regimes.WORKFLOW]: checked against the workflows' versions
    "overlays": None,  # [[overlays]]: each period checked by casework.overlays
    "email": ("from", "templates", "folder", "smtp"),  # [email.smtp]: casework.config
    "reminders": ("default", "hours", "kinds"),
    "scheduler": ("sweep_minutes", "overdue_listing"),
    "corrections": ("void_within_days",),
    "targets": None,  # the board's targets for its figures paper: checked by casework.targets
}


def check_sections(data: dict[str, Any], path: Path | None) -> None:
    """Refuse a section or a setting nobody reads, naming it and the file."""
    for name, value in data.items():
        if name not in SECTIONS:
            raise InvalidInput(f"config file {path}: unknown section [{name}] (known: "
                               f"{', '.join(sorted(SECTIONS))})")
        keys = SECTIONS[name]
        if keys is None:
            continue
        if not isinstance(value, dict):
            raise InvalidInput(f"config file {path}: [{name}] must be a table")
        unknown = sorted(set(value) - set(keys))
        if unknown:
            raise InvalidInput(f"config file {path}: [{name}]: unknown setting {unknown[0]!r} "
                               f"(known: {', '.join(keys)})")
