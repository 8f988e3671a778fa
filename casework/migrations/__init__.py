"""The schema's migrations (Alembic), and what they make on which backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casework.models import SQLITE_ONLY_INDEXES


def made_on(dialect: str) -> Callable[..., bool]:
    """Alembic's include_object for comparing a database with the models: an index the
    models make on SQLite only is not missing from a PostgreSQL database."""
    def include(_object: Any, name: str | None, type_: str, _reflected: bool,
                _compare_to: Any) -> bool:
        return not (type_ == "index" and name in SQLITE_ONLY_INDEXES and dialect != "sqlite")

    return include
