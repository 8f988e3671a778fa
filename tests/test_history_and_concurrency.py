"""History is append-only; two coordinators on one case: one wins, the other is told."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from casework.db import session_scope
from casework.errors import Conflict
from casework.models import Case, History, HistoryIsAppendOnly
from casework.service import CaseService


def test_history_rows_cannot_be_changed_through_the_orm(service):
    ref = service.refer_scr("Child A", actor="c", on="2008-03-20").reference
    row = service.history(ref)[0]
    row.note = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        service.session.flush()
    service.session.rollback()
    service.session.delete(service.history(ref)[0])
    with pytest.raises(HistoryIsAppendOnly):
        service.session.flush()


def test_the_database_itself_refuses_to_rewrite_history(service, engine):
    service.refer_scr("Child A", actor="c", on="2008-03-20")
    for statement in ("UPDATE history SET note = 'x'", "DELETE FROM history"):
        with pytest.raises(DatabaseError, match="history is append-only"), engine.begin() as c:
            c.execute(text(statement))
    with Session(engine) as fresh:
        assert len(fresh.exec(select(History)).all()) == 1


def test_two_coordinators_on_one_case_one_wins_the_other_gets_a_conflict(
        engine, settings, clock):
    with session_scope(engine) as setup:
        ref = CaseService(setup, settings, clock).refer_scr(
            "Child A", actor="c", on="2008-03-20").reference
    with session_scope(engine) as first, session_scope(engine) as second:
        alice = CaseService(first, settings, clock)
        bob = CaseService(second, settings, clock)
        # Both have the case open at screening (held, as a coordinator's screen holds it).
        seen_by_alice, seen_by_bob = alice.case(ref), bob.case(ref)
        assert seen_by_alice.state == seen_by_bob.state == "screening"
        version = seen_by_bob.version
        alice.advance(ref, "recommend", {"recommendation": "scr", "criteria": "death"},
                      actor="alice", on="2008-04-01")
        with pytest.raises(Conflict, match=f"{ref} was changed by someone else"):
            bob.advance(ref, "recommend", {"recommendation": "no_review"}, actor="bob",
                        on="2008-04-01")
    with session_scope(engine) as fresh:
        reader = CaseService(fresh, settings, clock)
        case = reader.case(ref)
        assert (case.state, case.data["recommendation"], case.version) == (
            "decision", "scr", version + 1)
        assert [(h.step, h.actor) for h in reader.history(ref)] == [
            ("referral", "c"), ("recommend", "alice")]


def test_a_conflict_on_an_internal_step_is_caught_too(engine, settings, clock, agencies):
    """Steps that leave the stage alone still bump the case's version."""
    with session_scope(engine) as setup:
        svc = CaseService(setup, settings, clock)
        ref = svc.refer_scr("Child A", actor="c", on="2008-03-20").reference
        svc.pause(ref, "wait", actor="c", on="2008-03-21")
    with session_scope(engine) as first, session_scope(engine) as second:
        alice, bob = CaseService(first, settings, clock), CaseService(second, settings, clock)
        seen = alice.case(ref), bob.case(ref)
        assert all(c.paused_on for c in seen)
        alice.resume(ref, actor="alice", on="2008-03-25")
        with pytest.raises(Conflict):
            bob.resume(ref, actor="bob", on="2008-03-26")


def test_coordinators_referring_at_once_get_distinct_references(db_url, tmp_path):
    """Three processes refer fifteen cases each into one SQLite file: 45 references, no gaps."""
    script = tmp_path / "refer.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        from casework.config import Settings
        from casework.db import open_engine, session_scope
        from casework.service import CaseService
        engine = open_engine({db_url!r})
        for i in range(15):
            with session_scope(engine) as s:
                CaseService(s, Settings({db_url!r}, "test")).refer_scr(
                    f"Child {{sys.argv[1]}}{{i}}", actor="c", on="2008-03-20")
    """))
    workers = [subprocess.Popen([sys.executable, str(script), name]) for name in "XYZ"]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]
    from casework.db import open_engine

    engine = open_engine(db_url)
    with Session(engine) as fresh:
        refs = sorted(c.reference for c in fresh.exec(select(Case)))
    engine.dispose()
    assert refs == [f"SCR-2008-{n:03d}" for n in range(1, 46)]
