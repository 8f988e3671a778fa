"""The slippage chart: one bar per review from its decision to its completion (or to the
paper's day while still open), on a date axis. The time within the timescale is white, an
agreed extension hatched, a pause dotted and the over-run solid, so they are told apart by
pattern in black and white; the original due date is a tick above the bar. Each bar says its
figures in text, and the chart has its <title> and <desc> (the paper adds a table)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from notifications.svg import Fills, date_axis, head
from workflows.figures import Span
from workflows.formats import short

ROW, BAR, LABEL, RIGHT, TOP = 30, 14, 120, 150, 46
PARTS = (("timescale", "within the timescale", "white"),  # each part's name, words, Fills
         ("extension", "agreed extension", "hatch"),
         ("pause", "paused", "dots"),
         ("overrun", "over-run", "solid"))


@dataclass(frozen=True)
class Course:
    """A review's course in days, as the chart draws it."""

    span: Span
    end: dt.date  # its completion, or the paper's day while open
    timescale: int
    extension: int
    pause: int
    overrun: int

    @property
    def open(self) -> bool:
        return self.span.completed is None

    @property
    def paused(self) -> int:
        """The days the due date moved for the case's pauses."""
        return min(self.span.paused_days, self.moved)

    @property
    def extended(self) -> int:
        """The days the due date moved by agreed extensions (the rest of the move)."""
        return self.moved - self.paused

    @property
    def moved(self) -> int:
        return max((self.span.due - self.span.original_due).days, 0)

    def words(self) -> str:
        s = self.span
        said = [f"decided {short(s.started)}", f"originally due {short(s.original_due)}"]
        if s.due != s.original_due:
            said.append(f"due {short(s.due)} after {self.extended} days agreed as "
                        f"extensions and {self.paused} paused")
        said.append(f"still open on {short(self.end)}" if self.open
                    else f"completed {short(self.end)}")
        if s.paused_since is not None:
            said.append(f"paused since {short(s.paused_since)}")
        said.append(f"{self.overrun} days over" if self.overrun else "not over-run")
        return f"{s.reference}: " + ", ".join(said)


def course(span: Span, day: dt.date) -> Course:
    """Split a review's days into the parts the chart shows; `day` is the paper's. A review
    paused before its due date is not over-run while the pause lasts (resuming moves the date
    on): its days past the due date are drawn as paused."""
    end = span.completed or max(day, span.started)
    timescale = (min(end, span.original_due) - span.started).days
    beyond = max((end - span.original_due).days, 0)
    moved = max((span.due - span.original_due).days, 0)
    paused = min(span.paused_days, moved)
    extension = min(moved - paused, beyond)  # drawn first, then the pause
    late = max((end - span.due).days, 0)
    held = span.paused_since is not None and span.paused_since <= span.due
    return Course(span, end, max(timescale, 0), extension,
                  min(paused, beyond - extension) + (late if held else 0), 0 if held else late)


def slippage_chart(ident: str, title: str, spans: Sequence[Span], day: dt.date, *,
                   width: int = 760) -> Markup:
    """The chart over the reviews, in the order given."""
    courses = [course(span, day) for span in spans]
    first = min(c.span.started for c in courses)
    last = max(max(c.end, c.span.due) for c in courses)
    unit = (width - LABEL - RIGHT) / max((last - first).days, 1)

    def x(when: dt.date) -> float:
        return LABEL + (when - first).days * unit

    height = TOP + ROW * len(courses) + 8
    described = "; ".join(c.words() for c in courses) + "."
    fills = Fills(ident)
    out = [head(ident, "chart slippage", title, described, width, height), _legend(fills),
           date_axis(first, last, x, top=34, bottom=height - 4)]
    for index, c in enumerate(courses):
        y = TOP + ROW * index
        out.append(f'<g class="span" data-reference="{escape(c.span.reference)}" '
                   f'data-open="{"yes" if c.open else "no"}">')
        out.append(f'<text x="{LABEL - 6}" y="{y + BAR - 3}" text-anchor="end" '
                   f'font-size="11">{escape(c.span.reference)}</text>')
        at = c.span.started
        for (name, _, fill), days in zip(PARTS, (c.timescale, c.extension, c.pause,
                                                 c.overrun), strict=True):
            if days:
                until = at + dt.timedelta(days=days)
                out.append(f'<rect class="part" data-part="{name}" data-days="{days}" '
                           f'x="{x(at):.1f}" y="{y}" width="{x(until) - x(at):.1f}" '
                           f'height="{BAR}" fill="{getattr(fills, fill)}" stroke="#222" '
                           'stroke-width="1"/>')
                at = until
        tick = x(c.span.original_due)
        out.append(f'<path class="original-due" data-date="{c.span.original_due}" '
                   f'd="M{tick - 4:.1f} {y - 6} L{tick + 4:.1f} {y - 6} L{tick:.1f} {y} Z '
                   f'M{tick:.1f} {y} L{tick:.1f} {y + BAR + 3}" fill="#222" stroke="#222" '
                   'stroke-width="1.5"/>')
        note = ("paused" if c.span.paused_since else
                f"open, {c.overrun}d over" if c.open and c.overrun else "open" if c.open
                else f"{c.overrun}d over" if c.overrun else "on time")
        out.append(f'<text x="{x(c.end) + 5:.1f}" y="{y + BAR - 3}" font-size="10">'
                   f'{escape(note)}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def _legend(fills: Fills) -> str:
    parts, x = [], 0
    for _, name, fill in PARTS:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{getattr(fills, fill)}" '
                     f'stroke="#222"/><text x="{x + 16}" y="14" font-size="11">{name}</text>')
        x += 28 + 6 * len(name)
    parts.append(f'<path d="M{x} 5 L{x + 8} 5 L{x + 4} 11 Z M{x + 4} 11 L{x + 4} 17" '
                 f'fill="#222" stroke="#222"/><text x="{x + 14}" y="14" font-size="11">'
                 'original due date</text>')
    return f'<g class="legend">{"".join(parts)}</g>'
