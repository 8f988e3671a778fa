"""One change, one transaction: the decorator every changing service function wears.

It lives apart from the service so that the modules whose functions the service takes on as
methods (agencies, pauses, opening, steps) and the helpers beside them (deaths) can use it
without importing the service itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from casework.db import busy
from casework.errors import Conflict

if TYPE_CHECKING:
    from casework.service import CaseService

T = TypeVar("T")


def atomic(method: Callable[..., T]) -> Callable[..., T]:
    """A change either commits whole or leaves nothing behind, even in a session that lives
    on (the scheduler's, a test's): any error rolls back what the method had staged. Wraps
    CaseService methods and functions whose first argument is the service."""

    @functools.wraps(method)
    def wrapper(service: CaseService, *args: Any, **kwargs: Any) -> T:
        try:
            return method(service, *args, **kwargs)
        except StaleDataError:  # met while flushing before a query, not only at commit
            service.rollback()
            raise Conflict("the case was changed by someone else while you were working: look "
                           "at it again (`casework case show`) and retry") from None
        except BaseException as exc:
            service.rollback()
            if busy(exc):  # a row lock held past the lock timeout, mid-step
                raise Conflict("the database is busy with another change: try again") from None
            raise

    return wrapper
