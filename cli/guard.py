"""One gate for every argument of every command: what is not clean text, or not a number a
database can hold, stops here with `Error:` and exit 2, before any command runs.

Arguments that were not valid UTF-8 arrive as lone surrogates (Python's surrogateescape): they
could be neither stored nor printed back, so they used to end in tracebacks. The gate wraps each
parameter's own type conversion (a copy of the type, so click's shared instances stay as they
were), which also covers values taken from the environment ($CASEWORK_ACTOR).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import click
from click.core import ParameterSource

LONGEST = 20_000  # characters: a long rationale fits; a runaway paste does not
BIGGEST = 2**63 - 1  # what a database integer holds
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_ALLOWED_CONTROLS = "\t\n\r"


def text_problem(value: str) -> str | None:
    """What makes `value` unfit to store and print back, or None."""
    if not value.strip():
        return "is empty: give a value, or leave the option out"
    if len(value) > LONGEST:
        return f"is {len(value)} characters long (at most {LONGEST})"
    for position, char in enumerate(value, 1):
        if "\ud800" <= char <= "\udfff":
            return f"is not valid text (not UTF-8) at character {position}"
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            return f"holds a control character (U+{ord(char):04X}) at character {position}"
        if char.isdigit() and not char.isascii():
            return f"holds the digit {char!r} at character {position}: type digits as 0-9"
    return None


def shown(value: str) -> str:
    """A number or a path as an error may quote it: printable, and short."""
    safe = value.encode("utf-8", "backslashreplace").decode("utf-8")
    safe = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in safe)
    return repr(safe if len(safe) <= 40 else safe[:37] + "...")


def _checked(convert: Callable[..., Any], integer: bool) -> Callable[..., Any]:
    def convert_checked(value: Any, param: click.Parameter | None,
                        ctx: click.Context | None) -> Any:
        typed = (ctx is None or param is None or param.name is None
                 or ctx.get_parameter_source(param.name) is not ParameterSource.DEFAULT)
        if isinstance(value, str) and typed:
            problem = text_problem(value)
            if problem:  # the text itself not repeated: it may be a child's name
                raise click.BadParameter(f"the value {problem}", ctx, param)
            if integer and not _INTEGER.fullmatch(value.strip()):
                raise click.BadParameter(f"{shown(value)} is not a whole number written "
                                         "in digits 0-9", ctx, param)
        result = convert(value, param, ctx)
        if integer and isinstance(result, int) and abs(result) > BIGGEST:
            raise click.BadParameter(f"{shown(str(value))} is too large a number", ctx, param)
        return result

    return convert_checked


def _commands(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _commands(sub)


def guard(root: click.Command) -> None:
    """Put the gate in front of every parameter of `root` and its subcommands (once)."""
    for command in _commands(root):
        for param in command.params:
            if getattr(param.type, "_guarded", False):
                continue
            kind = copy.copy(param.type)
            integer = isinstance(kind, click.types.IntParamType)
            kind.convert = _checked(kind.convert, integer)  # type: ignore[method-assign]
            kind._guarded = True  # type: ignore[attr-defined]
            param.type = kind
