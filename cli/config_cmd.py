"""`casework config show`: the settings in force and where each came from."""

from __future__ import annotations

import click

from cli.app import App, json_option, pass_app


@click.group()
def config() -> None:
    """The board's configuration as casework reads it."""


@config.command()
@json_option
@pass_app
def show(app: App, as_json: bool) -> None:
    """Print every setting in force and where it came from: a command-line option (--db,
    --config), an environment variable, the config file, or casework's built-in default.

    Secrets are never printed: of the SMTP password, only whether its environment variable
    is set; a database URL without its password.
    """
    from casework.config_show import effective
    from cli.output import emit_json

    rows = effective(app.settings)
    if as_json:
        emit_json([{"name": r.name, "value": r.value, "from": r.source} for r in rows])
        return
    width = max(len(r.name) for r in rows)
    for r in rows:
        click.echo(f"{r.name:<{width}}  {r.value}  ({r.source})")
