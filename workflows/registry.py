"""Which process definitions exist, by key and version."""

from __future__ import annotations

from workflows.cdr import CDR
from workflows.definition import Workflow
from workflows.scr import SCR

WORKFLOWS: dict[str, Workflow] = {SCR.key: SCR, CDR.key: CDR}
VERSIONS: dict[tuple[str, str], Workflow] = {(w.key, w.version): w for w in WORKFLOWS.values()}


def current(key: str) -> Workflow | None:
    """The definition new cases of this kind start under."""
    return WORKFLOWS.get(key)


def version(key: str, version: str) -> Workflow | None:
    """The definition an existing case started under."""
    return VERSIONS.get((key, version))
