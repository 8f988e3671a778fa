"""A sweep with nothing due asks the pointer index once and stops: no templates compiled, no
agencies or contacts loaded, jinja2 not even imported (whole `run-once` processes pay for it
every few minutes). And the whole quiet `run-once` process does the same work at any size."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import event

from notifications.scheduler import sweep
from tests.test_scheduler import many_due

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import json, sys
import pendulum
from sqlalchemy import event
from casework.config import Settings
from casework.db import open_engine, session_scope
from casework.service import CaseService
from notifications.scheduler import sweep
engine = open_engine(sys.argv[1])
statements = []
event.listen(engine, "before_cursor_execute",
             lambda c, cur, statement, *a: statements.append(statement.split()[0]))
with session_scope(engine) as session:
    service = CaseService(session, Settings(database_url=sys.argv[1], database_source="test"))
    report = sweep(service, pendulum.datetime(2008, 1, 8, 12))
print(json.dumps({"statements": statements, "deadlines": report.deadlines,
                  "jinja2": "jinja2" in sys.modules,
                  "render": "notifications.render" in sys.modules}))
"""


def test_nothing_due_is_one_indexed_statement_and_nothing_loaded(service, db_url):
    many_due(service, 3)  # referred on 7 January 2008: nothing due a day later
    service.session.commit()
    done = subprocess.run([sys.executable, "-c", SCRIPT, db_url], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    seen = json.loads(done.stdout)
    assert seen == {"statements": ["SELECT"], "deadlines": 0, "jinja2": False,
                    "render": False}


# The real command line in a fresh process, counting the steps of SQLite's virtual machine on
# every connection: a statement that reads a row per deadline shows as steps per deadline.
COMMAND = """
import json, sys
from sqlalchemy import event
from sqlalchemy.pool import Pool
from cli.main import cli
steps, statements = [0], []
def count(*_):
    steps[0] += 1
    return 0
event.listen(Pool, "connect", lambda raw, _record: raw.set_progress_handler(count, 1))
event.listen(Pool, "connect", lambda raw, _record: raw.set_trace_callback(statements.append))
cli.main(sys.argv[1:], prog_name="casework", standalone_mode=False)
print(json.dumps({"steps": steps[0], "statements": [s.split()[0] for s in statements]}))
"""


def _run_once_quietly(db_url: str, config: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", COMMAND, "--db", db_url, "--config",
                           str(config), "scheduler", "run-once", "--no-send", "--as-of",
                           "2008-01-08 12:00"], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    line, counted = done.stdout.splitlines()
    assert line.startswith("sweep as of 2008-01-08 12:00 UTC: 0 deadlines, 0 reminders")
    return json.loads(counted)


def _copy_open_deadlines(db_path: Path, copies: int) -> int:
    """Each open deadline `copies` times more (keys made unique), as SQL copies."""
    with sqlite3.connect(db_path) as raw:
        columns = [row[1] for row in raw.execute("PRAGMA table_info(deadline)")
                   if row[1] not in ("id", "key")]
        names = ", ".join(columns)
        raw.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    f"WHERE i < {copies}) INSERT INTO deadline (key, {names}) "
                    f"SELECT key || '/copy' || i, {names} FROM deadline, n "
                    "WHERE status = 'open'")
        return raw.execute("SELECT count(*) FROM deadline WHERE status = 'open'").fetchone()[0]


def test_a_quiet_run_once_process_does_the_same_work_at_any_size(service, db_url, db_path,
                                                                  tmp_path):
    """Start-up, the schema check, the look for damage, the sweep's probe and the run's
    history row: none of it may read a row per deadline (the look for misshapen due dates
    once did: 0.8 s a command at 1,000,000 open deadlines)."""
    config = tmp_path / "quiet.toml"
    config.write_text('[scheduler]\noverdue_listing = "off"\n')
    many_due(service, 3)  # three open decisions, nothing due on 8 January
    service.session.commit()
    small = _run_once_quietly(db_url, config)
    assert _copy_open_deadlines(db_path, 1000) == 3003
    large = _run_once_quietly(db_url, config)
    assert large == small
    # SQLAlchemy's isolation probe, foreign keys, busy timeout; the schema check, the look for
    # damage, the sweep's probe; the run's history row
    assert small["statements"] == ["PRAGMA", "PRAGMA", "PRAGMA", "SELECT", "SELECT", "SELECT",
                                   "BEGIN", "INSERT", "COMMIT"]


def test_when_something_is_due_the_sweep_goes_on_as_before(service, engine):
    many_due(service, 3)  # decisions due a month after 7 January 2008, reminded before
    service.session.commit()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda c, cur, statement, *a: statements.append(statement.split()[0]))
    report = sweep(service, service.clock.now().add(months=2))
    assert report.deadlines >= 3 and report.reminders + report.escalations >= 3
    assert statements[0] == "SELECT" and "UPDATE" in statements  # probed, then claimed
