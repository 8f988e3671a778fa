"""What the core tells whoever listens (the notifications layer) about a change.

The core never sends mail; it announces the deadline changes an agency should hear about, and
the listeners the service was built with turn them into outbox rows, in the same transaction
as the change (`CaseService.commit` hands them over just before committing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casework.models import Case, Deadline
    from casework.service import CaseService

OPENED, MOVED, WITHDRAWN, CLOSED = "opened", "moved", "withdrawn", "closed"


@dataclass(frozen=True)
class DeadlineChange:
    """A deadline opened, moved (extended, deferred, shifted by a pause), withdrawn (waived)
    or closed (met, carried forward)."""

    what: str
    case: Case
    deadline: Deadline
    actor: str
    at: dt.datetime  # when it happened (`--on`), not when it was recorded
    previous_due: dt.date | None = None
    agency: str | None = None  # whom to tell, if not the deadline's owner now (reassigned)


Listener = Callable[["CaseService", DeadlineChange], None]
