"""The board's reports as they leave the building: CSV for a spreadsheet, HTML for a board
paper (from `templates/report/`, which a board may override), and the overdue listing emailed
to the board's mailbox with its CSV attached.

The figures are one list of lines (`casework.reports.Period.lines`, each process's as its
definition gives them) that the terminal, the CSV and the HTML all print, so the three
cannot disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from casework.dates import local_date
from casework.errors import InvalidInput
from casework.models import OutboxEmail
from casework.overdue import OverdueListing, overdue_listing
from workflows.figures import FigureLine
from workflows.formats import clock_time, in_words, short

if TYPE_CHECKING:
    from casework.chronology import Chronology
    from casework.reports import Period
    from casework.service import CaseService

OVERDUE_COLUMNS = ("Agency code", "Agency", "Case", "Pseudonym", "Case kind", "Item",
                   "What is owed", "Originally due", "Due", "Extensions", "Days late",
                   "Working days late", "Level reached", "Reminders and escalations",
                   "Case paused")
# A cell a spreadsheet would read as a formula is written with a leading apostrophe (OWASP's
# advice on CSV injection): action titles and pseudonyms are typed by people.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def overdue_title(listing: OverdueListing) -> str:
    return f"Overdue actions and requests as of {in_words(listing.as_of)}"


def overdue_csv(listing: OverdueListing) -> str:
    """One row per overdue item, dates as YYYY-MM-DD and numbers as numbers."""
    rows = [[group.code or "", group.name, item.reference, item.pseudonym, item.case_kind,
             item.label, item.owed, item.original_due_on.isoformat(), item.due_on.isoformat(),
             item.extensions, item.days_late, item.working_days_late, item.level or "",
             item.level_text, "yes" if item.case_paused else "no"]
            for group in listing.groups for item in group.items]
    return _csv(OVERDUE_COLUMNS, rows)


def overdue_html(service: CaseService, listing: OverdueListing) -> str:
    return _renderer(service).page("overdue", {
        "listing": listing, "title": overdue_title(listing), "produced": _produced(service),
        "chart": overdue_chart(service, listing), **_paper(service)})


LEVELS = (("", "not yet reminded"), ("reminded", "reminded"), ("escalated", "escalated"),
          ("chair", "escalated to the board chair"))


def overdue_chart(service: CaseService, listing: OverdueListing) -> Any:
    """Overdue items by agency, stacked by the level each reached, beside the listing of a
    week before (the weekly paper's last), so slippage shows at a glance."""
    from notifications.svg import Row, stacked_bars

    before = overdue_listing(service, listing.as_of - dt.timedelta(days=7))
    earlier = {group.code: group.total for group in before.groups}
    rows = [Row(group.name, [sum(1 for i in group.items if i.reached == level)
                             for level, _ in LEVELS], earlier.get(group.code, 0))
            for group in listing.groups]
    week = short(before.as_of)
    said = "; ".join(
        f"{group.name} {group.total} ("
        + ", ".join(f"{n} {name}" for n, (_, name) in zip(row.parts, LEVELS, strict=True)
                    if n) + f"), {row.previous} on {week}"
        for group, row in zip(listing.groups, rows, strict=True))
    return stacked_bars("overdue-chart", "Overdue items by agency and level reached",
                        f"As of {short(listing.as_of)}: {said or 'nothing overdue'}.",
                        [name for _, name in LEVELS], rows, previous_label=f"on {week}")


def _paper(service: CaseService) -> dict[str, Any]:
    """What every page of a paper carries: the board's marking and logo."""
    return {"marking": service.settings.marking, "logo": service.settings.logo}


def figures_title(period_from: dt.date, period_to: dt.date) -> str:
    return f"Figures for {short(period_from)} to {short(period_to)}"


def figures_csv(lines: Sequence[FigureLine], period_from: dt.date, period_to: dt.date) -> str:
    """Section, figure, value and period on each row; the headings are left out."""
    rows = [[line.section, line.label, line.value, line.key, period_from.isoformat(),
             period_to.isoformat()] for line in lines if line.value is not None]
    return _csv(("Section", "Figure", "Value", "Name", "From", "To"), rows)


def figures_html(service: CaseService, period: Period) -> str:
    from notifications.figures_paper import figures_context

    sections: dict[str, list[FigureLine]] = {}
    for line in period.lines:
        sections.setdefault(line.section, []).append(line)
    return _renderer(service).page("figures", {
        "board": service.settings.board_name, "sections": sections,
        "title": figures_title(period.period_from, period.period_to),
        "period_from": period.period_from, "period_to": period.period_to,
        "produced": _produced(service), **figures_context(service, period),
        **_paper(service)})


def email_overdue_listing(service: CaseService, as_of: dt.date, *, actor: str,
                          key: str) -> tuple[OutboxEmail | None, OverdueListing]:
    """Queue the overdue listing as of a day to the board's mailbox: the board paper as the
    HTML body, a plain-text alternative, and the CSV attached. Once per `key` (the weekly job
    uses one per week, so several workers queue it once); the caller commits."""
    from notifications.notifier import queue_email

    mailbox = service.board_contacts().get("mailbox")
    if mailbox is None:
        raise InvalidInput("the board has no mailbox to send the listing to: set it with "
                           "`casework board set-contact mailbox --email ADDRESS`")
    listing = overdue_listing(service, as_of)
    attachment = {"filename": f"overdue-{listing.as_of.isoformat()}.csv",
                  "content_type": "text/csv", "text": overdue_csv(listing)}
    row = queue_email(
        service, _renderer(service, email=True), key=key, kind="overdue_listing",
        names=["overdue_listing"], to=mailbox.email, actor=actor, attachments=[attachment],
        context={"listing": listing, "title": overdue_title(listing),
                 "produced": _produced(service), **_paper(service)},
        history_data={"as_of": listing.as_of.isoformat(), "items": listing.total})
    return row, listing


def _renderer(service: CaseService, *, email: bool = False) -> Any:
    from notifications.render import Renderer

    settings = service.settings
    return Renderer(settings.mail.templates if email else settings.report_templates)


def _produced(service: CaseService) -> str:
    now = service.clock.now()
    return f"{short(local_date(now))} at {clock_time(now)}"


def _csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: quoted where needed, CRLF line ends
    writer.writerow(headers)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def timeline_html(service: CaseService, timeline: Any) -> str:
    from notifications.svg_timeline import timeline_chart

    return _renderer(service).page("timeline", {
        "timeline": timeline, "chart": timeline_chart(timeline),
        "title": f"Timeline of {timeline.reference} as of {short(timeline.as_of)}",
        "board": service.settings.board_name, "produced": _produced(service),
        **_paper(service)})


HISTORY_COLUMNS = ("Date", "Time", "What happened", "Recorded by", "Recorded on", "Voided on")


def history_csv(chronology: Chronology) -> str:
    """One row per event in the order things happened, the columns of the printed paper:
    dates as YYYY-MM-DD, "Recorded on" only when later than the day it happened, what
    happened as the terminal says it, a line each."""
    return _csv(HISTORY_COLUMNS, [
        [e.day.isoformat(), e.time, "\n".join((e.headline, *e.details)), e.actor,
         e.recorded_later.isoformat() if e.recorded_later else "",
         e.voided_on.isoformat() if e.voided_on else ""] for e in chronology.entries()])


def history_html(service: CaseService, chronology: Chronology) -> str:
    return _renderer(service).page("history", {
        "chronology": chronology, "entries": chronology.entries(),
        "title": f"Chronology of {chronology.reference}",
        "board": service.settings.board_name, "produced": _produced(service),
        **_paper(service)})
