"""Charts for the board's papers as inline SVG, drawn here: no JavaScript, no dependency.

Printed in black and white, so each series is told apart by its fill pattern (white, hatched,
dotted, solid) and its legend, never by colour alone; every bar carries its number in text,
and the chart its own text alternative (<title> and <desc>) for a screen reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Fills:
    """A chart's four fills, white, hatched, dotted and solid. The patterns' ids are the
    chart's own: a paper's inline charts share one page, where an id must be unique."""

    ident: str
    white: str = "#fff"
    solid: str = "#222"

    @property
    def hatch(self) -> str:
        return f"url(#{self.ident}-hatch)"

    @property
    def dots(self) -> str:
        return f"url(#{self.ident}-dots)"

    def series(self, number: int) -> str:
        """The fill of the `number`th series, in the order white, hatched, dotted, solid."""
        return (self.white, self.hatch, self.dots, self.solid)[number % 4]

    def defs(self) -> str:
        return (f'<defs><pattern id="{self.ident}-hatch" width="6" height="6" '
                'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                '<rect width="6" height="6" fill="#fff"/>'
                '<line x1="0" y1="0" x2="0" y2="6" stroke="#222" stroke-width="2"/></pattern>'
                f'<pattern id="{self.ident}-dots" width="5" height="5" '
                'patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ddd"/>'
                '<circle cx="2.5" cy="2.5" r="1.3" fill="#222"/></pattern></defs>')


def head(ident: str, classes: str, title: str, description: str, width: int,
         height: int) -> str:
    """A chart's opening: its box, its text alternative (<title> and <desc>, named by
    aria-labelledby) and its fill patterns."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" id="{ident}" '
            f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">'
            f'<title id="{ident}-title">{escape(title)}</title>'
            f'<desc id="{ident}-desc">{escape(description)}</desc>{Fills(ident).defs()}')


ROW, BAR, LABEL, RIGHT = 34, 14, 190, 70
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Row:
    """One bar: its label, the parts stacked in it (one per series) and, when there is one,
    the earlier figure drawn beside it as an outline."""

    label: str
    parts: Sequence[int]
    previous: int | None = None


def stacked_bars(ident: str, title: str, description: str, series: Sequence[str],
                 rows: Sequence[Row], *, previous_label: str = "",
                 width: int = 720) -> Markup:
    """Horizontal bars, one per row, stacked by series; an outlined bar under each for its
    earlier figure when `previous_label` names it."""
    top = 30
    height = top + ROW * len(rows) + 12
    scale_max = max([sum(r.parts) for r in rows] + [r.previous or 0 for r in rows] + [1])
    unit = (width - LABEL - RIGHT) / scale_max
    fills = Fills(ident)
    out = [head(ident, "chart", title, description, width, height),
           _legend(fills, series, previous_label)]
    for index, row in enumerate(rows):
        y = top + ROW * index
        out.append(f'<text x="{LABEL - 6}" y="{y + BAR - 3}" text-anchor="end" '
                   f'font-size="11">{escape(cut(row.label, 30))}</text>')
        x = float(LABEL)
        for number, part in enumerate(row.parts):
            if part:
                w = part * unit
                out.append(f'<rect class="bar" data-series="{escape(series[number])}" '
                           f'data-value="{part}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                           f'height="{BAR}" fill="{fills.series(number)}" '
                           'stroke="#222" stroke-width="1"/>')
                x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + BAR - 3}" font-size="11" '
                   f'font-weight="bold">{sum(row.parts)}</text>')
        if previous_label and row.previous is not None:
            w = row.previous * unit
            out.append(f'<rect class="previous" data-value="{row.previous}" x="{LABEL}" '
                       f'y="{y + BAR + 2}" width="{w:.1f}" height="6" fill="none" '
                       'stroke="#222" stroke-dasharray="3 2"/>')
            out.append(f'<text x="{LABEL + w + 4:.1f}" y="{y + BAR + 8}" font-size="9">'
                       f'{row.previous} {escape(previous_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _legend(fills: Fills, series: Sequence[str], previous_label: str) -> str:
    parts, x = [], 0
    for number, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" '
                     f'fill="{fills.series(number)}" stroke="#222"/>'
                     f'<text x="{x + 16}" y="14" font-size="11">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    if previous_label:
        parts.append(f'<rect x="{x}" y="8" width="12" height="6" fill="none" stroke="#222" '
                     f'stroke-dasharray="3 2"/><text x="{x + 16}" y="14" font-size="11">'
                     f'{escape(previous_label)}</text>')
    return f'<g class="legend">{"".join(parts)}</g>'


def cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def date_axis(first: dt.date, last: dt.date, x: Callable[[dt.date], float], *, top: float,
              bottom: float, label: float | None = None) -> str:
    """A light line from `top` to `bottom` at the start of each month (or quarter, or year,
    as the span needs), named at height `label` (just above `top` unless given), so a bar's
    dates can be read."""
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 6 else 3 if months <= 30 else 12
    year, month = first.year, first.month
    out = []
    while (year, month) <= (last.year, last.month):
        if (month - 1) % step == 0:
            day = dt.date(year, month, 1)
            if day >= first:
                at = x(day)
                out.append(f'<line x1="{at:.1f}" y1="{top}" x2="{at:.1f}" y2="{bottom}" '
                           'stroke="#bbb" stroke-width="0.5"/><text x="{:.1f}" y="{}" '
                           'font-size="9" text-anchor="middle">{} {}</text>'
                           .format(at, top - 2 if label is None else label, MONTHS[month - 1],
                                   year))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f'<g class="axis">{"".join(out)}</g>'
