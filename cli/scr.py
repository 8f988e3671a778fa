"""`casework scr refer`: the friendly name for `casework case open scr`."""

from __future__ import annotations

import click

from cli.app import (
    App,
    actor_name,
    actor_option,
    child_names_option,
    json_option,
    on_option,
    pass_app,
)
from cli.output import emit_json
from workflows.formats import short


@click.group()
def scr() -> None:
    """Serious case reviews (ended in 2019): record a referral."""


@scr.command(context_settings={"ignore_unknown_options": True})
@click.option("--pseudonym", required=True,
              help="How the child is known in the review, e.g. 'Child A'. Never a real name.")
@click.option("--referred-by", metavar="AGENCY", default=None,
              help="The agency that referred the serious incident.")
@child_names_option
@click.option("--note", default=None, help="A note for the history (no identifying details).")
@click.argument("intake_options", nargs=-1, type=click.UNPROCESSED)
@on_option
@actor_option
@json_option
@pass_app
def refer(app: App, pseudonym: str, referred_by: str | None, child_names: tuple[str, ...],
          note: str | None, intake_options: tuple[str, ...], on: str | None, actor: str | None,
          as_json: bool) -> None:
    """Record the referral of a serious incident: opens an SCR at screening, under the
    version of the process in force on the referral's date. Any other option that version's
    intake declares follows (`casework workflow show scr --on DATE` lists them). SCRs ended
    in 2019: a later referral is refused and pointed to the child safeguarding practice
    review (`casework case open cspr`)."""
    from casework.errors import InvalidInput
    from cli.case import open_case, parse_step_arguments

    options = parse_step_arguments(intake_options, InvalidInput)
    if referred_by is not None:
        options["referred_by"] = referred_by
    with app.service() as service:
        case = open_case(service, "scr", pseudonym, options, actor=actor_name(actor), on=on,
                         note=note, child_names=child_names)
        decision = next(d for d in service.deadlines_of(case) if d.key == "decision")
        flow = service.workflow_of(case)
        if as_json:
            emit_json({"reference": case.reference, "pseudonym": case.pseudonym,
                       "stage": case.state, "referred_on": case.opened_on,
                       "decision_due": decision.due_on, "version": flow.version})
            return
        click.echo(case.reference)
        click.echo(f"{case.pseudonym}: referred {short(case.opened_on)}; the decision whether "
                   f"to hold a review is due by {short(decision.due_on)} ({flow.short_title}).")
