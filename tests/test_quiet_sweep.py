"""A sweep with nothing due asks the pointer index once and stops: no templates compiled, no
agencies or contacts loaded, jinja2 not even imported (whole `run-once` processes pay for it
every few minutes)."""

from __future__ import annotations

import json
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


def test_when_something_is_due_the_sweep_goes_on_as_before(service, engine):
    many_due(service, 3)  # decisions due a month after 7 January 2008, reminded before
    service.session.commit()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda c, cur, statement, *a: statements.append(statement.split()[0]))
    report = sweep(service, service.clock.now().add(months=2))
    assert report.deadlines >= 3 and report.reminders + report.escalations >= 3
    assert statements[0] == "SELECT" and "UPDATE" in statements  # probed, then claimed
