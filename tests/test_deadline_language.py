"""The deadline language the later regimes need: a deadline counted back from a planned event,
the unit a deadline is counted in kept on its row, how sure a timescale is, and a period in
which a board's timescales were relaxed."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from casework.changes import Moved
from casework.db import MIGRATIONS, init_database
from casework.models import Deadline
from casework.regimes import open_case
from casework.replay import standing
from casework.service import CaseService
from notifications.scheduler import sweep
from tests.test_emails import step
from workflows import registry
from workflows.definition import Deadline as Timescale
from workflows.definition import Option, Stage, Step, Workflow


def london(*parts: int) -> pendulum.DateTime:
    return pendulum.datetime(*parts, tz="Europe/London")


def due(service: CaseService, reference: str, key: str) -> Deadline:
    return next(d for d in service.deadlines_of(service.case(reference)) if d.key == key)


# -- a deadline counted back from a planned event ------------------------------------------

PLANNED = Workflow(
    key="planned", version="1", kind="tst", kind_name="test review", title="Test review",
    short_title="TEST", initial_records="opened", events=("opened", "publication"),
    stages=(Stage("open", "Open"), Stage("planned", "Publication planned"),
            Stage("published", "Published", final=True)),
    deadlines=(Timescale("final_report", "Final report sent before publication",
                         "7 working days", "publication", before=True),),
    steps=(
        Step("plan_publication", "Publication planned", ("open",), "planned",
             options=(Option("date", "the planned date", kind="date", required=True,
                             event="publication"),), opens=("final_report",)),
        Step("replan", "Publication moved", ("planned",),
             options=(Option("date", "the new date", kind="date", required=True,
                             event="publication"),)),
        Step("publish", "Published", ("planned",), "published", meets=("final_report",)),
    ),
)


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> Workflow:
    """A process of the test's own, registered as a regime is: one line in the registry."""
    PLANNED.check()
    monkeypatch.setattr(registry, "ALL", (*registry.ALL, PLANNED))
    return PLANNED


def test_a_deadline_counted_back_from_a_planned_date_moves_when_the_plan_moves(
        service, planned, clock):
    clock.set(london(2008, 4, 14, 12))
    ref = open_case(service, "planned", "Child A", {}, actor="c", on="2008-04-10").reference
    step(service, ref, "plan_publication", "2008-04-11", date="2008-05-06")
    # Publication planned for Tuesday 6 May 2008; Monday 5 May is the early May bank holiday.
    # Counting back 7 working days: Fri 2 May (1), Thu 1 (2), Wed 30 Apr (3), Tue 29 (4),
    # Mon 28 (5), Fri 25 (6), Thu 24 April (7).
    report = due(service, ref, "final_report")
    assert (report.due_on, report.unit, report.rule) == (
        dt.date(2008, 4, 24), "working_days", "7 working days before publication")
    assert report.anchor_on == dt.date(2008, 4, 11)  # asked from the day it was planned
    # Moved to Tuesday 27 May (Monday 26 May is the spring bank holiday): Fri 23 (1) ...
    # Mon 19 (5), Fri 16 (6), Thu 15 May (7).
    outcome = step(service, ref, "replan", "2008-04-14", date="2008-05-27")
    assert outcome.changes == [Moved("final_report", dt.date(2008, 4, 24),
                                     dt.date(2008, 5, 15), "publication now 27 May 2008")]
    assert outcome.changes[0].describe() == (
        "moved final_report: 24 Apr 2008 -> 15 May 2008 (publication now 27 May 2008)")
    assert due(service, ref, "final_report").due_on == dt.date(2008, 5, 15)
    # The replay knows the plan as it stood: on the 13th the report was due on the 24th.
    case_id = service.case(ref).id
    before = standing(service.session, dt.date(2008, 4, 13), [case_id])
    after = standing(service.session, dt.date(2008, 4, 14), [case_id])
    assert before.due_on(case_id, "final_report", dt.date(2008, 4, 24)) == dt.date(2008, 4, 24)
    assert after.due_on(case_id, "final_report", dt.date(2008, 4, 24)) == dt.date(2008, 5, 15)


def test_a_definition_whose_counted_back_deadline_no_step_plans_is_refused():
    broken = Workflow(
        key="broken", version="1", kind="tst", title="Broken", initial_records="opened",
        events=("opened", "publication"), stages=(Stage("open", "Open"),), steps=(),
        deadlines=(Timescale("final_report", "Report", "7 working days", "publication",
                             before=True),))
    with pytest.raises(ValueError, match="no step plans publication"):
        broken.check()


# -- the unit a deadline is counted in -------------------------------------------------------

def test_a_24_hour_deadline_that_ends_at_2359_is_still_counted_in_hours(service, agencies,
                                                                        clock):
    """Notified at 23:59 on Saturday 5 April 2008, the joint home visit is due 24 hours later,
    23:59 BST on Sunday 6 April: a due time that a day rule would also give. The row says it
    runs in hours, so the hours policy reminds the mailbox 4 hours before (19:59 BST, 18:59
    UTC) rather than 5 working days before at 07:00, and the email gives the time."""
    from casework.deaths import notify_death

    service.set_board_contact("mailbox", "lscb@kent.example.org", actor="t")
    clock.set(london(2008, 4, 6, 0, 30))
    ref = notify_death(service, pseudonym="Child B", died="2008-04-05 23:00", age_band="1-4y",
                       place="home", notifier="Dr Jones", notifier_agency="HEALTH",
                       residence="Kent", death="unexpected", actor="c",
                       on="2008-04-05 23:59").reference
    visit = due(service, ref, "home_visit")
    assert (visit.unit, visit.due_at) == ("hours", pendulum.datetime(2008, 4, 6, 22, 59))
    assert visit.next_level_at == pendulum.datetime(2008, 4, 6, 18, 59)
    assert due(service, ref, "information_sharing").unit == "working_days"
    assert due(service, ref, "final_discussion").unit == "weeks"
    clock.set(london(2008, 4, 6, 20))
    sweep(service, london(2008, 4, 6, 19, 59))
    from sqlmodel import select

    from casework.models import OutboxEmail

    reminder = service.session.exec(select(OutboxEmail).where(
        OutboxEmail.key == "CDR-2008-001/home_visit/owner-4h/2008-04-06")).one()
    assert reminder.subject.startswith("Reminder: due Sunday 6 April 2008 at 23:59 – ")


def test_upgrading_keeps_every_case_and_gives_old_deadlines_their_unit(empty_db_url,
                                                                        settings, clock):
    """A board's database from schema 0004 (before deadlines stored their unit): after
    `casework init` its cases keep their regime, and each deadline's unit is read from its
    rule's own words."""
    from casework.db import open_engine, session_scope
    from casework.deaths import notify_death

    init_database(empty_db_url)
    settings.database_url = empty_db_url
    engine = open_engine(empty_db_url)
    with session_scope(engine) as session:
        service = CaseService(session, settings, clock)
        service.add_agency("HEALTH", "Primary Care Trust", "a@pct.example.org", None, actor="t")
        scr = service.refer_scr("Child A", actor="c", on="2008-03-20").reference
        death = notify_death(service, pseudonym="Child B", died="2008-04-01 03:00",
                             age_band="1-4y", place="home", notifier="Dr J",
                             notifier_agency="HEALTH", residence="Kent", death="unexpected",
                             actor="c", on="2008-04-01 09:00").reference
    engine.dispose()
    raw = create_engine(empty_db_url)
    with raw.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    raw.dispose()
    assert init_database(empty_db_url).previous == "0004"
    raw = create_engine(empty_db_url)
    with raw.connect() as connection:
        cases = connection.execute(text(
            "SELECT reference, workflow_version, state FROM case_record ORDER BY reference"))
        assert list(cases) == [(death, "2008.1", "triage"),
                               (scr, "2006.1", "screening")]
        units = dict(connection.execute(text("SELECT key, unit FROM deadline")).all())
    raw.dispose()
    assert units == {"decision": "months", "notification": "hours", "triage": "working_days",
                     "home_visit": "hours", "information_sharing": "working_days",
                     "final_discussion": "weeks"}


# -- how sure a timescale is, and a period of relaxed timescales -----------------------------

def test_case_show_says_how_sure_each_timescale_is_and_names_a_relaxation(run, service,
                                                                        agencies, clock,
                                                                        tmp_path):
    """Referred on 23 September 2019 (WT2013/15, days before SCRs ended), decided on 21
    October: the review should be complete within six months, by 21 April 2020, so it ran
    into the board's Covid-19 relaxation (30 March to 31 July 2020, declared in its config
    file)."""
    config = tmp_path / "board.toml"
    config.write_text('[[overlays]]\nname = "Covid-19"\nfrom = 2020-03-30\nto = 2020-07-31\n'
                      'timescales = ["scr.completion"]\nsource = "Panel letter"\n')
    clock.set(london(2020, 4, 1, 12))
    ref = service.refer_scr("Child A", actor="c", on="2019-09-23").reference
    step(service, ref, "notify_ofsted", "2019-09-24")
    step(service, ref, "recommend", "2019-10-07", recommendation="scr", criteria="death")
    step(service, ref, "decide", "2019-10-21", outcome="scr", criteria="death",
         rationale="a child died", chair="J Smith")
    service.commit()
    shown = run("--config", config, "case", "show", ref).stdout
    assert ("Regime                Serious case review (Working Together 2013 and 2015) (scr\n"
            "                      2013.1)\n") in shown
    assert ("  completion: statutory guidance: should (Hansard written answer 27 Mar 2017\n"
            "    (Timpson) [P])\n") in shown
    assert "  panel: default: no source confirms it\n" in shown
    assert ("  completion ran while its timescale was relaxed: Covid-19 (30 Mar 2020 to\n"
            "    31 Jul 2020)\n") in shown  # a date is never split across lines
