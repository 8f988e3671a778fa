"""A board's config file: where the database is, closed days, and its own timescales."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casework.config import database_url, load_settings
from casework.errors import InvalidInput
from casework.service import CaseService

D = dt.date


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_database_is_chosen_by_flag_then_environment_then_file_then_default(tmp_path):
    config = _write(tmp_path / "c.toml", '[database]\nurl = "sqlite:////srv/board.db"\n')
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    default = load_settings(env=env)
    assert default.database_url == f"sqlite:///{tmp_path / 'data' / 'casework' / 'casework.db'}"
    assert default.database_source == "the per-user default"
    from_file = load_settings(config=config, env=env)
    assert (from_file.database_url, from_file.database_source) == (
        "sqlite:////srv/board.db", f"config file {tmp_path / 'c.toml'}")
    env["CASEWORK_DATABASE_URL"] = "postgresql+psycopg://u@h/db"
    assert load_settings(config=config, env=env).database_url == "postgresql+psycopg://u@h/db"
    assert load_settings(db="board.db", config=config, env=env).database_url == \
        database_url("board.db")
    assert database_url("board.db") == f"sqlite:///{Path('board.db').resolve()}"


def test_the_database_pool_and_timeouts_come_from_the_config_file(tmp_path):
    from casework.config import Tuning
    from casework.db import make_engine

    assert load_settings(env={}).database == Tuning(pool_size=5, statement_timeout=60,
                                                    lock_timeout=30,
                                                    idle_in_transaction_timeout=300)
    config = _write(tmp_path / "c.toml", "[database]\npool_size = 3\nstatement_timeout = 0\n"
                                         "lock_timeout = 2.5\n")
    tuning = load_settings(config=config, env={}).database
    assert tuning == Tuning(pool_size=3, statement_timeout=0, lock_timeout=2.5)
    engine = make_engine("postgresql+psycopg://u@h/db", tuning)  # not connected: no server
    assert (engine.pool.size(), engine.pool._max_overflow) == (3, 3)
    engine.dispose()


def test_the_config_file_is_found_in_the_user_config_directory(tmp_path):
    home = tmp_path / "cfg"
    (home / "casework").mkdir(parents=True)
    _write(home / "casework" / "casework.toml", '[board]\nname = "Medway LSCB"\n')
    settings = load_settings(env={"XDG_CONFIG_HOME": str(home)})
    assert settings.board_name == "Medway LSCB"
    assert settings.config_path == home / "casework" / "casework.toml"


@pytest.mark.parametrize(("text", "message"), [
    ("[board\n", "is not valid TOML"),
    ('[calendar]\nclosed_days = ["29/12/2008"]\n', "closed day '29/12/2008' is not a date"),
    ('[calendar]\nclosed_days = "2008-12-29"\n', "closed_days must be a list of dates"),
    ('[timescales]\nscr = "1 week"\n', "timescales.scr must be a table of deadlines"),
    ('[timescales.SCR]\ndecision = "2 weeks"\n',
     r"\[timescales.SCR\]: no workflow 'SCR' \(known: scr, cdr, cspr\)"),
    ('[board]\nareas = "Kent"\n', "areas must be a list of area names"),
    ('[database]\npool = 5\n', r"\[database\]: unknown setting 'pool' \(known: url, pool_size,"),
    ('[database]\npool_size = 0\n', "pool_size must be a whole number from 1, not 0"),
    ('[database]\nlock_timeout = "10s"\n',
     "lock_timeout must be a number of seconds \\(0 for no limit\\), not '10s'"),
    ('[database]\nstatement_timeout = -1\n', "statement_timeout must be a number of seconds"),
])
def test_a_broken_config_file_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(InvalidInput, match=message):
        load_settings(config=_write(tmp_path / "c.toml", text), env={})
    with pytest.raises(InvalidInput, match="does not exist"):
        load_settings(config=str(tmp_path / "missing.toml"), env={})


def test_closed_days_and_timescales_from_the_config_shape_deadlines(tmp_path, engine, clock):
    config = _write(tmp_path / "c.toml", """
[calendar]
closed_days = { 2008-04-14 = "Board training day" }

[timescales.scr]
decision = "20 working days"
completion = { duration = "6 months", anchor = "referral" }
""")
    settings = load_settings(db=str(engine.url.database), config=config, env={})
    from casework.db import session_scope

    with session_scope(engine) as session:
        service = CaseService(session, settings, clock)
        ref = service.refer_scr("Child A", actor="c", on="2008-03-20").reference
        # 20 working days from Thu 20 Mar 2008: Good Friday 21 and Easter Monday 24 are out;
        # 25-28 (4), 31 Mar-4 Apr (9), 7-11 (14), Mon 14 Apr is the board's closed day,
        # 15-18 (18), 21, 22 (20) -> Tuesday 22 April 2008.
        due = {d.key: d for d in service.deadlines_of(service.case(ref))}
        assert due["decision"].due_on == D(2008, 4, 22)
        assert due["decision"].rule == "20 working days after referral"
        service.advance(ref, "recommend", {"recommendation": "scr", "criteria": "death"},
                        actor="c", on="2008-03-28")
        service.advance(ref, "decide", {"outcome": "scr", "criteria": "death",
                                        "rationale": "r", "chair": "c"},
                        actor="c", on="2008-03-31")
        due = {d.key: d for d in service.deadlines_of(service.case(ref))}
        # Completion counted from the referral (20 March) by this board: 20 September 2008.
        assert due["completion"].due_on == D(2008, 9, 20)
        assert service.case(ref).timescales["decision"] == {
            "duration": "20 working days", "anchor": "referral"}

        # A case keeps the timescales it opened under when the board changes its file.
        _write(tmp_path / "c.toml", '[timescales.scr]\ncompletion = "2 months"\n')
        changed = CaseService(session, load_settings(config=config, env={}), clock)
        changed.advance(ref, "notify_inspectorate", {}, actor="c", on="2008-04-01")
        assert changed.case(ref).timescales["completion"]["duration"] == "6 months"
        newer = changed.refer_scr("Child B", actor="c", on="2008-04-01")
        assert newer.timescales["completion"]["duration"] == "2 months"


def test_a_bad_timescale_in_the_config_is_refused_on_the_command_line(tmp_path, run, db_url):
    config = _write(tmp_path / "c.toml", '[timescales.scr]\nimrs = "6 weeks"\n')
    result = run("--config", config, "scr", "refer", "--pseudonym", "A", expect=2)
    assert result.stderr == (
        f"Error: config file {tmp_path / 'c.toml'}: [timescales.scr] imrs: no such deadline "
        "(known: decision, notification, panel, imr, completion, audit, action, "
        "incident_notification, no_scr_notice)\n")  # any version's: refused as it is read


@pytest.mark.parametrize(("text", "message"), [
    ("[calender]\nclosed_days = []\n", r"unknown section \[calender\] \(known: board, calendar, "
     "corrections, database, email, overlays, regimes, reminders, scheduler, targets, "
     r"timescales\)"),
    ('title = "Kent"\n', r"unknown section \[title\]"),
    ('[board]\nnmae = "Kent"\n', r"\[board\]: unknown setting 'nmae' \(known: name, areas, "
     r"templates, marking, logo\)"),
    ('[database]\nurl = "x.db"\npool = 5\n', r"\[database\]: unknown setting 'pool'"),
    ('[calendar]\nclosed = ["2008-12-29"]\n',
     r"\[calendar\]: unknown setting 'closed' \(known: closed_days\)"),
    ('[email]\nsender = "a@b.org"\n', r"\[email\]: unknown setting 'sender' \(known: from, "
     r"templates, folder, smtp\)"),
    ('[email.smtp]\nhost = "h"\nhots = "h"\n', r"\[email.smtp\]: unknown setting 'hots'"),
    ('[reminders]\ndefaults = []\n', r"\[reminders\]: unknown setting 'defaults'"),
    ('[scheduler]\nsweep_minute = 5\n', r"\[scheduler\]: unknown setting 'sweep_minute' "
     r"\(known: sweep_minutes, overdue_listing\)"),
    ('[corrections]\nvoid_days = 60\n', r"\[corrections\]: unknown setting 'void_days' "
     r"\(known: void_within_days\)"),
    ('[[overlays]]\nname = "x"\nform = 2020-03-30\n', "unknown setting 'form'"),
    ('[timescales.cdp]\nimr = "1 week"\n', r"\[timescales.cdp\]: no workflow 'cdp'"),
    ('[regimes.sc]\n"2010.1" = 2010-01-04\n', r"\[regimes\]: no workflow 'sc'"),
    ("scheduler = 5\n", r"\[scheduler\] must be a table"),
    ('[timescales.scr]\npanl = "2 weeks"\n', r"\[timescales.scr\] panl: no such deadline "
     r"\(known: decision, notification, panel,"),
    ('[reminders.kinds]\nactoin = ["owner 0 days"]\n',
     r"\[reminders.kinds\]: no kind of deadline 'actoin'"),
    ('[reminders.kinds]\n"scr.form_b" = ["owner 0 days"]\n',
     r"\[reminders.kinds\]: no kind of deadline 'scr.form_b'"),
])
def test_an_unknown_section_or_setting_is_refused_naming_it_and_the_file(tmp_path, text,
                                                                         message):
    path = _write(tmp_path / "c.toml", text)
    with pytest.raises(InvalidInput, match=f"^config file {tmp_path / 'c.toml'}: .*{message}"):
        load_settings(config=path, env={})


def test_reminder_kinds_of_any_workflow_are_accepted(tmp_path):
    path = _write(tmp_path / "c.toml", '[reminders.kinds]\naction = ["owner 0 days"]\n'
                                       '"cdr.form_b" = ["owner 0 days"]\n')
    kinds = load_settings(config=path, env={}).reminders.kinds
    assert sorted(kinds) == ["action", "cdr.form_b"]


def test_a_targets_section_is_a_known_section(tmp_path):
    """Known to the one list of sections; its keys are the figures' (casework.targets)."""
    path = _write(tmp_path / "c.toml", "[targets.scr]\naudits_done_on_time = 0.9\n")
    assert load_settings(config=path, env={}).config_path == tmp_path / "c.toml"


@pytest.mark.parametrize(("value", "shown"), [
    ("0", "0"), ("-5", "-5"), ('"60"', "'60'"), ('"\uff16\uff10"', "'\uff16\uff10'"),
    ("true", "True"), ("60.0", "60.0"), ("3651", "3651")])
def test_void_within_days_is_a_whole_number_of_days(tmp_path, value, shown):
    path = _write(tmp_path / "c.toml", f"[corrections]\nvoid_within_days = {value}\n")
    with pytest.raises(InvalidInput) as refused:
        load_settings(config=path, env={})
    assert str(refused.value) == (
        f"config file {tmp_path / 'c.toml'}: [corrections] void_within_days must be a whole "
        f"number of days from 1 to 3650, e.g. void_within_days = 60 (not {shown})")


def test_void_within_days_defaults_to_30_and_a_board_sets_its_own(tmp_path):
    assert load_settings(env={}).void_within_days == 30
    path = _write(tmp_path / "c.toml", "[corrections]\nvoid_within_days = 60\n")
    settings = load_settings(config=path, env={})
    assert settings.void_within_days == 60
    assert "corrections.void_within_days" in settings.from_file
