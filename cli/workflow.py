"""`casework workflow ...`: the processes, their steps and timescales, and a diagram."""

from __future__ import annotations

import textwrap

import click

from cli.app import App, json_option, pass_app
from cli.output import WIDTH, emit_json, table


@click.group()
def workflow() -> None:
    """Show a process definition and draw it."""


def _load(key: str):
    from casework.errors import UnknownWorkflow
    from workflows import registry

    found = registry.current(key.lower())
    if found is None:
        raise UnknownWorkflow(f"no workflow {key!r} (known: {', '.join(registry.WORKFLOWS)})")
    return found


@workflow.command("list")
@json_option
def list_(as_json: bool) -> None:
    """The workflows this casework runs."""
    from workflows import registry

    if as_json:
        emit_json([{"key": w.key, "version": w.version, "title": w.title}
                   for w in registry.WORKFLOWS.values()])
        return
    click.echo(table(["Key", "Version", "Title"],
                     [[w.key, w.version, w.title] for w in registry.WORKFLOWS.values()],
                     flex=(2,)))


@workflow.command()
@click.argument("key")
@json_option
@pass_app
def show(app: App, key: str, as_json: bool) -> None:
    """Stages, steps (with their options) and timescales, as this board has set them."""
    from casework.timescales import effective_rules

    flow = _load(key)
    settings = app.settings
    rules = effective_rules(flow, settings.timescales.get(flow.key),
                            f"config file {settings.config_path}")
    if as_json:
        emit_json({
            "key": flow.key, "version": flow.version, "title": flow.title,
            "stages": [{"name": s.name, "title": s.title, "final": s.final}
                       for s in flow.stages],
            "steps": [{"name": s.name, "title": s.title, "from": list(s.sources),
                       "to": s.dest or {b.when: b.dest for b in s.branches} or None,
                       "options": [{"name": o.flag, "help": o.help, "required": o.required,
                                    "repeatable": o.multiple,
                                    "choices": list(o.choices) or None} for o in s.options]}
                      for s in flow.steps],
            "deadlines": {k: {"title": flow.deadline(k).title, **r.as_data(),
                              "rule": r.describe()} for k, r in rules.items()},
        })
        return
    click.echo(f"{flow.title}\n{flow.key} {flow.version}\n\nStages")
    for stage in flow.stages:
        click.echo(f"  {stage.name:<20} {stage.title}")
    click.echo("\nSteps")
    for step in flow.steps:
        target = step.dest or ", ".join(f"{b.dest} ({b.when})" for b in step.branches) \
            or "(stays)"
        click.echo(textwrap.fill(f"{step.name:<20} {', '.join(step.sources)} -> {target}",
                                 WIDTH, initial_indent="  ", subsequent_indent=" " * 23))
        for option in step.options:
            need = " (required)" if option.required else ""
            more = " (repeatable)" if option.multiple else ""
            choices = f" [{'|'.join(option.choices)}]" if option.choices else ""
            click.echo(textwrap.fill(f"{option.flag}{choices}{need}{more}: {option.help}",
                                     WIDTH, initial_indent=" " * 6,
                                     subsequent_indent=" " * 10))
    click.echo("\nDeadlines")
    click.echo(table(["Key", "What", "Timescale"],
                     [[k, flow.deadline(k).title, r.describe()] for k, r in rules.items()],
                     flex=(1,)))


@workflow.command()
@click.argument("key")
def diagram(key: str) -> None:
    """The workflow as a mermaid state diagram (paste into any mermaid viewer)."""
    click.echo(_load(key).diagram())
