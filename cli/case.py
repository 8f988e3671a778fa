"""`casework case ...`: see and move any kind of case."""

from __future__ import annotations

from typing import Any

import click

from cli.app import (
    App,
    actor_name,
    actor_option,
    as_of_date,
    as_of_option,
    child_names_option,
    json_option,
    on_option,
    pass_app,
    wide_option,
)
from cli.output import (
    drop,
    emit_json,
    table,
)
from cli.pager import paged
from workflows.formats import labelled, short


@click.group()
def case() -> None:
    """List, show, advance, pause, resume and extend cases of any kind."""


def _step_help_class() -> type[click.Command]:
    from cli.step_help import StepHelp

    return StepHelp


@case.command("open", context_settings={"ignore_unknown_options": True})
@click.argument("workflow")
@click.option("--pseudonym", required=True,
              help="How the child is known in the review, e.g. 'Child A'. Never a real name.")
@click.argument("intake_options", nargs=-1, type=click.UNPROCESSED)
@click.option("--different-child", is_flag=True,
              help="Confirm this is a different child from a matching open case.")
@child_names_option
@click.option("--note", default=None, help="A note for the history (no identifying details).")
@on_option
@actor_option
@json_option
@pass_app
def open_(app: App, workflow: str, pseudonym: str, intake_options: tuple[str, ...],
          different_child: bool, child_names: tuple[str, ...], note: str | None,
          on: str | None, actor: str | None, as_json: bool) -> None:
    """Open a case of WORKFLOW (scr, cdr, ...), with the options its intake declares.

    \b
    e.g. casework case open scr --pseudonym "Child A" --referred-by POLICE --on 2008-03-20

    The case runs for life under the version of WORKFLOW in force on its own key date
    (`casework workflow list`); `casework workflow show WORKFLOW --on DATE` lists what
    opening it asks for. Prints the new case's reference.
    """
    from casework.errors import InvalidInput

    with app.service() as service:
        options = parse_step_arguments(intake_options, InvalidInput)
        case = open_case(service, workflow, pseudonym, options, actor=actor_name(actor),
                         on=on, note=note, different=different_child, child_names=child_names)
        report_opened(app, service, case, as_json)


def open_case(service: Any, workflow: str, pseudonym: str, options: dict[str, Any],
              **kwargs: Any) -> Any:
    from casework.regimes import open_case as open_any

    return open_any(service, workflow, pseudonym, options, **kwargs)


def report_opened(app: App, service: Any, case: Any, as_json: bool) -> None:
    """The new reference, the regime it runs under and what is now due."""
    flow = service.workflow_of(case)
    due = [d for d in service.deadlines_of(case) if d.status == "open"]
    if as_json:
        emit_json({"reference": case.reference, "pseudonym": case.pseudonym,
                   "workflow": flow.key, "version": flow.version, "regime": flow.title,
                   "stage": case.state, "opened_on": case.opened_on,
                   "open_deadlines": {labelled(d.key): d.due_on.isoformat() for d in due}})
        return
    click.echo(case.reference)
    click.echo(f"{case.pseudonym}: {flow.kind_name} opened {short(case.opened_on)}, under "
               f"{flow.title}.")
    for deadline in due:
        click.echo(f"  {deadline.title} due {short(deadline.due_on)}")
    echo_queued(app)


@case.command("list")
@click.option("--kind", default=None, metavar="KIND",
              help="Only cases of this kind (scr, cdr, ...).")
@click.option("--stage", default=None, help="Only cases at this stage (e.g. imrs).")
@click.option("--overdue", is_flag=True, help="Only cases with a late deadline.")
@click.option("--open", "open_only", is_flag=True, help="Leave out closed cases.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@as_of_option
@json_option
@wide_option
@pass_app
@paged
def list_(app: App, kind: str | None, stage: str | None, overdue: bool, open_only: bool,
          limit: int | None, as_of: str | None, as_json: bool) -> None:
    """The caseload: each case's stage, next due date and how many deadlines are late."""
    if kind is not None:
        from casework.errors import InvalidInput
        from workflows import registry

        kind = kind.strip().lower()
        if kind not in registry.kinds():
            raise InvalidInput(f"--kind must be one of: {', '.join(registry.kinds())} "
                               f"(not {kind!r})")
    print_caseload(app, as_of, kind=kind, stage=stage, overdue_only=overdue,
                   include_closed=not open_only, limit=limit, as_json=as_json)


def print_caseload(app: App, as_of: str | None, *, as_json: bool = False, **filters: Any) -> None:
    from casework.queries import caseload

    day = as_of_date(app, as_of)
    with app.service() as service:
        rows = caseload(service, day, **filters)
    if as_json:
        emit_json({"as_of": day, "cases": [r.as_dict() for r in rows]})
        return
    if not rows:
        click.echo("No cases match.")
        return
    click.echo(f"Caseload as of {short(day)}")
    click.echo(table(
        ["Reference", "Pseudonym", "Stage", "Opened", "Next due", "Late"],
        [[r.reference, r.pseudonym, r.stage, short(r.opened_on), short(r.next_due),
          _late_count(r)] for r in rows], cuts=(1, drop(3), 2, drop(1))))


def _late_count(row: Any) -> str:
    paused = "paused" if row.paused_on else ""
    if row.overdue:
        return f"{row.overdue}, {paused}" if paused else str(row.overdue)
    return paused


@case.command(cls=_step_help_class(), context_settings={"ignore_unknown_options": True})
@click.argument("reference")
@click.argument("step", required=False)
@click.argument("step_options", nargs=-1, type=click.UNPROCESSED)
@on_option
@click.option("--note", default=None, help="A note for the history.")
@actor_option
@json_option
@pass_app
def advance(app: App, reference: str, step: str | None, step_options: tuple[str, ...],
            on: str | None, note: str | None, actor: str | None, as_json: bool) -> None:
    """Take STEP on a case, with the step's own options after it.

    \b
    e.g. casework case advance SCR-2008-001 decide --outcome scr \\
             --criteria death --rationale "..." --chair "J Smith" --on 2008-04-10

    `casework case show REF` lists the steps allowed now and what each needs;
    `casework case advance REF STEP --help` the options of one step.
    """
    from casework.errors import InvalidInput

    if step and click.get_current_context().meta.get("step_help"):
        from cli.step_help import print_step_help

        with app.service() as service:
            print_step_help(service, reference, step)
        return

    with app.service() as service:
        options = parse_step_arguments(step_options, InvalidInput)
        outcome = service.advance(reference, step or "", options, actor=actor_name(actor), on=on,
                                  note=note)
        workflow = service.workflow_of(outcome.case)
    if as_json:
        emit_json({"reference": outcome.case.reference, "step": outcome.step,
                   "from": outcome.from_state, "to": outcome.to_state,
                   "on": outcome.effective_on,
                   "deadlines": [change.as_data() for change in outcome.changes],
                   "emails_queued": [labelled(e.key) for e in app.notifier.queued]
                   if app.notifier else []})
        return
    moved = (f"{outcome.from_state} -> {outcome.to_state}"
             if outcome.from_state != outcome.to_state else f"stays at {outcome.to_state}")
    click.echo(f"{outcome.case.reference}: {outcome.step} on {short(outcome.effective_on)}; "
               f"{moved} ({workflow.stage(outcome.to_state).title})")
    for change in outcome.changes:
        click.echo("  " + change.describe())
    echo_queued(app)


def echo_queued(app: App) -> None:
    note = app.queued_note()
    if note:
        click.echo(note)


def parse_step_arguments(tokens: tuple[str, ...], invalid: type[Exception]) -> dict[str, Any]:
    """`--name value`, `--name=value` and bare `--flag` into a dict; repeats become lists."""
    options: dict[str, Any] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.startswith("--") or token == "--":
            raise invalid(f"unexpected argument {token!r}: step options look like "
                          "--name value")
        name, sep, value = token[2:].partition("=")
        if not sep:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and not following.startswith("--"):
                value, index = following, index + 1
            else:
                value = True  # type: ignore[assignment]
        key = name.replace("-", "_")
        if key in options:
            previous = options[key]
            options[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            options[key] = value
        index += 1
    return options


@case.command()
@click.argument("reference")
@click.option("--reason", required=True, help="Why the case is paused.")
@on_option
@actor_option
@pass_app
def pause(app: App, reference: str, reason: str, on: str | None, actor: str | None) -> None:
    """Pause a case: its clock stops until it is resumed."""
    with app.service() as service:
        row = service.pause(reference, reason, actor=actor_name(actor), on=on)
        click.echo(f"{row.reference}: paused from {short(row.paused_on)} ({row.pause_reason}).")


@case.command()
@click.argument("reference")
@on_option
@click.option("--note", default=None, help="A note for the history.")
@actor_option
@pass_app
def resume(app: App, reference: str, on: str | None, note: str | None,
           actor: str | None) -> None:
    """Resume a paused case; its deadlines not yet due at the pause move on by its length."""
    with app.service() as service:
        row = service.resume(reference, actor=actor_name(actor), on=on, note=note)
        last = next(h for h in reversed(service.history(row.reference)) if h.step == "resume")
    import datetime as dt

    click.echo(f"{row.reference}: resumed after {last.data['days']} days paused.")
    for moved in last.data["moved"]:
        click.echo(f"  {moved['deadline']}: {short(dt.date.fromisoformat(moved['from']))} -> "
                   f"{short(dt.date.fromisoformat(moved['to']))}")
    echo_queued(app)


@case.command()
@click.argument("reference")
@click.argument("deadline")
@click.option("--to", "to", metavar="DATE", default=None, help="The new due date.")
@click.option("--by", "by", metavar="DURATION", default=None,
              help="Or how much later, e.g. '10 working days' or '2 weeks'.")
@click.option("--reason", required=True, help="Why the extension was granted.")
@on_option
@actor_option
@pass_app
def extend(app: App, reference: str, deadline: str, to: str | None, by: str | None,
           reason: str, on: str | None, actor: str | None) -> None:
    """Extend one DEADLINE of a case (e.g. imr:POLICE, panel, A2); the original stays on record."""
    with app.service() as service:
        row = service.extend(reference, deadline, to=to, by=by, reason=reason,
                             actor=actor_name(actor), on=on)
        click.echo(f"{reference.upper()}: {labelled(row.key)} now due {short(row.due_on)} "
                   f"(originally {short(row.original_due_on)}; extension {row.extensions}).")
    echo_queued(app)


def _corrections() -> None:
    from cli.corrections import correct, void, withdraw
    from cli.history import history
    from cli.show import show
    from cli.timeline import timeline

    for command in (show, history, timeline, withdraw, void, correct):
        case.add_command(command)


_corrections()
