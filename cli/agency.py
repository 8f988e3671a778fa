"""`casework agency ...`: the partner agencies a board asks for reports and actions."""

from __future__ import annotations

from typing import Any

import click

from cli.app import App, actor_name, actor_option, json_option, pass_app, wide_option
from cli.output import drop, emit_json, table
from cli.pager import paged


@click.group()
def agency() -> None:
    """Manage partner agencies (code, name, contact and escalation email)."""


def _as_dict(row) -> dict:
    return {"code": row.code, "name": row.name, "contact_email": row.contact_email,
            "escalation_email": row.escalation_email, "active": row.active}


@agency.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The agency's name, e.g. 'Kent Police'.")
@click.option("--email", required=True, multiple=True,
              help="Its safeguarding contact's address (repeat, or separate with commas, "
                   "for several).")
@click.option("--escalation-email", default=None, multiple=True,
              help="Who hears when it is late: its board member or senior manager.")
@actor_option
@pass_app
def add(app: App, code: str, name: str, email: tuple[str, ...],
        escalation_email: tuple[str, ...], actor: str | None) -> None:
    """Add an agency, known by a short CODE such as POLICE or KCC-CSC."""
    with app.service() as service:
        row = service.add_agency(code, name, email, escalation_email or None,
                                 actor=actor_name(actor))
        click.echo(f"Added {row.code}: {row.name} <{row.contact_email}>")


@agency.command("update")
@click.argument("code")
@click.option("--name", default=None, help="A new name.")
@click.option("--email", default=None, multiple=True,
              help="New contact addresses (repeat for several).")
@click.option("--escalation-email", default=None, multiple=True,
              help="New escalation addresses ('' to remove them).")
@click.option("--active/--inactive", default=None,
              help="An inactive agency keeps its history but gets no new requests.")
@actor_option
@pass_app
def update(app: App, code: str, name: str | None, email: tuple[str, ...],
           escalation_email: tuple[str, ...], active: bool | None, actor: str | None) -> None:
    """Change an agency's name, addresses, or whether it is active."""
    with app.service() as service:
        row = service.update_agency(code, actor=actor_name(actor), name=name,
                                    contact_email=email or None,
                                    escalation_email=_escalation(escalation_email),
                                    active=active)
        click.echo(f"Updated {row.code}: {row.name} <{row.contact_email}>"
                   + ("" if row.active else " (inactive)"))
        readdressed = _readdressed(service)
    if readdressed:
        click.echo(f"{len(readdressed)} waiting email{'s' if len(readdressed) > 1 else ''} "
                   f"re-addressed ({', '.join(f'#{n}' for n in readdressed)})")


def _readdressed(service: Any) -> list[int]:
    """The emails the update just re-addressed, as its history row records them."""
    from sqlmodel import col, select

    from casework.models import History

    query = (select(History).where(History.step == "agency_updated")
             .order_by(col(History.id).desc()).limit(1))
    row = service.session.exec(query).first()
    return list(row.data.get("emails_readdressed", ())) if row is not None else []


def _escalation(given: tuple[str, ...]) -> tuple[str, ...] | str | None:
    if not given:
        return None  # unchanged
    return "" if all(not g.strip() for g in given) else given  # '' removes them


@agency.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive agencies.")
@json_option
@wide_option
@pass_app
@paged
def list_(app: App, include_inactive: bool, as_json: bool) -> None:
    """List the agencies."""
    with app.service() as service:
        rows = service.agencies(include_inactive)
        if as_json:
            emit_json([_as_dict(r) for r in rows])
            return
        if not rows:
            click.echo("No agencies yet: add one with `casework agency add`.")
            return
        click.echo(table(
            ["Code", "Name", "Contact", "Escalation"],
            [[r.code + ("" if r.active else " (off)"), r.name, r.contact_email,
              r.escalation_email or "-"] for r in rows], cuts=(1, drop(3))))


@agency.command("show")
@click.argument("code")
@json_option
@pass_app
def show(app: App, code: str, as_json: bool) -> None:
    """Show one agency."""
    with app.service() as service:
        row = service.agency(code)
        if as_json:
            emit_json(_as_dict(row))
            return
        click.echo(f"{row.code}: {row.name}" + ("" if row.active else " (inactive)"))
        click.echo(f"  contact     {row.contact_email}")
        click.echo(f"  escalation  {row.escalation_email or '-'}")
