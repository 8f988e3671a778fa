"""`casework workflow ...`: the processes, every version of each, their steps and timescales."""

from __future__ import annotations

from typing import Any

import click

from cli.app import App, json_option, pass_app, wide_option
from cli.output import emit_json, fill, table, table_width
from cli.pager import paged
from workflows.formats import short


@click.group()
def workflow() -> None:
    """List the regimes, show one, and draw it."""


def _in_force(app: App, key: str, on: str | None) -> Any:
    """The version of a process in force on a key date (default: today; for a process that
    has ended, its last version)."""
    from casework.dates import parse_date
    from casework.regimes import in_force, process
    from workflows import registry

    flow = process(key)
    if on:
        return in_force(app.settings, flow.key, parse_date(on, what="--on"), showing=True)
    last = registry.last_key_date(flow.key, app.settings.switches)
    day = min(app.today(), last) if last else app.today()
    return in_force(app.settings, flow.key, day, showing=True)


@workflow.command("list")
@json_option
@wide_option
@pass_app
@paged
def list_(app: App, as_json: bool) -> None:
    """Every regime: each version of each process, and the key dates it applies to."""
    from workflows import registry

    spans = [s for key in registry.processes() for s in registry.spans(key, app.settings.switches)]
    if as_json:
        emit_json([{"key": s.workflow.key, "version": s.workflow.version,
                    "title": s.workflow.title, "in_force_from": s.start,
                    "in_force_to": s.end, "key_date": s.workflow.selected_by,
                    "switch_moved_by_board": s.moved,
                    "in_force_source": s.workflow.in_force_source} for s in spans])
        return
    click.echo(table(["Key", "Version", "Title", "From", "To"],
                     [[s.workflow.key, s.workflow.version, s.workflow.title,
                       _start(s), short(s.end) or "-"] for s in spans], flex=(2,)))
    moved = [s for s in spans if s.moved]
    if moved:
        click.echo("* the board's own switch date (config file [regimes])")


def _start(span: Any) -> str:
    text = short(span.start) if span.start else "-"
    return f"{text}*" if span.moved else text


@workflow.command()
@click.argument("key")
@click.option("--on", metavar="DATE", default=None,
              help="The case's key date (an SCR's referral, a death's date): show the version "
                   "in force then (default: today).")
@json_option
@wide_option
@pass_app
@paged
def show(app: App, key: str, on: str | None, as_json: bool) -> None:
    """The version of a process in force on a date: its stages, steps (with their options),
    what opening a case asks for, and its timescales as this board has set them, each with
    its source's strength."""
    from casework.timescales import effective_rules
    from workflows import registry

    flow = _in_force(app, key, on)
    settings = app.settings
    span = next(s for s in registry.spans(flow.key, settings.switches) if s.workflow is flow)
    rules = effective_rules(flow, settings.timescales.get(flow.key),
                            f"config file {settings.config_path}")
    overlays = [o for o in settings.overlays
                if any(t.startswith(f"{flow.key}.") for t in o.timescales)]
    if as_json:
        emit_json({
            "key": flow.key, "version": flow.version, "title": flow.title,
            "in_force_from": span.start, "in_force_to": span.end,
            "in_force_source": flow.in_force_source, "key_date": flow.selected_by,
            "ended": {"last_key_date": span.end, "moved_by_board": span.end_moved,
                      "why": flow.ends.why, "strength": flow.ends.strength,
                      "source": flow.ends.source, "succeeded_by": flow.ends.succeeded_by}
            if flow.ends else None,
            "escalation_role": flow.escalation_role,
            "intake": [_option(o) for o in flow.intake.options],
            "stages": [{"name": s.name, "title": s.title, "final": s.final}
                       for s in flow.stages],
            "steps": [{"name": s.name, "title": s.title, "from": list(s.sources),
                       "to": s.dest or {b.when: b.dest for b in s.branches} or None,
                       "options": [_option(o) for o in s.options]}
                      for s in flow.steps],
            "deadlines": {k: {"title": flow.deadline(k).title, **r.as_data(),
                              "rule": r.describe(), "strength": flow.deadline(k).strength,
                              "strength_text": flow.deadline(k).strength_text}
                          for k, r in rules.items()},
            "overlays": [{"name": o.name, "from": o.start, "to": o.end, "effect": o.effect,
                          "timescales": list(o.timescales)} for o in overlays],
        })
        return
    click.echo(fill(flow.title))
    click.echo(fill(f"{flow.key} {flow.version}: cases whose "
                    f"{flow.selected_by.replace('_', ' ')} is {_span_text(span)}"))
    click.echo(fill(f"Source: {flow.in_force_source}"))
    if flow.ends and span.end is not None and flow is registry.latest(flow.key):
        _ending(flow, span)
    click.echo("\nOpening a case asks for\n      --pseudonym (required): how the child is known")
    _options(flow.intake.options)
    click.echo("\nStages")
    for stage in flow.stages:
        click.echo(fill(f"{stage.name:<20} {stage.title}", "  ", " " * 23))
    click.echo("\nSteps")
    for step in flow.steps:
        target = step.dest or ", ".join(f"{b.dest} ({b.when})" for b in step.branches) \
            or "(stays)"
        click.echo(fill(f"{step.name:<20} {', '.join(step.sources)} -> {target}",
                        "  ", " " * 23))
        _options(step.options)
    click.echo("\nDeadlines")
    rows = [[k, flow.deadline(k).title, r.describe()] for k, r in rules.items()]
    limit = table_width()
    room = None if limit is None else (
        limit - max(len(r[0]) for r in [["Key"], *rows]) - 4
        - max(len(r[2]) for r in [["", "", "Timescale"], *rows]))
    if room is None or room >= 20:  # the titles wrapped at spaces in a column of their own
        click.echo(table(["Key", "What", "Timescale"], rows, cuts=(1,), wrap=(1,)))
    else:  # too narrow for a table: each timescale on lines of its own
        for key, title, rule in rows:
            click.echo(fill(f"{key}: {title}; {rule}", "  ", "    "))
    click.echo("\nHow sure each timescale is")
    for key in rules:
        click.echo(fill(f"{key}: {flow.deadline(key).strength_text}", "  ", "    "))
    for overlay in overlays:
        click.echo(fill(f"Overlay: {', '.join(overlay.timescales)} {overlay.describe()}"))


def _ending(flow: Any, span: Any) -> None:
    """The end of the whole process: no case for a key date after it; what replaced it."""
    ending = flow.ends
    event = flow.selected_by.replace("_", " ")
    why = "the board's own date" if span.end_moved else f"{ending.why} [{ending.strength}]"
    click.echo(fill(
        f"Ended: no {flow.kind_name} for a {event} after {short(span.end)} ({why}); from "
        f"then: casework workflow show {ending.succeeded_by}"))
    click.echo(fill(f"Source of the end: {ending.source}"))


def _span_text(span: Any) -> str:
    """"from 1 Dec 2009 to 28 Feb 2013", "on or before 30 Nov 2009", "on or after ...",
    naming a date the board's config moved."""
    own = " (the board's own date)"
    start = short(span.start) + (own if span.moved else "") if span.start else ""
    end = short(span.end) + (own if span.end_moved else "") if span.end else ""
    if start and end:
        return f"from {start} to {end}"
    if end:
        return f"on or before {end}"
    return f"on or after {start}" if start else "any date"


def _option(option: Any) -> dict[str, Any]:
    return {"name": option.flag, "help": option.help, "required": option.required,
            "repeatable": option.multiple, "choices": list(option.choices) or None}


def _options(options: Any) -> None:
    for option in options:
        need = " (required)" if option.required else ""
        more = " (repeatable)" if option.multiple else ""
        choices = f" [{' | '.join(option.choices)}]" if option.choices else ""
        click.echo(fill(f"{option.flag}{choices}{need}{more}: {option.help}", " " * 6, " " * 10))


@workflow.command()
@click.argument("key")
@click.option("--on", metavar="DATE", default=None,
              help="Draw the version in force on this key date (default: today).")
@pass_app
def diagram(app: App, key: str, on: str | None) -> None:
    """The workflow as a mermaid state diagram (paste into any mermaid viewer)."""
    click.echo(_in_force(app, key, on).diagram())
