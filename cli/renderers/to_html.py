"""html: a printable board paper, from `templates/report/` (which a board may override)."""

from __future__ import annotations

from typing import Any

from cli.formats import register_output_renderer


@register_output_renderer("overdue", "html")
def overdue(listing: Any, service: Any) -> str:
    from notifications.reports import overdue_html

    return overdue_html(service, listing)


@register_output_renderer("figures", "html")
def figures(data: Any, service: Any) -> str:
    from notifications.reports import figures_html

    return figures_html(service, data)


@register_output_renderer("timeline", "html")
def timeline(data: Any, service: Any) -> str:
    from notifications.reports import timeline_html

    return timeline_html(service, data)


@register_output_renderer("history", "html")
def history(data: Any, service: Any) -> str:
    from notifications.reports import history_html

    return history_html(service, data)
