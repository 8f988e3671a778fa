"""The board's targets for its figures (`[targets]` in its config file), each against a
figure by its name in `casework report figures --json` (e.g. `scr.completed_within_timescale`):

    [targets]
    "child_deaths.reviewed_within_12_months" = 10          # at least 10
    "scr.longest_slippage_days" = { at_most = 30 }

A name no figure has is refused when the config is read, so a typo is not a silent "no
target". Which figures exist is the definitions' (each counted over no cases): nothing here
names a process.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casework.errors import InvalidInput

BOUNDS = ("at_least", "at_most")


@dataclass(frozen=True)
class Target:
    figure: str
    at_least: float | None = None
    at_most: float | None = None

    def met(self, value: float) -> bool:
        return (self.at_least is None or value >= self.at_least) \
            and (self.at_most is None or value <= self.at_most)

    @property
    def words(self) -> str:
        low, high = _number(self.at_least), _number(self.at_most)
        if low is not None and high is not None:
            return f"{low} to {high}"
        return f"at least {low}" if low is not None else f"at most {high}"


def parse_targets(table: Any, where: str) -> dict[str, Target]:
    """`[targets]` as given: a number is "at least"; a table says at_least and/or at_most.
    A dotted name may be written as nested tables ([targets.scr]) too."""
    if not isinstance(table, dict):
        raise InvalidInput(f"{where} must be a table of figure = target")
    found: dict[str, Target] = {}
    _flatten(table, "", found, where)
    if found:
        known = targetable()
        for name in found:
            if name not in known:
                near = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise InvalidInput(f"{where}: no figure {name!r}{hint}; the figures are "
                                   "named as in `casework report figures --json`")
    return found


def _flatten(table: Mapping[str, Any], prefix: str, found: dict[str, Target],
             where: str) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            raise InvalidInput(f"{where}: {name} must be a number or {{ at_least = N }} / "
                               "{ at_most = N }")
        if isinstance(value, int | float):
            found[name] = Target(name, at_least=float(value))
        elif isinstance(value, dict) and value and set(value) <= set(BOUNDS):
            bounds = {}
            for bound in BOUNDS:
                given = value.get(bound)
                if given is not None and (isinstance(given, bool)
                                          or not isinstance(given, int | float)):
                    raise InvalidInput(f"{where}: {name}.{bound} must be a number")
                bounds[bound] = None if given is None else float(given)
            found[name] = Target(name, **bounds)
        elif isinstance(value, dict):
            _flatten(value, f"{name}.", found, where)
        else:
            raise InvalidInput(f"{where}: {name} must be a number or {{ at_least = N }} / "
                               "{ at_most = N }")


def value_of(figures: Mapping[str, Any], name: str) -> float | None:
    """The number a dotted name reaches in a section's figures (`decided.yes`), or None."""
    value: Any = figures
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def targetable() -> list[str]:
    """Every figure a target may name: each declared figure that is a number."""
    import datetime as dt

    from casework.reports import declarations

    day = dt.date(2000, 4, 1)
    names = []
    for declared, _, _ in declarations():
        counted = declared.count(day, day, [])
        data = counted.as_dict()
        names += [line.key for line in declared.lines(counted) if line.key
                  and value_of(data, line.key.removeprefix(f"{declared.name}.")) is not None]
    return names


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if value == int(value) else str(value)
