"""`casework board ...`: the board's own people and mailbox, who requests and escalations
name and copy."""

from __future__ import annotations

import textwrap

import click

from cli.app import App, actor_name, actor_option, json_option, pass_app, wide_option
from cli.output import emit_json, line_width, wrap_pairs


@click.group()
def board() -> None:
    """The board's chair, each process's panel chair, and its mailbox."""


@board.command("set-contact")
@click.argument("role")
@click.option("--email", required=True, help="The address.")
@click.option("--name", default=None, help="The person's or mailbox's name, as emails show it.")
@actor_option
@pass_app
def set_contact(app: App, role: str, email: str, name: str | None, actor: str | None) -> None:
    """Set who ROLE is (chair, mailbox, or a process's panel chair such as the one
    escalations of its cases copy: `casework board contacts` lists them). Requests to
    agencies ask for replies to the mailbox; escalations copy the panel chair and, later,
    the board chair."""
    with app.service() as service:
        row = service.set_board_contact(role, email, name=name, actor=actor_name(actor))
    shown = f"{row.name} <{row.email}>" if row.name else row.email
    click.echo(f"{role}: {shown}")


@board.command("contacts")
@json_option
@wide_option
@pass_app
def contacts(app: App, as_json: bool) -> None:
    """Who the board's roles are, and which are not set yet."""
    from casework.agencies import BOARD_ROLES

    with app.service() as service:
        rows = service.board_contacts()
        board_name = service.settings.board_name
    if as_json:
        emit_json({role: ({"name": rows[role].name, "email": rows[role].email}
                          if role in rows else None) for role in BOARD_ROLES})
        return
    click.echo(board_name)
    pairs = []
    for role, title in BOARD_ROLES.items():
        row = rows.get(role)
        shown = ((f"{row.name} <{row.email}>" if row.name else row.email) if row
                 else f"not set: casework board set-contact {role.replace('_', '-')} --email ...")
        pairs.append((title, shown))
    click.echo(textwrap.indent(wrap_pairs(pairs, width=line_width() - 2), "  "))
