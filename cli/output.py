"""Tables that fit the terminal, and JSON for scripts.

A table is drawn to the terminal's width: 80 columns when the output is not a terminal or
goes to a file (`--output`), `$COLUMNS` when set, no limit under `--wide`. Each table says
which of its columns it can spare, least useful first: a column is shortened (with …),
wrapped, or left out in that order until the table fits; the columns it does not name are
never cut, so what a reader needs from a listing (a case's reference, an agency's address, a
due date) survives any width.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

import click

from workflows.formats import short

WIDTH = 80  # when the output is not a terminal


def table_width() -> int | None:
    """The columns a table may take: None under `--wide` (never cut)."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and getattr(root.obj, "wide", False):
        return None
    if ctx is not None and ctx.params.get("output"):  # --output FILE: not a terminal either
        return WIDTH
    given = os.environ.get("COLUMNS", "").strip()
    if given.isascii() and given.isdigit() and int(given) > 0:
        return int(given)
    if _is_terminal():
        import shutil

        return shutil.get_terminal_size((WIDTH, 24)).columns
    return WIDTH


def line_width() -> int:
    """The width text is wrapped to: the tables' (no limit under `--wide`)."""
    return table_width() or 10_000


_DATE = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b")  # as workflows.formats.short writes


def fill(text: str, first: str = "", rest: str = "", width: int | None = None) -> str:
    """`text` wrapped to the terminal's width at spaces only: a name, a reference, a choice,
    a hyphenated word or a date ("28 Feb 2013") is never split across lines (one longer than
    a line stands alone)."""
    kept = _DATE.sub(lambda m: m.group(0).replace(" ", "\xa0"), text)  # textwrap keeps NBSP
    return textwrap.fill(kept, width or line_width(), initial_indent=first,
                         subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False).replace("\xa0", " ")


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed, or replaced by something without one
        return False


def drop(column: int) -> int:
    """A column a table may leave out whole (as in `cuts=(drop(4), 2)`)."""
    return -1 - column


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
          cuts: Sequence[int] = (), flex: Sequence[int] = (), wrap: Sequence[int] = (),
          width: int | str | None = "terminal") -> str:
    """Columns two spaces apart, fitted to `width` (default: the terminal's).

    `cuts` lists what the table may give up, least useful first: a column's index to shorten
    it (with …, or onto further lines when it is in `wrap`) down to its header or 6
    characters, `drop(index)` to leave it out. `flex` and `wrap` columns not in `cuts` are
    shortened after those, the widest first. A shortened column gets back what a later cut
    freed."""
    import textwrap

    limit = table_width() if width == "terminal" else width
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(map(len, column)) for column in zip(*cells, strict=True)]
    rest = sorted({*flex, *wrap} - set(cuts), key=lambda i: -widths[i])  # the widest first
    steps = [*cuts, *rest]
    full = list(widths)
    shown = list(range(len(widths)))
    if limit is not None:
        excess = sum(widths) + 2 * (len(widths) - 1) - limit
        for step in steps:
            if excess <= 0:
                break
            if step < 0:
                shown.remove(-1 - step)
                excess -= widths[-1 - step] + 2
                continue
            cut = min(excess, widths[step] - max(len(headers[step]), 6))
            if cut > 0:
                widths[step] -= cut
                excess -= cut
        for step in reversed(steps):  # what a dropped column freed, back to the shortened
            if excess >= 0:
                break
            if step >= 0 and step in shown:
                back = min(-excess, full[step] - widths[step])
                widths[step] += back
                excess += back
    cells = [[row[i] for i in shown] for row in cells]
    wrapped = [n for n, i in enumerate(shown) if i in wrap]
    widths = [widths[i] for i in shown]
    pad = "  ".join(f"{{{n}:<{w}}}" for n, w in enumerate(widths))
    fitted = [(n, w) for n, w in enumerate(widths) if n not in wrapped]
    if not wrapped:  # one line a row: the long listings take this way
        return _unwrapped(cells, fitted, pad)
    lines = []
    for number, row in enumerate(cells):
        for n, w in fitted:
            if len(row[n]) > w:
                row[n] = _cut(row[n], w)
        stacked = {n: textwrap.wrap(row[n], widths[n], break_long_words=False,
                                    break_on_hyphens=False) or [""]
                   for n in wrapped}
        for level in range(max((len(p) for p in stacked.values()), default=1)):
            line = row if level == 0 else [""] * len(row)
            for n, pieces in stacked.items():
                line[n] = pieces[level] if level < len(pieces) else ""
            lines.append(pad.format(*line).rstrip())
        if number == 0:
            lines.append(_rule(widths))
    return "\n".join(lines)


def _unwrapped(cells: list[list[str]], fitted: list[tuple[int, int]], pad: str) -> str:
    fmt = pad.format
    lines = []
    for row in cells:
        for n, width in fitted:
            if len(row[n]) > width:  # most cells fit: no call for those
                row[n] = _cut(row[n], width)
        lines.append(fmt(*row).rstrip())
    lines.insert(1, _rule([width for _, width in fitted]))
    return "\n".join(lines)


def _rule(widths: Sequence[int]) -> str:
    return "  ".join("-" * w for w in widths)


def _cut(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def emit_json(data: Any) -> None:
    click.echo(json_text(data))


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def wrap_pairs(pairs: Sequence[tuple[str, Any]], *, width: int | None = None) -> str:
    """`label  value` lines, the values aligned and wrapped to the terminal's width."""
    import textwrap

    width = width or line_width()
    label_width = max((len(k) for k, _ in pairs), default=0)
    lines = []
    for label, value in pairs:
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        wrapped = textwrap.wrap(text, width - label_width - 2, break_long_words=False,
                                break_on_hyphens=False) or [""]
        lines.append(f"{label.ljust(label_width)}  {wrapped[0]}")
        lines.extend(" " * (label_width + 2) + more for more in wrapped[1:])
    return "\n".join(lines)


MOVED_NOTE = "* moved by an extension or a pause"


def due_text(row: Any) -> str:
    """A deadline's due date, starred when an extension or a pause moved it."""
    return short(row.due_on) + ("*" if row.due_on != row.original_due_on else "")


def late_text(row: Any, *, working_days: bool = False) -> str:
    """How late a listed deadline is: `4d` (`4d (2wd)`), `paused`, or nothing."""
    if row.days_late:
        extra = f" ({row.working_days_late}wd)" if working_days else ""
        return f"{row.days_late}d{extra}"
    return "paused" if row.case_paused else ""
