"""One scheduler service per SQLite database.

Several `casework scheduler run` workers share a PostgreSQL database: each batch of due
deadlines, and each email, is claimed with FOR UPDATE SKIP LOCKED. An SQLite file is for one
machine and one worker: a second service on the same file would only queue behind the first
for the write lock (and on a network share, where SQLite's locking cannot be trusted, could
send twice). So the service holds an OS lock on `<database>.scheduler.lock` while it runs; the
system releases it when the process ends, however it ends. A second service is refused with
a message naming the first, or with `--standby` waits and takes over when the first stops.
(`scheduler run-once`, for cron or by hand, takes no such lock: each of its claims holds the
file's write lock until it commits, so it is safe beside the service.)
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from casework.db import sqlite_path
from casework.errors import AnotherScheduler
from workflows.formats import utc_stamp

log = logging.getLogger("casework.scheduler")
STANDBY_POLL = 2.0  # seconds between a standby's tries


class SoleWorker:
    """The lock of the one scheduler service on an SQLite file."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".scheduler.lock")
        self.handle: IO[str] | None = None

    def acquire(self, *, standby: bool, stop: threading.Event,
                clock: Callable[[], dt.datetime]) -> bool:
        """Take the lock; False if `stop` was set while standing by. Without `standby`, a
        lock already held is AnotherScheduler. The lock file then names this process."""
        handle = self.path.open("a+", encoding="utf-8")
        announced = False
        while not _try_lock(handle):
            holder = self.holder()
            if not standby:
                handle.close()
                raise AnotherScheduler(
                    f"another `casework scheduler run` is already working on this database "
                    f"({holder}). An SQLite database takes one scheduler: stop that one first, "
                    "or start this one with --standby to take over when it stops (several "
                    "workers need PostgreSQL: README, 'Several workers').")
            if not announced:
                log.info("standby: another scheduler is working on this database (%s); this "
                         "one takes over when it stops", holder)
                announced = True
            if stop.wait(STANDBY_POLL):
                handle.close()
                return False
        handle.seek(0)
        handle.truncate()
        started = utc_stamp(clock())
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, since {started}\n")
        handle.flush()
        self.handle = handle
        if announced:
            log.info("standby over: this scheduler now works on the database")
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "starting"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing the file releases the lock
            self.handle = None


def sole_worker(url: str) -> SoleWorker | None:
    """The lock a scheduler service takes on this database: None on PostgreSQL, where
    workers share the work."""
    path = sqlite_path(url)
    return SoleWorker(path) if path is not None else None


def _try_lock(handle: IO[str]) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
