"""`casework death ...`: what only a child death review has."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from cli.app import (
    App,
    actor_name,
    actor_option,
    child_names_option,
    json_option,
    on_option,
    pass_app,
    wide_option,
)
from cli.output import drop, emit_json, table
from cli.pager import paged
from workflows.formats import short


@click.group()
def death() -> None:
    """Child deaths: notify a death, manage CDOP meetings, export the national data."""


@death.command()
@click.option("--pseudonym", required=True,
              help="How the child is known in the review, e.g. 'Child B'. Never a real name.")
@click.option("--died", metavar="DATE", required=True,
              help="Date and time of the death: 'YYYY-MM-DD HH:MM' (or a date alone).")
@click.option("--age-band", required=True,
              help="0-27d, 28-364d, 1-4y, 5-9y, 10-14y or 15-17y (no date of birth).")
@click.option("--place", required=True,
              help="Where the child died: home, hospital, hospice, public_place or other.")
@click.option("--notifier", required=True,
              help="The professional who notified: name and role.")
@click.option("--agency", "notifier_agency", metavar="CODE", required=True,
              help="The notifying professional's agency.")
@click.option("--residence", required=True,
              help="The area the child normally lived in (e.g. Kent).")
@click.option("--death", "expectation", required=True,
              type=click.Choice(["expected", "unexpected", "not_known"], case_sensitive=False),
              help="Expected or unexpected, as the notifier sees it (or not_known yet).")
@click.option("--nhs-number", default=None, metavar="NUMBER",
              help="The child's NHS number, to find a death notified twice: checked, then "
                   "kept only as a keyed hash (needs CASEWORK_IDENTITY_KEY or "
                   "CASEWORK_IDENTITY_KEY_FILE).")
@click.option("--different-child", is_flag=True,
              help="Confirm this is a different child from a matching notification.")
@child_names_option
@click.option("--note", default=None, help="A note for the history (no identifying details).")
@on_option
@actor_option
@json_option
@pass_app
def notify(app: App, pseudonym: str, died: str, age_band: str, place: str, notifier: str,
           notifier_agency: str, residence: str, expectation: str, nhs_number: str | None,
           different_child: bool, child_names: tuple[str, ...], note: str | None,
           on: str | None, actor: str | None, as_json: bool) -> None:
    """Record the notification of a child's death (Form A): opens a child death review."""
    from casework.deaths import notify_death

    with app.service() as service:
        case = notify_death(service, pseudonym=pseudonym, died=died, age_band=age_band,
                            place=place, notifier=notifier, notifier_agency=notifier_agency,
                            residence=residence, death=expectation, actor=actor_name(actor),
                            on=on, different_child=different_child, note=note,
                            nhs_number=nhs_number, child_names=child_names)
        deadlines = service.deadlines_of(case)
        due = {d.kind: d for d in deadlines if d.status == "open"}
        owed = next((d for d in deadlines if d.kind == "notification"), None)
    data = case.data
    if as_json:
        emit_json({"reference": case.reference, "pseudonym": case.pseudonym,
                   "stage": case.state, "notified_on": case.opened_on,
                   "hours_to_notify": data.get("hours_to_notify"),
                   "notified_late": data["notified_late"],
                   "open_deadlines": {k: d.due_on.isoformat() for k, d in due.items()}})
        return
    click.echo(case.reference)
    late = ""
    if data["notified_late"] and owed is not None:  # the case's own form and timescale
        late = f" (late: {owed.title}, due {owed.rule})"
    if "hours_to_notify" in data:
        notified = f"notified {data['hours_to_notify']:g} hours later"
    else:
        notified = f"notified {short(case.opened_on)}, time of death not given"
    click.echo(f"{case.pseudonym}: died {short(_died(data))}; {notified}{late}.")
    if case.state == "transfer_pending":
        click.echo(f"Lived in {data['residence']}: marked for transfer to that area's panel.")
    for kind, deadline in due.items():
        click.echo(f"  {kind.replace('_', ' ')} due {short(deadline.due_on)}")


def _died(data: dict):
    import datetime as dt

    return dt.date.fromisoformat(data["died_on"])


@death.group()
def meeting() -> None:
    """Child Death Overview Panel meetings (quarterly by default)."""


@meeting.command("add")
@click.argument("held_on", metavar="DATE")
@click.option("--note", default=None, help="e.g. the venue.")
@actor_option
@pass_app
def meeting_add(app: App, held_on: str, note: str | None, actor: str | None) -> None:
    """Add a CDOP meeting on DATE."""
    from casework.deaths import add_meeting

    with app.service() as service:
        added = add_meeting(service, held_on, actor=actor_name(actor), note=note)
        click.echo(f"CDOP meeting on {short(added.held_on)} added.")


@meeting.command("schedule")
@click.option("--first", metavar="DATE", required=True, help="The first meeting's date.")
@click.option("--count", type=int, default=4, show_default=True, help="How many meetings.")
@click.option("--every-months", type=int, default=3, show_default=True,
              help="Months between meetings (the panel meets quarterly).")
@actor_option
@pass_app
def meeting_schedule(app: App, first: str, count: int, every_months: int,
                     actor: str | None) -> None:
    """Add a run of meetings, e.g. a year of quarterly ones; dates already there are kept."""
    from casework.deaths import schedule_meetings

    with app.service() as service:
        added = schedule_meetings(service, first, count, actor=actor_name(actor),
                                  every_months=every_months)
        plural = "" if len(added) == 1 else "s"
        click.echo(f"Added {len(added)} CDOP meeting{plural}: "
                   + (", ".join(short(m.held_on) for m in added) or "none new"))


@meeting.command("list")
@click.option("--from", "since", metavar="DATE", default=None,
              help="Only meetings on or after this date.")
@json_option
@wide_option
@pass_app
@paged
def meeting_list(app: App, since: str | None, as_json: bool) -> None:
    """The meetings and the cases listed for each."""
    from casework.dates import parse_date
    from casework.deaths import meetings

    with app.service() as service:
        rows = meetings(service, parse_date(since, what="--from") if since else None)
    if as_json:
        emit_json([m.as_dict() for m in rows])
        return
    if not rows:
        click.echo("No CDOP meetings: add them with `casework death meeting schedule`.")
        return
    click.echo(table(["Meeting", "Listed", "Cases", "Note"],
                     [[short(m.held_on), len(m.listed), ", ".join(m.listed), m.note or ""]
                      for m in rows], cuts=(3, drop(3), 2), wrap=(2,)))


@meeting.command("correct")
@click.argument("held_on", metavar="DATE")
@click.option("--to", "to", metavar="DATE", required=True, help="The meeting's right date.")
@click.option("--reason", required=True, help="Why it is corrected (kept in the history).")
@actor_option
@pass_app
def meeting_correct(app: App, held_on: str, to: str, reason: str, actor: str | None) -> None:
    """Correct the date of the meeting on DATE: the cases listed for it, and their
    deadlines set to it, move with it (their agencies are told)."""
    from casework.meeting_dates import correct_meeting

    with app.service() as service:
        moved = correct_meeting(service, held_on, to, reason=reason, actor=actor_name(actor))
    click.echo(f"CDOP meeting of {short(moved.held_on)} now on {short(moved.to)}; "
               f"{len(moved.cases)} case{'' if len(moved.cases) == 1 else 's'} listed for it.")
    for reference, changes in moved.cases.items():
        for change in changes:
            click.echo(f"  {reference}: {change.describe()}")
    note = app.queued_note()
    if note:
        click.echo(note)


@death.command("export")
@click.option("--from", "period_from", metavar="DATE", default=None,
              help="Deaths on or after this date (default: the first).")
@click.option("--to", "period_to", metavar="DATE", default=None,
              help="Deaths up to this date, each as it stood then (default: today).")
@click.option("--annual-return", "year", type=int, metavar="YEAR", default=None,
              help="The annual return for the year to 31 March YEAR (2020: 1 Apr 2019 to "
                   "31 Mar 2020) instead.")
@click.option("--format", "form", type=click.Choice(["json", "csv"]), default="json",
              show_default=True, help="JSON as the forms nest, or CSV a death a row.")
@pass_app
def export(app: App, period_from: str | None, period_to: str | None, year: int | None,
           form: str) -> None:
    """What the national database collects of each death, shaped like its forms (a death
    still open: the notification only); pseudonyms, no identities."""
    from casework.dates import parse_date
    from casework.deaths import deaths_annual_return, export_deaths

    if year is not None and (period_from or period_to):
        raise click.UsageError("--annual-return covers its own year: leave out --from/--to")
    with app.service() as service:
        if year is not None:
            data: Any = deaths_annual_return(service, year)
        else:
            data = export_deaths(service,
                                 parse_date(period_from, what="--from") if period_from else None,
                                 parse_date(period_to, what="--to") if period_to else None)
    if form == "json":
        emit_json(data)
        return
    rows = [flat(death) for death in (data["deaths"] if year is not None else data)]
    columns = list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)


def flat(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested record as one CSV row: `form.field` columns; a list of values joined by
    '; ', a list of records as JSON."""
    found: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, dict):
            found.update(flat(value, f"{prefix}{name}."))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            found[prefix + name] = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, list):
            found[prefix + name] = "; ".join(map(str, value))
        else:
            found[prefix + name] = "" if value is None else value
    return found
