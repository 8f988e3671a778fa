"""`casework config show`: every setting in force and where it came from, secrets never."""

from __future__ import annotations

import json

from casework.config import default_outbox_folder
from casework.db import describe

BOARD = """\
[board]
name = "Kent LSCB"
[calendar]
closed_days = { 2008-12-29 = "board closure" }
[timescales.scr]
imr = "8 weeks"
[email.smtp]
host = "smtp.kent.example.org"
username = "casework"
password_env = "KENT_RELAY_PASSWORD"
[scheduler]
overdue_listing = "off"
[corrections]
void_within_days = 60
"""


def test_each_setting_says_where_it_came_from(run, db_url, tmp_path, monkeypatch):
    config = tmp_path / "board.toml"
    config.write_text(BOARD, encoding="utf-8")
    monkeypatch.setenv("KENT_RELAY_PASSWORD", "correct horse battery staple")
    out = run("--config", config, "config", "show").stdout
    db = describe(db_url)  # an SQLite file's path; a server's URL without its password
    folder = default_outbox_folder(db_url)
    where = "beside the database" if db_url.startswith("sqlite") else "in the per-user data folder"
    file = f"(config file {config})"
    default = "(built-in default)"
    assert out.splitlines() == [line.rstrip() for line in f"""\
config file                           {config}  (--config)
database.url                          {db}  (--db)
database.pool_size                    5  {default}
database.statement_timeout            60  {default}
database.lock_timeout                 30  {default}
database.idle_in_transaction_timeout  300  {default}
board.name                            Kent LSCB  {file}
board.areas                           (none)  {default}
board.templates                       (none)  {default}
board.marking                         OFFICIAL-SENSITIVE  {default}
board.logo                            (none)  {default}
calendar.closed_days                  2008-12-29 board closure  {file}
timescales.scr.imr                    8 weeks  {file}
email.from                            (the board mailbox)  {default}
email.folder                          {folder}  (built-in default: {where})
email.templates                       (none)  {default}
email.smtp.host                       smtp.kent.example.org  {file}
email.smtp.port                       587  {default}
email.smtp.security                   starttls  {default}
email.smtp.username                   casework  {file}
email.smtp.timeout                    30  {default}
email.smtp.data_timeout               600  {default}
email.smtp.ca_file                    (none)  {default}
email.smtp.password_env               KENT_RELAY_PASSWORD  {file}
email.smtp.password                   set  ($KENT_RELAY_PASSWORD)
reminders.default                     owner -5 working days, owner +0 days, escalation +5 working days, board +20 working days  {default}
reminders.hours                       owner -4 hours, escalation +4 hours, board +24 hours  {default}
scheduler.sweep_minutes               15  {default}
scheduler.overdue_listing             off  {file}
corrections.void_within_days          60  {file}
""".splitlines()]  # noqa: E501
    assert "correct horse" not in out
    monkeypatch.delenv("KENT_RELAY_PASSWORD")
    rows = json.loads(run("--config", config, "config", "show", "--json").stdout)
    assert {"name": "email.smtp.password", "value": "not set",
            "from": "$KENT_RELAY_PASSWORD"} in rows


def test_without_a_config_file_everything_is_a_default_or_the_environment(run, monkeypatch,
                                                                          tmp_path):
    rows = {r["name"]: r for r in json.loads(run("config", "show", "--json").stdout)}
    assert rows["config file"] == {"name": "config file", "value": "(none)",
                                   "from": "built-in default"}
    assert rows["email.smtp"]["value"] == "(none: emails are written to the folder)"
    assert rows["corrections.void_within_days"] == {
        "name": "corrections.void_within_days", "value": "30", "from": "built-in default"}
    config = tmp_path / "env.toml"
    config.write_text("[database]\nlock_timeout = 2.5\n", encoding="utf-8")
    monkeypatch.setenv("CASEWORK_CONFIG", str(config))
    rows = {r["name"]: r for r in json.loads(run("config", "show", "--json").stdout)}
    assert rows["config file"]["from"] == "$CASEWORK_CONFIG"
    assert rows["database.lock_timeout"] == {"name": "database.lock_timeout", "value": "2.5",
                                             "from": f"config file {config}"}


def test_a_database_password_is_never_shown(tmp_path):
    from click.testing import CliRunner

    from cli.main import cli

    url = "postgresql+psycopg://casework:s3cret@db.example.org/casework"
    result = CliRunner().invoke(cli, ["config", "show"], env={"CASEWORK_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.stdout
    assert ("database.url                          postgresql+psycopg://casework:***@"
            "db.example.org/casework  ($CASEWORK_DATABASE_URL)") in result.stdout


def test_a_broken_config_file_is_an_error_not_a_listing(run, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[calender]\n", encoding="utf-8")
    result = run("--config", config, "config", "show", expect=2)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: config file {config}: unknown section [calender]")
