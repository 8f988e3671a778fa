"""Long output through a pager, on a terminal only.

A listing longer than the screen goes to `$CASEWORK_PAGER`, else `$PAGER`, else `less`
(with `LESS=FRX` unless set: quit at once if it fits, keep colours, leave the text on the
screen). Closing the pager before the end is the reader's choice, not a failure: the command
still exits 0. Piped or redirected output, `--no-pager`, and an empty pager setting print
straight through.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
from collections.abc import Callable
from typing import Any

import click


def paged(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run `command` with its standard output held back, then page it if it is long."""
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        pager = _pager()
        if pager is None:
            return command(*args, **kwargs)
        held = io.StringIO()
        try:
            with contextlib.redirect_stdout(held):
                return command(*args, **kwargs)
        finally:  # what was written before a failure is shown too
            show(held.getvalue(), pager)
    return run


def show(text: str, pager: list[str]) -> None:
    """`text` through `pager` when it is longer than the screen, else straight out. The
    reader may quit the pager at any point (or press Ctrl-C in it): that ends the paging,
    not the command."""
    import shutil
    import subprocess  # only when paging: `--help` stays fast

    if text.count("\n") < shutil.get_terminal_size().lines:
        sys.stdout.write(text)
        return
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        process = subprocess.Popen(pager, stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: print straight through
        sys.stdout.write(text)
        return
    assert process.stdin is not None
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):  # the reader had enough
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        process.stdin.close()
    while True:  # the pager owns the terminal until it quits
        with contextlib.suppress(KeyboardInterrupt):
            process.wait()
            return


def _pager() -> list[str] | None:
    """The pager's command line, or None when output should not be paged."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and not getattr(root.obj, "pager", True):
        return None
    try:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return None
    except (AttributeError, ValueError):
        return None
    import shlex

    given = os.environ.get("CASEWORK_PAGER", os.environ.get("PAGER", "less"))
    try:
        words = shlex.split(given)
    except ValueError:
        return None
    return words or None
