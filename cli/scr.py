"""`casework scr ...`: what only a serious case review has."""

from __future__ import annotations

import click

from cli.app import App, actor_name, actor_option, json_option, on_option, pass_app
from cli.output import emit_json, when


@click.group()
def scr() -> None:
    """Serious case reviews: record a referral."""


@scr.command()
@click.option("--pseudonym", required=True,
              help="How the child is known in the review, e.g. 'Child A'. Never a real name.")
@click.option("--referred-by", metavar="AGENCY", default=None,
              help="The agency that referred the serious incident.")
@click.option("--note", default=None, help="A note for the history (no identifying details).")
@on_option
@actor_option
@json_option
@pass_app
def refer(app: App, pseudonym: str, referred_by: str | None, note: str | None, on: str | None,
          actor: str | None, as_json: bool) -> None:
    """Record the referral of a serious incident: opens an SCR at screening."""
    with app.service() as service:
        case = service.refer_scr(pseudonym, actor=actor_name(actor), on=on,
                                 referred_by=referred_by, note=note)
        decision = next(d for d in service.deadlines_of(case) if d.kind == "decision")
        if as_json:
            emit_json({"reference": case.reference, "pseudonym": case.pseudonym,
                       "stage": case.state, "referred_on": case.opened_on,
                       "decision_due": decision.due_on})
            return
        click.echo(case.reference)
        click.echo(f"{case.pseudonym}: referred {when(case.opened_on)}; the decision whether "
                   f"to hold a review is due by {when(decision.due_on)}.")
