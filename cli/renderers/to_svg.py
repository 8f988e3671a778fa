"""svg: a paper's chart alone, as a standalone SVG file (black and white, with its text
alternative), for a slide or another document."""

from __future__ import annotations

from typing import Any

from cli.formats import register_output_renderer

PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n'


@register_output_renderer("overdue", "svg")
def overdue(listing: Any, service: Any) -> str:
    from notifications.reports import overdue_chart

    return PROLOGUE + str(overdue_chart(service, listing)) + "\n"


@register_output_renderer("timeline", "svg")
def timeline(data: Any, service: Any) -> str:
    from notifications.svg_timeline import timeline_chart

    return PROLOGUE + str(timeline_chart(data)) + "\n"
