"""csv: for a spreadsheet (RFC 4180, a formula typed by someone kept as text)."""

from __future__ import annotations

from typing import Any

from cli.formats import register_output_renderer


@register_output_renderer("overdue", "csv")
def overdue(listing: Any, service: Any) -> str:
    from notifications.reports import overdue_csv

    return overdue_csv(listing)


@register_output_renderer("figures", "csv")
def figures(data: Any, service: Any) -> str:
    from notifications.reports import figures_csv

    return figures_csv(data.lines, data.period_from, data.period_to)


@register_output_renderer("history", "csv")
def history(data: Any, service: Any) -> str:
    from notifications.reports import history_csv

    return history_csv(data)
