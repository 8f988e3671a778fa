"""table: for the terminal, to its width (80 when not a terminal)."""

from __future__ import annotations

from typing import Any

from cli.formats import register_output_renderer
from cli.output import MOVED_NOTE, drop, due_text, late_text, table
from workflows.formats import short


@register_output_renderer("deadlines", "table")
def deadlines(data: dict[str, Any], service: Any) -> str:
    rows = data["rows"]
    late = sum(1 for r in rows if r.days_late)
    scope = "late" if data["overdue_only"] else f"late or due within {data['within']} days"
    lines = [f"Deadlines {scope} as of {short(data['as_of'])}: {len(rows)} ({late} late)"]
    if rows:
        lines.append(table(
            ["Case", "Pseudonym", "Deadline", "Agency", "Due", "Late"],
            [[r.case, r.pseudonym, r.label, r.agency or "", due_text(r),
              late_text(r, working_days=True)] for r in rows],
            cuts=(1, 2, drop(1), 3)))
        if any(r.due_on != r.original_due_on for r in rows):
            lines.append(MOVED_NOTE)
    return "\n".join(lines) + "\n"


@register_output_renderer("overdue", "table")
def overdue(listing: Any, service: Any) -> str:
    from notifications.reports import overdue_title

    lines = [f"{overdue_title(listing)}: {listing.total} item"
             f"{'s' if listing.total != 1 else ''}, {listing.escalated} escalated"]
    if not listing.groups:
        return lines[0] + "\nNothing was overdue."
    lines.append(table(["Agency", "Overdue", "Escalated", "Longest (wd)"],
                       [[g.name, g.total, g.escalated, g.longest] for g in listing.groups],
                       flex=(0,)))
    for group in listing.groups:
        lines += ["", f"{group.name}{f' ({group.code})' if group.code else ''}: "
                      f"{group.total} overdue, {group.escalated} escalated"]
        lines.append(table(
            ["Case", "Child", "Owed", "Due", "Late", "Reached"],
            [[i.reference, i.pseudonym, i.owed,
              short(i.due_on) + ("*" if i.due_on != i.original_due_on else ""),
              f"{i.working_days_late}wd" + (" P" if i.case_paused else ""),
              i.reached or "-"]
             for i in group.items],
            flex=(1,), wrap=(2,)))
    lines += ["", "Late in working days. * due date moved by an extension or a pause (the",
              "first due date is in --format csv, html and json). P: the case is paused."]
    return "\n".join(lines)


@register_output_renderer("figures", "table")
def figures(data: Any, service: Any) -> str:
    from notifications.reports import figures_title

    text = [figures_title(data.period_from, data.period_to)]
    section = ""
    for line in data.lines:
        if line.section != section:
            section = line.section
            text += ["", section]
        label = "  " * line.depth + line.label
        text.append(label if line.value is None else f"{label:<58}{line.value!s:>20}")
    return "\n".join(text)


@register_output_renderer("history", "table")
def history(data: Any, service: Any) -> str:
    """Each event a block: its day, step and move (and when it was voided), then who recorded
    it and when, what it changed and its note, indented under it."""
    from cli.output import fill, line_width

    indent, width = " " * 13, line_width()
    lines = []
    for entry in data.entries():
        mark = f"  [voided {short(entry.voided_on)}]" if entry.voided_on else ""
        lines.append(f"{short(entry.day):<11}  {entry.headline}" + mark)
        for line in (f"by {entry.actor}, recorded {short(entry.recorded)}", *entry.details):
            lines.append(fill(line, indent, indent, width))
    return "".join(line + "\n" for line in lines)
