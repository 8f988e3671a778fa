"""`casework case advance REF STEP --help`: the options of that one step, from its definition.

The `advance` command takes any step's options after the step's name, so click cannot know them;
`StepHelp` notices `--help` after REF and STEP and leaves it to `print_step_help`, which asks
the case's own version of its process what the step takes.
"""

from __future__ import annotations

import difflib
from typing import Any

import click

from cli.output import fill


class StepHelp(click.Command):
    """A command whose `--help` after two arguments means "this step's help"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--help" in args:
            before = args[:args.index("--help")]
            if len([a for a in before if not a.startswith("-")]) >= 2:
                ctx.meta["step_help"] = True
                args = [a for a in args if a != "--help"]
        return super().parse_args(ctx, args)


def print_step_help(service: Any, reference: str, name: str) -> None:
    from casework.errors import InvalidInput

    case = service.case(reference)
    workflow = service.workflow_of(case)
    wanted = name.strip().lower().replace("-", "_")
    step = workflow.step(wanted)
    if step is None:
        names = [s.name for s in workflow.steps]
        close = difflib.get_close_matches(wanted, names, 1)
        hint = f"; did you mean {close[0]}?" if close else f" (steps: {', '.join(names)})"
        raise InvalidInput(f"{workflow.key} {workflow.version} has no step {name!r}{hint}")
    click.echo(f"Usage: casework case advance {case.reference} {step.name} [OPTIONS]\n")
    to = step.dest or ", ".join(b.dest for b in step.branches) or "stays"
    click.echo(fill(f"{step.title}: from {', '.join(step.sources)} -> {to}", "  ", "  "))
    if step.needs:
        click.echo(fill(f"needs: {step.needs}", "  ", "    "))
    allowed = step.name in [s.name for s in workflow.steps_from(case.state)]
    if not allowed:
        click.echo(f"  (not allowed now: {case.reference} is at {case.state})")
    click.echo("\nOptions:")
    for option in step.options:
        need = " (required)" if option.required else ""
        more = " (repeatable)" if option.multiple else ""
        choices = f" [{' | '.join(option.choices)}]" if option.choices else ""
        click.echo(fill(f"{option.flag}{choices}{need}{more}: {option.help}", "  ", " " * 6))
    click.echo("  --on DATE, --note TEXT, --actor NAME, --json: as for every step")
