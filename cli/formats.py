"""The `--format/--output` seam: a format is a renderer registered for the listings it can
draw, so a command offers exactly the formats registered for it and a new format is one
registration (datasette's `register_output_renderer` is the model). Renderers import their
own heavy modules when called, so `--help` stays fast."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

Render = Callable[[Any, Any], str]  # (the listing's data, the case service) -> the text
_RENDERERS: dict[tuple[str, str], Render] = {}
ORDER = ("table", "csv", "html", "json", "svg", "ics")  # as --help lists them


def register_output_renderer(listing: str, form: str) -> Callable[[Render], Render]:
    def registered(render: Render) -> Render:
        _RENDERERS[(listing, form)] = render
        return render
    return registered


def formats(listing: str) -> list[str]:
    import cli.renderers  # noqa: F401  (registers every format)

    found = [form for (name, form) in _RENDERERS if name == listing]
    return sorted(found, key=lambda form: (*ORDER, form).index(form))


def render(listing: str, form: str, data: Any, service: Any) -> str:
    import cli.renderers  # noqa: F401

    return _RENDERERS[(listing, form)](data, service)


def output_options(listing: str, help_text: str, *, default: str = "table",
                   json_alias: bool = False) -> Callable[[Any], Any]:
    """`--format` (the formats registered for `listing`) and `--output FILE`; `--json` for
    `--format json` where a command always had it."""
    def decorate(command: Any) -> Any:
        command = click.option(
            "--output", "-o", metavar="FILE", default=None,
            type=click.Path(dir_okay=False, writable=True),
            help="Write to FILE instead of the terminal.")(command)
        if json_alias:
            command = click.option("--json", "as_json", is_flag=True,
                                   help="The same as --format json.")(command)
        return click.option("--format", "form", type=click.Choice(formats(listing)),
                            default=default, show_default=True, help=help_text)(command)
    return decorate


def emit(text: str, output: str | None) -> None:
    """To the terminal, or to a file (written whole, in UTF-8, line ends as they are)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    path = Path(output)
    try:
        path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        from casework.errors import InvalidInput

        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
    click.echo(f"Written to {path}", err=True)

