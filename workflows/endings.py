"""How a whole process ends: the last key date any version of it may open a case for.

Serious case reviews ended when an area's safeguarding partners' arrangements started (by 29
September 2019); the process's last version declares it, with its source, and the registry
refuses a later key date (`workflows.registry.last_key_date`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# What a source's tag says of it (REGIMES.md): shown beside a date taken from it.
SOURCE_TAGS = {"P": "primary source", "S": "secondary source", "L": "local source"}


def source_strength(source: str) -> str:
    """`secondary source`: how sure a sourced date is, read from its tag ("[S] Solihull")."""
    tags = [SOURCE_TAGS[t] for t in re.findall(r"\[([PSL])\b", source)]
    return tags[0] if tags else "no source confirms it"


@dataclass(frozen=True)
class Ending:
    """The end of a whole process: the last key date any version of it may open a case for,
    why, and the process that replaced it. A case opened on or before it runs on under its
    version for life; a board whose arrangements changed earlier moves it in its config."""

    last_key_date: dt.date
    why: str  # "the last day safeguarding partners' arrangements could start"
    source: str  # with its tag: "... [S] Solihull 8.1"
    succeeded_by: str  # the key of the process that replaced it

    @property
    def strength(self) -> str:
        return source_strength(self.source)
