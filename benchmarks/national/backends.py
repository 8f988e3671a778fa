"""The two backends the database is built on: an SQLite file, or a PostgreSQL database of
its own; how each is dropped, sized and let settle before the timed processes."""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PG_DATABASE = "casework_bench_national"
PG_ENV = ("CASEWORK_BENCH_POSTGRESQL_URL", "CASEWORK_TEST_POSTGRESQL_URL")


@dataclass
class Backend:
    name: str  # sqlite | postgresql
    url: str  # with the password: for engines and --db
    shown: str  # without it
    path: Path | None = None  # the SQLite file
    admin: str | None = None  # PostgreSQL's maintenance database

    @property
    def title(self) -> str:
        return "SQLite" if self.name == "sqlite" else "PostgreSQL"

    def drop(self) -> None:
        if self.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        assert self.admin is not None
        admin = create_engine(self.admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        name = make_url(self.url).database
        try:
            with admin.connect() as connection:
                quoted = connection.dialect.identifier_preparer.quote(name or "")
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        finally:
            admin.dispose()

    def size_mb(self, engine: Engine) -> float:
        if self.path is not None:
            with engine.begin() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(Path(f"{self.path}{s}").stat().st_size
                       for s in ("", "-wal") if Path(f"{self.path}{s}").exists()) / 1e6
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT pg_database_size(current_database())")).scalar_one() / 1e6

    def tables_mb(self, engine: Engine) -> dict[str, float]:
        """Each big table with its indexes."""
        names = ("deadline", "history", "case_record", "outbox")
        with engine.connect() as connection:
            if self.path is None:
                return {name: connection.execute(text(
                    f"SELECT pg_total_relation_size('{name}')")).scalar_one() / 1e6
                        for name in names}
            try:
                found = dict(connection.execute(text(
                    "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all())
            except Exception:  # an SQLite built without the dbstat table
                return {}
            indexes = dict(connection.execute(text(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")).all())
            sizes: Counter[str] = Counter()
            for name, size in found.items():
                sizes[indexes.get(name, name)] += size
            return {name: sizes[name] / 1e6 for name in names}


def postgresql_url() -> str | None:
    for name in PG_ENV:
        if os.environ.get(name):
            return os.environ[name]
    return None


def make_backends(args: argparse.Namespace, folder: Path) -> list[Backend]:
    backends = []
    if args.database in ("sqlite", "both"):
        path = folder / "national.db"
        backends.append(Backend("sqlite", f"sqlite:///{path}", str(path), path=path))
    if args.database in ("postgresql", "both"):
        base = postgresql_url()
        if base is None:
            print("\n" + "!" * 78 + "\n!! NO POSTGRESQL: neither $CASEWORK_BENCH_POSTGRESQL_URL "
                  "nor $CASEWORK_TEST_POSTGRESQL_URL\n!! is set. Measuring SQLite only.\n"
                  + "!" * 78 + "\n", flush=True)
        else:
            parsed = make_url(base).set(database=args.pg_database)
            url = parsed.render_as_string(hide_password=False)
            backends.append(Backend("postgresql", url,
                                    parsed.render_as_string(hide_password=True),
                                    admin=parsed.set(database="postgres").render_as_string(
                                        hide_password=False)))
    return backends



def settle(backend: Backend, limit_s: float = 180.0) -> None:
    """Let the machine go quiet before the timed processes. The build has just written
    gigabytes that the kernel is still writing back, and PostgreSQL's autovacuum may be
    working through the new rows: a coordinator's command does not meet either, and both
    fall unevenly on the interleaved runs (the floor's own runs spread by half)."""
    started = time.perf_counter()
    os.sync()
    waited = ""
    if backend.name == "postgresql":
        engine = create_engine(backend.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                while time.perf_counter() - started < limit_s:
                    workers = connection.execute(text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE backend_type = 'autovacuum worker'")).scalar()
                    connection.rollback()  # the next look sees a new snapshot
                    if not workers:
                        break
                    waited = "; waited for autovacuum"
                    time.sleep(1)
        finally:
            engine.dispose()
    print(f"Settled in {time.perf_counter() - started:.1f} s (dirty pages written back"
          f"{waited})", flush=True)
