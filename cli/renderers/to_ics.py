"""ics: an agency's calendar (iCalendar, RFC 5545)."""

from __future__ import annotations

from typing import Any

from cli.formats import register_output_renderer


@register_output_renderer("deadlines", "ics")
def deadlines(data: dict[str, Any], service: Any) -> str:
    from notifications.ics import deadline_calendar

    return deadline_calendar(service, agency=data["agency"])
