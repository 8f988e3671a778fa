"""`casework templates list | copy`: the built-in emails and papers a board may make its own."""

from __future__ import annotations

from pathlib import Path

import click

from cli.app import App, json_option, pass_app


@click.group()
def templates() -> None:
    """The built-in email and report templates, and the board's own versions of them.

    A board overrides a template by putting a file of the same name in its folder
    (`[board] templates` in the config file); `templates copy` starts one from the built-in.
    """


@templates.command("list")
@json_option
@pass_app
def list_(app: App, as_json: bool) -> None:
    """Every built-in template, what it is for, and whether the board has its own."""
    from cli.output import emit_json, table
    from notifications.board_templates import board_folder, builtin, overridden

    rows = []
    for template in builtin():
        own = overridden(app.settings, template)
        rows.append((template, own, board_folder(app.settings, template)))
    if as_json:
        emit_json([{"name": t.name, "files": list(t.files), "purpose": t.purpose,
                    "board_files": [str(folder / f) for f in own] if folder else []}
                   for t, own, folder in rows])
        return
    click.echo(table(["TEMPLATE", "BOARD'S OWN", "FOR"],
                     [(t.name, _own(t.files, own), t.purpose) for t, own, _ in rows],
                     wrap=(2,)))
    folders = {str(folder) for _, _, folder in rows if folder}
    click.echo("\nThe board's folder: " + (", ".join(sorted(folders)) if folders else
                                          "none ([board] templates in the config file)"))


def _own(files: tuple[str, ...], own: list[str]) -> str:
    if not own:
        return "-"
    if len(own) == len(files):
        return "yes"
    return " ".join(Path(f).suffix for f in own)


@templates.command()
@click.argument("name")
@click.option("--to", "to", metavar="DIR", default=None,
              help="Copy into DIR (default: the board's folder, [board] templates).")
@click.option("--force", is_flag=True, help="Replace the board's own file if it has one.")
@pass_app
def copy(app: App, name: str, to: str | None, force: bool) -> None:
    """Copy the built-in template NAME (e.g. email/request_imr, or one file of it,
    email/request_imr.html) into the board's folder, to edit there.

    An existing file is never replaced without --force.
    """
    from notifications.board_templates import copy as copy_template

    for path in copy_template(app.settings, name, Path(to).expanduser() if to else None,
                              force):
        click.echo(f"Copied {path}")
