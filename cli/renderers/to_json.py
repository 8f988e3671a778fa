"""json: for scripts (dates as YYYY-MM-DD)."""

from __future__ import annotations

from typing import Any

from cli.formats import register_output_renderer
from cli.output import json_text


@register_output_renderer("deadlines", "json")
def deadlines(data: dict[str, Any], service: Any) -> str:
    return json_text({"as_of": data["as_of"],
                      "deadlines": [r.as_dict() for r in data["rows"]]}) + "\n"


@register_output_renderer("overdue", "json")
def overdue(listing: Any, service: Any) -> str:
    return json_text(listing.as_dict()) + "\n"


@register_output_renderer("figures", "json")
def figures(data: Any, service: Any) -> str:
    return json_text({"period_from": data.period_from, "period_to": data.period_to,
                      **{name: section.as_dict() for name, section in data.sections.items()}}
                     ) + "\n"
