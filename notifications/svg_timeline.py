"""A case's timeline as inline SVG: its stages as bands across the chart (named, shaded in
turn; a pause a dotted strip under their names), each agency's request as a bar from asked
to received - white when received, hatched while still open - with its original due date a
tick, reminders as open circles and escalations as solid diamonds (shape, not colour). With
its <title> and <desc>; the paper adds tables of the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from markupsafe import Markup

from casework.timeline import Request, Timeline
from notifications.svg import Fills, cut, date_axis, head
from workflows.formats import short

ROW, BAR, LABEL, RIGHT, TOP, BANDS = 28, 12, 210, 60, 84, 20


def timeline_chart(timeline: Timeline, *, width: int = 900) -> Markup:
    first = min([timeline.opened, *(r.asked for r in timeline.requests)])
    last = timeline.end
    unit = (width - LABEL - RIGHT) / max((last - first).days, 1)

    def x(when: dt.date) -> float:
        return LABEL + (when - first).days * unit

    ident = f"timeline-{timeline.reference}"
    height = TOP + ROW * max(len(timeline.requests), 1) + 8
    fills = Fills(ident)
    out = [head(ident, "chart timeline", _title(timeline), describe(timeline), width, height),
           _legend(fills)]
    for number, band in enumerate(timeline.bands):
        left, right = x(band.start), max(x(band.end), x(band.start) + 2)
        out.append(f'<g class="band" data-stage="{escape(band.stage)}">'
                   f'<rect x="{left:.1f}" y="{TOP - 26}" width="{right - left:.1f}" '
                   f'height="{height - TOP + 22}" fill="{"#eee" if number % 2 else "#fff"}" '
                   'stroke="#888" stroke-width="0.5"/>'
                   f'<text x="{left + 2:.1f}" y="{TOP - 16 + 9 * (number % 2)}" font-size="9">'
                   f'{escape(cut(band.title, max(int((right - left) / 5), 1)))}</text></g>')
    for pause in timeline.pauses:  # a dotted strip under the stages' names
        left = x(pause.start)
        right = max(x(pause.end or timeline.as_of), left + 2)
        out.append(f'<g class="pause" data-from="{pause.start}" '
                   f'data-to="{pause.end or ""}"><rect x="{left:.1f}" y="{TOP - 8}" '
                   f'width="{right - left:.1f}" height="5" fill="{fills.dots}" stroke="#222" '
                   'stroke-width="0.5"/></g>')
    out.append(date_axis(first, last, x, top=TOP - 6, bottom=height - 4, label=TOP - 30))
    out.append(f'<line class="as-of" x1="{x(timeline.as_of):.1f}" y1="{TOP - 26}" '
               f'x2="{x(timeline.as_of):.1f}" y2="{height - 4}" stroke="#222" '
               'stroke-dasharray="4 3"/>')
    for index, request in enumerate(timeline.requests):
        out.append(_request(request, TOP + ROW * index, x, timeline.as_of, fills))
    out.append("</svg>")
    return Markup("".join(out))


def _request(request: Request, y: int, at: Callable[[dt.date], float],
             as_of: dt.date, fills: Fills) -> str:
    end = request.received or as_of
    left, right = at(request.asked), max(at(end), at(request.asked) + 2)
    fill = fills.white if request.received else fills.hatch
    tick = at(request.original_due)
    out = [f'<g class="request" data-key="{escape(request.key)}" '
           f'data-agency="{escape(request.agency)}" data-asked="{request.asked}" '
           f'data-until="{end}" data-open="{"no" if request.received else "yes"}">',
           f'<text x="{LABEL - 6}" y="{y + BAR - 2}" text-anchor="end" font-size="10">'
           f'{escape(cut(f"{request.agency}: {request.owed}", 38))}</text>',
           f'<rect class="bar" x="{left:.1f}" y="{y}" width="{right - left:.1f}" '
           f'height="{BAR}" fill="{fill}" stroke="#222" stroke-width="1"/>',
           f'<path class="original-due" data-date="{request.original_due}" '
           f'd="M{tick - 4:.1f} {y - 5} L{tick + 4:.1f} {y - 5} L{tick:.1f} {y} Z" '
           'fill="#222"/>']
    for mark in request.marks:
        mx, my = at(mark.on), y + BAR / 2
        if mark.kind == "reminder":
            out.append(f'<circle class="mark reminder" data-on="{mark.on}" cx="{mx:.1f}" '
                       f'cy="{my}" r="4" fill="#fff" stroke="#222" stroke-width="1.5"/>')
        else:
            out.append(f'<path class="mark escalation" data-on="{mark.on}" '
                       f'd="M{mx:.1f} {my - 6} L{mx + 5:.1f} {my} L{mx:.1f} {my + 6} '
                       f'L{mx - 5:.1f} {my} Z" fill="#222" stroke="#fff" stroke-width="0.8"/>')
    state = "open" if not request.received else "received" if request.status == "met" \
        else request.status.replace("_", " ")
    out.append(f'<text x="{right + 4:.1f}" y="{y + BAR - 2}" font-size="9">{state}</text></g>')
    return "".join(out)


def _legend(fills: Fills) -> str:
    return ('<g class="legend" font-size="10">'
            '<rect x="0" y="3" width="14" height="10" fill="#fff" stroke="#222"/>'
            '<text x="18" y="12">received</text>'
            f'<rect x="80" y="3" width="14" height="10" fill="{fills.hatch}" stroke="#222"/>'
            '<text x="98" y="12">still open</text>'
            '<path d="M170 3 L178 3 L174 9 Z" fill="#222"/>'
            '<text x="182" y="12">originally due</text>'
            '<circle cx="272" cy="8" r="4" fill="#fff" stroke="#222" stroke-width="1.5"/>'
            '<text x="280" y="12">reminder</text>'
            '<path d="M344 2 L349 8 L344 14 L339 8 Z" fill="#222"/>'
            '<text x="353" y="12">escalation</text>'
            '<line x1="420" y1="8" x2="440" y2="8" stroke="#222" stroke-dasharray="4 3"/>'
            '<text x="444" y="12">the day of the paper</text>'
            f'<rect x="560" y="6" width="20" height="5" fill="{fills.dots}" stroke="#222" '
            'stroke-width="0.5"/><text x="584" y="12">case paused</text></g>')


def _title(timeline: Timeline) -> str:
    return f"Timeline of {timeline.reference} as of {short(timeline.as_of)}"


def describe(timeline: Timeline) -> str:
    """The chart in words: each stage with its dates, each request and its marks."""
    stages = "; ".join(f"{b.title} from {short(b.start)}" for b in timeline.bands)
    asked = []
    for r in timeline.requests:
        said = (f"{r.agency} asked {short(r.asked)} for {r.owed}, due {short(r.due)}, "
                + (f"still open on {short(timeline.as_of)}" if r.received is None
                   else f"{'received' if r.status == 'met' else r.status.replace('_', ' ')} "
                        f"{short(r.received)}"))
        reminders = sum(1 for m in r.marks if m.kind == "reminder")
        escalations = len(r.marks) - reminders
        if r.marks:
            said += f" ({reminders} reminder{'s' * (reminders != 1)}, {escalations} " \
                    f"escalation{'s' * (escalations != 1)})"
        asked.append(said)
    paused = "; ".join(f"from {short(p.start)} to {short(p.end)}" if p.end
                       else f"from {short(p.start)}, still paused" for p in timeline.pauses)
    return (f"Stages: {stages or 'none'}." + (f" Paused {paused}." if paused else "")
            + f" Requests: {'; '.join(asked) or 'none'}.")
