"""`casework`: the root command and its groups."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from typing import NoReturn

import click

from casework import __version__
from cli import (
    agency,
    backup,
    board,
    case,
    config_cmd,
    deadlines,
    death,
    doctor,
    outbox,
    report,
    scheduler,
    scr,
    setup,
    templates,
    workflow,
)
from cli.app import App, CaseworkGroup
from cli.guard import guard


@click.group(cls=CaseworkGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                  "max_content_width": 80})
@click.option("--db", metavar="PATH|URL", default=None,
              help="The database: a file path or a URL (default: $CASEWORK_DATABASE_URL, "
                   "else the config file's, else a per-user file; `casework init` says where).")
@click.option("--config", metavar="PATH", default=None,
              help="The board's config file (default: $CASEWORK_CONFIG, else "
                   "~/.config/casework/casework.toml if present).")
@click.option("-v", "--verbose", count=True,
              help="Log more on stderr: -v what it is doing (INFO), -vv everything (DEBUG).")
@click.option("-q", "--quiet", is_flag=True, help="Log only errors on stderr.")
@click.version_option(__version__, prog_name="casework")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None, verbose: int,
        quiet: bool) -> None:
    """Serious case reviews and child death overviews for a Safeguarding Children Board.

    Start with `casework init`, add agencies with `casework agency add`, refer a serious
    incident with `casework scr refer` or notify a child's death with `casework death notify`,
    then see and move cases with `casework case ...`.
    """
    if ctx.obj is None:
        ctx.obj = App(db, config)
    else:
        ctx.obj.db = db or ctx.obj.db
        ctx.obj.config = config or ctx.obj.config
    ctx.obj.verbosity = -1 if quiet else verbose
    from cli.logs import configure, level_for

    configure(level_for(ctx.obj.verbosity))  # a service raises its own default (INFO)


cli.add_command(setup.init)
cli.add_command(setup.demo)
cli.add_command(agency.agency)
cli.add_command(board.board)
cli.add_command(scr.scr)
cli.add_command(death.death)
cli.add_command(report.report)
cli.add_command(case.case)
cli.add_command(deadlines.deadlines)
cli.add_command(outbox.outbox)
cli.add_command(scheduler.scheduler)
cli.add_command(workflow.workflow)
cli.add_command(doctor.doctor)
cli.add_command(config_cmd.config)
cli.add_command(templates.templates)
cli.add_command(backup.backup)
guard(cli)  # last: every command's arguments pass one gate


def main() -> None:
    # A command lives for a fraction of a second: the cyclic garbage collector would only
    # walk the freshly imported database stack again and again (about 40 ms of a `case show`,
    # a second of a long listing). Memory is returned when the process ends. A long-running
    # command (the scheduler) turns it back on with gc.enable().
    gc.disable()
    try:
        cli(prog_name="casework")
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """End the process as `sys.exit(code)` would, without tearing the interpreter down.

    Unloading the database stack module by module, and the one collection of everything the
    disabled collector left, took 50-100 ms after a command's work was done: more than the
    command itself. The atexit handlers run (logging's among them), then output is flushed;
    connections were already closed when each command's engine was disposed. While another
    thread is still alive, the ordinary exit waits for it instead.
    """
    threading = sys.modules.get("threading")  # never imported: no other thread
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): said on stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()  # first, as at an ordinary exit: they may still print
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`casework deadlines | head`)
        status = status or 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
