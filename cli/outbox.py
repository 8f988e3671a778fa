"""`casework outbox ...`: the emails casework has queued, sent, or could not send."""

from __future__ import annotations

from typing import Any

import click

from cli.app import App, actor_name, actor_option, json_option, on_option, pass_app, wide_option
from cli.output import drop, emit_json, table
from cli.pager import paged
from workflows.formats import labelled, short, short_moment


@click.group()
def outbox() -> None:
    """See, send, retry and preview the emails to agencies and the board."""


def _status(row: Any) -> str:
    if row.status == "pending" and row.attempts:
        return f"retrying ({row.attempts})"
    return row.status


def _first(recipients: str) -> str:
    """The first address, and how many more."""
    addresses = recipients.split(", ")
    first = addresses[0] if len(addresses[0]) <= 26 else addresses[0][:25] + "…"
    return first + (f" +{len(addresses) - 1}" if len(addresses) > 1 else "")


def _as_dict(row: Any, reference: str | None) -> dict[str, Any]:
    return {"id": row.id, "key": labelled(row.key), "kind": row.kind, "case": reference,
            "status": row.status, "attempts": row.attempts, "from": row.sender,
            "to": row.recipients, "cc": row.cc, "reply_to": row.reply_to,
            "subject": row.subject, "queued_at": row.created_at, "sent_at": row.sent_at,
            "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
            "last_error": row.last_error}


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed", "cancelled"]),
              default=None, help="Only emails with this status.")
@click.option("--case", "reference", metavar="REF", default=None, help="Only this case's.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="At most this many, newest first.")
@json_option
@wide_option
@pass_app
@paged
def list_(app: App, status: str | None, reference: str | None, limit: int,
          as_json: bool) -> None:
    """The outbox, newest first: what was queued, for whom, and where it stands."""
    from notifications.outbox import emails

    with app.service() as service:
        rows = emails(service, status=status, reference=reference, limit=limit)
        if as_json:
            emit_json([_as_dict(row, ref) for row, ref in rows])
            return
        if not rows:
            click.echo("The outbox is empty." if not (status or reference)
                       else "No emails match.")
            return
        due = _due_dates(service, [row.deadline_id for row, _ in rows])
    click.echo(table(["#", "Status", "Case", "Due", "To", "Subject"],
                     [[row.id, _status(row), ref or "-", due.get(row.deadline_id, "-"),
                       _first(row.recipients), row.subject] for row, ref in rows],
                     cuts=(5, drop(5), 4, drop(1))))
    failed = sum(1 for row, _ in rows if row.status == "failed")
    if failed:
        click.echo(f"\n{failed} failed: `casework outbox show N` says why; "
                   "`casework outbox retry N` queues one again.")


@outbox.command()
@click.argument("number", type=int)
@click.option("--html", is_flag=True, help="Print the HTML alternative instead of the text.")
@click.option("--eml", is_flag=True,
              help="Print the message exactly as it is sent (RFC 5322, CRLF line ends).")
@json_option
@pass_app
def show(app: App, number: int, html: bool, eml: bool, as_json: bool) -> None:
    """One email: its headers, where it stands, and its text (or --html, or --eml)."""
    from casework.models import Case
    from notifications.outbox import email

    with app.service() as service:
        row = email(service, number)
        case = service.session.get(Case, row.case_id) if row.case_id else None
    if eml:
        from notifications.outbox import as_sent

        click.echo(as_sent(row), nl=False)
        return
    reference = case.reference if case else None
    if as_json:
        emit_json({**_as_dict(row, reference), "text": row.text_body, "html": row.html_body})
        return
    lines = [("Email", f"#{row.id} ({row.kind}, {reference or 'board'})"),
             ("Status", f"sent {short_moment(row.sent_at)}" if row.sent_at else _status(row)),
             ("From", row.sender), ("To", row.recipients)]
    if row.cc:
        lines.append(("Cc", row.cc))
    if row.reply_to:
        lines.append(("Reply-To", row.reply_to))
    lines += [("Subject", row.subject), ("Queued", short_moment(row.created_at)),
              ("Attempts", str(row.attempts))]
    if row.status == "pending" and row.attempts:
        lines.append(("Next try", short_moment(row.next_attempt_at)))
    if row.last_error:
        lines.append(("Last error", row.last_error))
    for attachment in row.attachments:
        lines.append(("Attached", attachment["filename"]))
    lines.append(("Key", labelled(row.key)))
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        click.echo(f"{label.ljust(width)}  {value}")
    click.echo("")
    if html:
        click.echo(row.html_body or "(no HTML alternative)")
    else:
        click.echo(row.text_body.rstrip())


@outbox.command()
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Send at most this many (default: all that are due).")
@click.option("--now", "now", type=int, multiple=True, metavar="N",
              help="Send email #N now, even if it waits to be retried later (repeatable).")
@actor_option
@pass_app
def send(app: App, limit: int | None, now: tuple[int, ...], actor: str | None) -> None:
    """Deliver the queued emails that are due: over SMTP if the config file names a relay,
    else into the outbox folder as .eml files.

    Temporary failures are retried later (backoff up to an hour); a server's permanent
    refusal marks the email failed with its reply. Exit code 9 when the server could not be
    reached: nothing is lost, the emails wait for the next run.
    """
    from casework.errors import DeliveryFailed
    from notifications.outbox import deliver

    transport = app.transport()
    with app.service() as service:
        report = deliver(service, transport, limit=limit, actor=actor_name(actor), only=now)
    parts = [f"{report.sent} sent"]
    if report.retrying:
        parts.append(f"{report.retrying} to retry later")
    if report.failed:
        parts.append(f"{report.failed} failed")
    click.echo(f"Delivery through {report.via}: {', '.join(parts)}.")
    for problem in report.problems:
        click.echo(f"  {problem}")
    if report.unavailable:
        raise DeliveryFailed(f"{report.unavailable}: the emails wait in the outbox for the "
                             "next run")


@outbox.command()
@click.argument("numbers", type=int, nargs=-1, required=True)
@click.option("--reason", required=True, help="Why it is not to be sent (kept in the history).")
@actor_option
@pass_app
def cancel(app: App, numbers: tuple[int, ...], reason: str, actor: str | None) -> None:
    """Cancel emails not yet sent, by their # (`casework outbox list`); they stay listed."""
    from notifications.outbox import cancel as cancel_emails

    with app.service() as service:
        rows = cancel_emails(service, numbers, reason=reason, actor=actor_name(actor))
    click.echo(f"Cancelled: {', '.join(f'#{row.id}' for row in rows)}.")


@outbox.command()
@click.argument("numbers", type=int, nargs=-1)
@click.option("--all-failed", is_flag=True, help="Every failed email.")
@actor_option
@pass_app
def retry(app: App, numbers: tuple[int, ...], all_failed: bool, actor: str | None) -> None:
    """Queue failed emails again (after the relay or the address was put right)."""
    from casework.errors import InvalidInput
    from notifications.outbox import failed_ids, retry

    with app.service() as service:
        chosen = list(numbers) or (failed_ids(service) if all_failed else [])
        if not chosen:
            if all_failed:
                click.echo("No failed emails.")
                return
            raise InvalidInput("name the emails to retry (their #), or give --all-failed")
        rows = retry(service, chosen, actor=actor_name(actor))
    click.echo(f"Queued again: {', '.join(f'#{row.id}' for row in rows)}.")


@outbox.command(context_settings={"ignore_unknown_options": True})
@click.argument("reference")
@click.argument("step")
@click.argument("step_options", nargs=-1, type=click.UNPROCESSED)
@on_option
@click.option("--html", is_flag=True, help="Print the HTML alternatives too.")
@actor_option
@pass_app
def preview(app: App, reference: str, step: str, step_options: tuple[str, ...],
            on: str | None, html: bool, actor: str | None) -> None:
    """Show the emails STEP would send, without taking the step or sending anything.

    \b
    e.g. casework outbox preview SCR-2008-001 commission_imrs \\
             --terms "..." --agency POLICE --agency CSC=2008-06-30
    """
    from casework.errors import InvalidInput
    from cli.case import parse_step_arguments

    with app.service() as service:
        service.dry_run = True
        try:
            options = parse_step_arguments(step_options, InvalidInput)
            outcome = service.advance(reference, step, options, actor=actor_name(actor), on=on)
            done = f"{outcome.case.reference}: {outcome.step}"
            queued = [(row.recipients, row.reply_to, row.subject, row.text_body, row.html_body)
                      for row in (app.notifier.queued if app.notifier else [])]
        finally:
            service.session.rollback()
    if not queued:
        click.echo(f"{done} would send no email.")
        return
    click.echo(f"{done} would send {len(queued)} email{'s' if len(queued) > 1 else ''} "
               "(nothing has been recorded or sent):")
    for to, reply_to, subject, text, html_body in queued:
        click.echo("")
        click.echo("=" * 78)
        click.echo(f"To:       {to}")
        if reply_to:
            click.echo(f"Reply-To: {reply_to}")
        click.echo(f"Subject:  {subject}")
        click.echo("-" * 78)
        click.echo(text.rstrip())
        if html and html_body:
            click.echo("-" * 78)
            click.echo(html_body.rstrip())


def _due_dates(service: Any, ids: list[int | None]) -> dict[int, str]:
    """The due date of the deadline each email is about (a request, a reminder, a chase)."""
    from sqlmodel import col, select

    from casework.models import Deadline

    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    query = select(Deadline.id, Deadline.due_on).where(col(Deadline.id).in_(wanted))
    return {number: short(due) for number, due in service.session.exec(query)}
