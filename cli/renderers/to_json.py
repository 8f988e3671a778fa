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


@register_output_renderer("history", "json")
def history(data: Any, service: Any) -> str:
    """Every row shown, emails too, in the order recorded (ids ascending)."""
    from workflows.formats import labelled_data

    return json_text([{"id": r.id, "at": r.at, "effective_at": r.effective_at,
                       "actor": r.actor, "step": r.step, "from": r.from_state,
                       "to": r.to_state, "note": r.note, "data": labelled_data(r.data),
                       "voided_by": data.voided_by[r.id].id if r.id in data.voided_by
                       else None}
                      for r in data.rows]) + "\n"
