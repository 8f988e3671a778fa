"""Shell completion of what lives in the board's database: case references, agency codes,
and the steps a case can take now (README, "Shell completion").

click runs the completion protocol (`_CASEWORK_COMPLETE`) without running any command; each
callback here opens the database the command line names (`--db`, `--config`, the
environment), reads one small query, and closes it. A completion must never fail the shell:
on any error it offers nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

Complete = Callable[[click.Context, click.Parameter, str], "list[CompletionItem]"]


def _rows(ctx: click.Context, sql: str, **values: Any) -> list[tuple[Any, ...]]:
    """The rows of one query on the command line's database (none on any error)."""
    from sqlalchemy import text

    from casework.config import load_settings
    from casework.db import open_engine

    root = ctx.find_root()
    settings = load_settings(root.params.get("db"), root.params.get("config"))
    engine = open_engine(settings.database_url, settings.database)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), values)]
    finally:
        engine.dispose()


def _never_failing(find: Callable[[click.Context, str], list[str]]) -> Complete:
    def complete(ctx: click.Context, param: click.Parameter,
                 incomplete: str) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        try:
            return [CompletionItem(value) for value in find(ctx, incomplete)]
        except Exception:  # a missing or locked database, a bad --db: no suggestions
            return []
    return complete


def _starting(values: Iterator[str] | list[str], incomplete: str) -> list[str]:
    wanted = incomplete.upper()
    return [v for v in values if v.upper().startswith(wanted)]


@_never_failing
def case_references(ctx: click.Context, incomplete: str) -> list[str]:
    rows = _rows(ctx, "SELECT reference FROM case_record ORDER BY reference")
    return _starting([r[0] for r in rows], incomplete)


@_never_failing
def agency_codes(ctx: click.Context, incomplete: str) -> list[str]:
    rows = _rows(ctx, "SELECT code FROM agency WHERE active ORDER BY code")
    return _starting([r[0] for r in rows], incomplete)


@_never_failing
def step_names(ctx: click.Context, incomplete: str) -> list[str]:
    """The steps the case named before this argument can take now."""
    from workflows import registry

    reference = str(ctx.params.get("reference") or "").strip().upper()
    found = _rows(ctx, "SELECT workflow_key, workflow_version, state, paused_on "
                       "FROM case_record WHERE upper(reference) = :reference",
                  reference=reference)
    if not found or found[0][3] is not None:  # no such case, or paused: no step now
        return []
    key, version, state, _ = found[0]
    workflow = registry.version(key, version)
    steps = workflow.steps_from(state) if workflow is not None else []
    return [s.name for s in steps if s.name.startswith(incomplete.lower())]


def attach(root: click.Command) -> None:
    """Give each parameter naming a case, an agency or a step its completion, in one place
    rather than on each of some twenty decorators. click keeps a parameter's
    `shell_complete=` callback as `_custom_shell_complete`; this sets the same attribute."""
    for path, command in _commands(root, ()):
        for param in command.params:
            found = _completion_for(path, param)
            if found is not None:
                param._custom_shell_complete = found


def _completion_for(path: tuple[str, ...], param: click.Parameter) -> Complete | None:
    if param.name == "reference" or (isinstance(param, click.Option)
                                     and param.metavar == "REF"):
        return case_references
    if path == ("case", "advance") and param.name == "step":
        return step_names
    if isinstance(param, click.Option) and param.metavar == "CODE":
        return agency_codes
    if path[:1] == ("agency",) and path[1:] != ("add",) and param.name == "code":
        return agency_codes
    return None


def _commands(command: click.Command,
              path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
