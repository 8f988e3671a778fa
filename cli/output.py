"""Tables that fit an 80-column terminal, and JSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import click

from workflows.formats import short

WIDTH = 80


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
          flex: Sequence[int] = (), wrap: Sequence[int] = (), width: int = WIDTH) -> str:
    """Columns two spaces apart, cut to fit `width`: `flex` columns with …, `wrap` columns
    onto further lines."""
    import textwrap

    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(map(len, column)) for column in zip(*cells, strict=True)]
    excess = sum(widths) + 2 * (len(widths) - 1) - width
    for index in sorted({*flex, *wrap}, key=lambda i: -widths[i]):
        if excess <= 0:
            break
        cut = min(excess, widths[index] - max(len(headers[index]), 6))
        if cut > 0:
            widths[index] -= cut
            excess -= cut
    # Only a flex or wrap column can be wider than its width: the rest just pad.
    pad = "  ".join(f"{{{i}:<{w}}}" for i, w in enumerate(widths))
    if not wrap:  # one line a row: the long listings take this way
        return _unwrapped(cells, widths, flex, pad)
    lines = []
    for number, row in enumerate(cells):
        for i in flex:
            row[i] = _cut(row[i], widths[i])
        stacked = {i: textwrap.wrap(row[i], widths[i]) or [""] for i in wrap}
        for level in range(max((len(p) for p in stacked.values()), default=1)):
            line = row if level == 0 else [""] * len(row)
            for i, pieces in stacked.items():
                line[i] = pieces[level] if level < len(pieces) else ""
            lines.append(pad.format(*line).rstrip())
        if number == 0:
            lines.append(_rule(widths))
    return "\n".join(lines)


def _unwrapped(cells: list[list[str]], widths: list[int], flex: Sequence[int],
               pad: str) -> str:
    cuts = [(i, widths[i]) for i in flex]
    fmt = pad.format
    lines = []
    for row in cells:
        for i, width in cuts:
            if len(row[i]) > width:  # most cells fit: no call for those
                row[i] = _cut(row[i], width)
        lines.append(fmt(*row).rstrip())
    lines.insert(1, _rule(widths))
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


def wrap_pairs(pairs: Sequence[tuple[str, Any]], *, width: int = WIDTH) -> str:
    """`label  value` lines, the values aligned and wrapped to the terminal's width."""
    import textwrap

    label_width = max((len(k) for k, _ in pairs), default=0)
    lines = []
    for label, value in pairs:
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        wrapped = textwrap.wrap(text, width - label_width - 2) or [""]
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
