"""`casework`: the root command and its groups."""

from __future__ import annotations

import gc

import click

from casework import __version__
from cli import (
    agency,
    board,
    case,
    deadlines,
    death,
    outbox,
    report,
    scheduler,
    scr,
    setup,
    workflow,
)
from cli.app import App, CaseworkGroup


@click.group(cls=CaseworkGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                  "max_content_width": 80})
@click.option("--db", metavar="PATH|URL", default=None,
              help="The database: a file path or a URL (default: $CASEWORK_DATABASE_URL, "
                   "else the config file's, else a per-user file; `casework init` says where).")
@click.option("--config", metavar="PATH", default=None,
              help="The board's config file (default: $CASEWORK_CONFIG, else "
                   "~/.config/casework/casework.toml if present).")
@click.version_option(__version__, prog_name="casework")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None) -> None:
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


def main() -> None:
    # A command lives for a fraction of a second: the cyclic garbage collector would only
    # walk the freshly imported database stack again and again (about 40 ms of a `case show`,
    # a second of a long listing). Memory is returned when the process ends. A long-running
    # command (the scheduler, later) turns it back on with gc.enable().
    gc.disable()
    cli(prog_name="casework")


if __name__ == "__main__":
    main()
