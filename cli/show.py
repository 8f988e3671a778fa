"""`casework case show`: one case as it stood on a day - its stage, facts, key dates, the
action plan, its deadlines and the steps allowed now. Apart from `cli/case.py` to keep each
file to a screenful of commands."""

from __future__ import annotations

from typing import Any

import click

from cli.app import App, as_of_date, as_of_option, json_option, pass_app, wide_option
from cli.output import (
    MOVED_NOTE,
    drop,
    due_text,
    emit_json,
    fill,
    late_text,
    table,
    wrap_pairs,
)
from cli.pager import paged
from workflows.formats import short


@click.command()
@click.argument("reference")
@as_of_option
@json_option
@wide_option
@pass_app
@paged
def show(app: App, reference: str, as_of: str | None, as_json: bool) -> None:
    """One case: stage, key dates, deadlines, and the steps allowed now."""
    from casework.queries import case_detail

    day = as_of_date(app, as_of)
    with app.service() as service:
        detail = case_detail(service, reference, day)
    if as_json:
        emit_json(detail.as_dict())
        return
    s = detail.summary
    click.echo(s.reference)
    pairs: list[tuple[str, Any]] = [
        ("Pseudonym", s.pseudonym),
        ("Stage" if day >= app.today() else f"Stage on {short(day)}",
         f"{s.stage}: {s.stage_title}"),
        ("Regime", f"{detail.regime} ({detail.workflow} {detail.workflow_version})"),
        *detail.notes,
    ]
    if s.paused_on:
        pairs.append(("Paused", f"since {short(s.paused_on)}: {detail.pause_reason}"))
    if detail.waiting_for:
        days = (detail.as_of - detail.waiting_since).days
        pairs.append(("Waiting", f"for {detail.waiting_for}; since "
                                 f"{short(detail.waiting_since)} ({days} days)"))
    labels = {"linked_case": "Linked case", **detail.labels}
    pairs += [(labels.get(key, key.replace("_", " ").capitalize()), _value(value))
              for key, value in detail.record.items() if key not in detail.noted]
    click.echo(wrap_pairs(pairs))
    if detail.key_dates:
        click.echo("\nKey dates")
        click.echo(wrap_pairs([(event.replace("_", " "), short(day_))
                               for event, day_ in detail.key_dates.items()]))
    _action_plan([d for d in detail.deadlines if d.number is not None
                  and d.status != "withdrawn"])
    open_rows = sorted((d for d in detail.deadlines if d.status == "open"),
                       key=lambda d: d.due_on)
    done_rows = [d for d in detail.deadlines if d.status != "open"]
    click.echo(f"\nOpen deadlines as of {short(day)}" + ("" if open_rows else ": none"))
    if open_rows:
        click.echo(table(["Deadline", "Agency", "Due", "Late", "Rule"],
                         [[d.label, d.agency or "", due_text(d), late_text(d), d.rule]
                          for d in open_rows], cuts=(4, drop(4), 0)))
        if any(d.due_on != d.original_due_on for d in open_rows):
            click.echo(MOVED_NOTE)
        _how_sure(open_rows)
    if done_rows:
        click.echo("\nDone")
        click.echo(table(["Deadline", "Agency", "Due", "Closed", "Status"],
                         [[d.label, d.agency or "", short(d.due_on), short(d.closed_on),
                           _closed_status(d)] for d in done_rows], flex=(0,)))
    if s.paused_on:
        click.echo(f"\nSteps allowed now: none while paused (casework case resume {s.reference})")
    elif not detail.steps:
        click.echo("\nSteps allowed now: none")
    else:
        click.echo("\nSteps allowed now")
    for step in detail.steps:
        click.echo(fill(f"{step.name:<21} {step.title}", "  ", " " * 24))
        more = f"blocked: {step.blocked}" if step.blocked else (
            f"needs: {step.needs}" if step.needs else "")
        if more:
            click.echo(fill(more, " " * 24, " " * 26))


def _how_sure(rows: list[Any]) -> None:
    """Each open timescale's strength (a statutory limit, guidance, or a default no source
    confirms), and any relaxation a deadline ran under."""
    lines = dict.fromkeys(f"{d.key.partition(':')[0]}: {d.strength}" for d in rows
                          if d.strength)
    lines.update(dict.fromkeys(f"{d.label} ran while its timescale was {d.overlay}"
                               for d in rows if d.overlay))
    for line in lines:
        click.echo(fill(line, "  ", "    "))


def _closed_status(row: Any) -> str:
    status = row.status.replace("_", " ")
    if row.status == "met" and row.closed_on and row.closed_on > row.due_on:
        return f"{status} ({(row.closed_on - row.due_on).days}d late)"
    if row.status == "met" and row.closed_late:
        return f"{status} (late)"  # later the same day, by an hour-based rule
    return status


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items())
    return value


def _action_plan(actions: list[Any]) -> None:
    """Each action as the plan states it: A1, its wording, owner, due date and progress."""
    if not actions:
        return
    click.echo("\nAction plan")
    click.echo(table(["Action", "Owner", "Due", "Progress", "What"],
                     [[d.label, d.agency or "", short(d.due_on), _progress(d), d.title]
                      for d in actions], wrap=(4,)))


def _progress(row: Any) -> str:
    if row.status != "open":
        return _closed_status(row)
    return (row.progress or "not started").replace("_", " ")

