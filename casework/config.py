"""Where the database is and what a board has changed from the defaults.

The board's config file is TOML, found at `--config`, else `$CASEWORK_CONFIG`, else
`<user config dir>/casework/casework.toml` if it exists. Everything in it is optional:

    [board]
    name = "Kent Safeguarding Children Board"
    areas = ["Kent"]            # a death of a child living elsewhere goes to that area's panel
    templates = "/srv/casework/templates"  # the board's own versions of any template:
                                           # email/<name>.txt|.html, report/<name>.html

    [database]
    url = "sqlite:////srv/casework/casework.db"     # --db and $CASEWORK_DATABASE_URL win
    # or url = "postgresql+psycopg://casework@db.example.org/casework" (password: ~/.pgpass
    # or $PGPASSWORD). Defaults shown, in seconds:
    lock_timeout = 30                       # waiting for another's change, then "busy: try
                                            # again" (exit code 6); SQLite's busy timeout too
    # on PostgreSQL only:
    pool_size = 5
    statement_timeout = 60                  # 0: no limit
    idle_in_transaction_timeout = 300       # a frozen worker's claimed rows go to the others

    [calendar]
    closed_days = ["2008-12-29", "2008-12-30", "2008-12-31"]

    [timescales.scr]                                 # per workflow, per deadline
    imr = "8 weeks"                                  # a duration ...
    panel = { duration = "15 working days", anchor = "decision" }   # ... or both parts

    [regimes.scr]                  # the board's own switch dates: the first key date (an
    "2010.1" = 2010-01-04          # SCR's referral, a death's date) a version applies to

    [[overlays]]                   # a period in which named timescales were relaxed
    name = "Covid-19: timescales relaxed"
    from = 2020-03-30
    to = 2020-07-31
    timescales = ["scr.completion"]      # workflow.deadline
    effect = "relaxed"                   # relaxed | suspended
    source = "Panel letter, 30 March 2020"

    [email]
    from = "Kent LSCB business unit <lscb@kent.example.org>"   # default: the board mailbox
    folder = "/srv/casework/outbox"        # where .eml files go when there is no SMTP relay

    [email.smtp]                           # without it, emails are written to the folder
    host = "smtp.kent.example.org"
    port = 587                             # default: 587 starttls, 465 tls, 25 none
    security = "starttls"                  # starttls | tls (implicit) | none
    username = "casework"                  # the password comes from $CASEWORK_SMTP_PASSWORD
    password_env = "CASEWORK_SMTP_PASSWORD"
    timeout = 30                           # seconds to connect, greet, STARTTLS and log in
    data_timeout = 600                     # seconds for each reply once sending: RFC 5321
                                           # gives the final reply to DATA ten minutes
    ca_file = "/etc/ssl/board-relay.pem"   # to trust a relay with its own certificate

    [scheduler]
    sweep_minutes = 15                     # how often reminders and escalations are swept
    overdue_listing = "monday 07:30"       # when the board's mailbox gets the week's overdue
                                           # listing (London time); "off" for never

    [corrections]
    void_within_days = 30                  # how long after recording it a step may be voided

Any other section or setting is refused, naming it (the list: casework.config_sections).

Secrets (the SMTP password) never live here: they come from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from casework.config_email import (  # SmtpSettings: imported from here by the transports
    EmailSettings,
    SmtpSettings,  # noqa: F401
    email_settings,
    folder_setting,
)
from casework.config_sections import check_sections
from casework.errors import InvalidInput
from casework.overlays import Overlay, overlays
from casework.reminders import Policy

VOID_WITHIN_DAYS = 30  # the default: how long after recording a step it may be voided


@dataclass(frozen=True)
class Tuning:
    """How casework uses its database (`[database]` in the config file): the lock timeout on
    both, the rest on PostgreSQL only. The timeouts make a stuck query, a held lock or a
    worker frozen inside a transaction fail or free its rows instead of stalling every other
    worker."""

    pool_size: int = 5  # connections a process keeps open (a worker needs one or two)
    statement_timeout: float = 60.0  # seconds a statement may run; 0 for no limit
    lock_timeout: float = 30.0  # seconds a statement waits for a lock another holds
    # A worker that stops answering inside a transaction (frozen, or its network gone) loses
    # it after this long, and the deadlines it had claimed go to the other workers.
    idle_in_transaction_timeout: float = 300.0


@dataclass
class Settings:
    database_url: str
    database_source: str  # how the URL was chosen, for `casework init` to say
    config_path: Path | None = None
    config_source: str = "none"  # --config, $CASEWORK_CONFIG, or the per-user location
    board_name: str = "Local Safeguarding Children Board"
    areas: list[str] = field(default_factory=list)  # where the panel's children live
    closed_days: dict[dt.date, str] = field(default_factory=dict)
    timescales: dict[str, dict[str, Any]] = field(default_factory=dict)
    email: EmailSettings | None = None  # None: defaults beside the database
    reminders: Policy = field(default_factory=lambda: Policy())
    sweep_minutes: int = 15  # how often `casework scheduler run` sweeps
    # when it emails the board the overdue listing: (weekday 0=Monday, hour, minute), or None
    overdue_listing: tuple[int, int, int] | None = (0, 7, 30)
    templates: Path | None = None  # the board's own versions of any template
    database: Tuning = field(default_factory=Tuning)  # pool and timeouts on PostgreSQL
    # the board's own switch dates: (workflow, version) -> the first key date it applies to
    switches: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    overlays: list[Overlay] = field(default_factory=list)
    marking: str = "OFFICIAL-SENSITIVE"  # the protective marking on every page of a paper
    logo: str | None = None  # the board's logo on its papers: a file path or URL
    void_within_days: int = VOID_WITHIN_DAYS  # how long a recorded step may still be voided
    # the file's own settings ("email.smtp.host"), for `casework config show` to say which
    # values are the board's and which casework's defaults
    from_file: frozenset[str] = frozenset()
    targets: dict[str, Any] = field(default_factory=dict)  # figure -> casework.targets.Target

    @property
    def report_templates(self) -> Path | None:
        """The board's template folder: `[board] templates`, or `[email] templates`."""
        return self.templates or self.mail.templates

    @property
    def mail(self) -> EmailSettings:
        if self.email is None:
            self.email = EmailSettings(folder=default_outbox_folder(self.database_url))
        return self.email


def _user_dir(env: Mapping[str, str], xdg: str, fallback: str, windows: str) -> Path:
    """Linux and other Unixes: the XDG folder; macOS and Windows: their own (platformdirs)."""
    if sys.platform in ("darwin", "win32"):
        from platformdirs.macos import MacOS
        from platformdirs.windows import Windows

        config = windows == "APPDATA"  # Windows' roaming folder, for the config file
        kind = MacOS if sys.platform == "darwin" else Windows
        dirs = kind("casework", appauthor=False, roaming=config)
        return Path(dirs.user_config_dir if config else dirs.user_data_dir)
    base = env.get(xdg)
    return (Path(base) if base else Path.home() / fallback) / "casework"


def default_database_path(env: Mapping[str, str] = os.environ) -> Path:
    """The per-user default: `$XDG_DATA_HOME/casework/casework.db` (~/.local/share/...)."""
    return _user_dir(env, "XDG_DATA_HOME", ".local/share", "LOCALAPPDATA") / "casework.db"


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    return _user_dir(env, "XDG_CONFIG_HOME", ".config", "APPDATA") / "casework.toml"


def default_outbox_folder(url: str, env: Mapping[str, str] = os.environ) -> Path:
    """Beside an SQLite file (`outbox/`), else in the per-user data folder."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).parent / "outbox"
    return _user_dir(env, "XDG_DATA_HOME", ".local/share", "LOCALAPPDATA") / "outbox"


def database_url(value: str) -> str:
    """A URL as given, or a file path turned into an SQLite URL."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def load_settings(db: str | None = None, config: str | None = None,
                  env: Mapping[str, str] = os.environ) -> Settings:
    path, data = _read_config(config or env.get("CASEWORK_CONFIG"), env)
    check_sections(data, path)
    if db:
        url, source = database_url(db), "--db"
    elif env.get("CASEWORK_DATABASE_URL"):
        url, source = database_url(env["CASEWORK_DATABASE_URL"]), "CASEWORK_DATABASE_URL"
    elif data.get("database", {}).get("url"):
        url, source = database_url(str(data["database"]["url"])), f"config file {path}"
    else:
        url, source = database_url(str(default_database_path(env))), "the per-user default"
    settings = Settings(database_url=url, database_source=source, config_path=path,
                        from_file=frozenset(_keys(data)))
    if path is not None:
        settings.config_source = ("--config" if config else "CASEWORK_CONFIG"
                                  if env.get("CASEWORK_CONFIG") else "the per-user location")
    settings.database = _tuning(data.get("database", {}), path)
    board = data.get("board", {})
    from casework.options import one_line

    settings.board_name = one_line(str(board.get("name") or settings.board_name),
                                   f"config file {path}: [board] name")
    areas = board.get("areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        raise InvalidInput(f"config file {path}: [board] areas must be a list of area names")
    settings.areas = [a.strip() for a in areas if a.strip()]
    settings.templates = folder_setting(board.get("templates"),
                                        f"config file {path}: [board] templates")
    settings.marking = str(board.get("marking", settings.marking)).strip()
    settings.logo = str(board["logo"]) if board.get("logo") else None
    if "targets" in data:  # checked against the figures only when a board sets some
        from casework.targets import parse_targets

        settings.targets = parse_targets(data["targets"], f"config file {path}: [targets]")
    settings.closed_days = _closed_days(data.get("calendar", {}).get("closed_days", []), path)
    settings.timescales = _timescales(data.get("timescales", {}), path)
    settings.switches = _switches(data.get("regimes", {}), f"config file {path}: [regimes]")
    settings.overlays = overlays(data.get("overlays", []), f"config file {path}: [[overlays]]")
    settings.email = email_settings(data.get("email", {}), path,
                                    default_outbox_folder(url, env))
    settings.email.templates = settings.email.templates or settings.templates
    settings.reminders = Policy.from_config(data.get("reminders", {}),
                                            f"config file {path}: [reminders]")
    _kinds(settings.reminders, f"config file {path}: [reminders.kinds]")
    scheduler = data.get("scheduler", {})
    minutes = scheduler.get("sweep_minutes", 15) if isinstance(scheduler, dict) else None
    if not isinstance(minutes, int) or not 1 <= minutes <= 1440:
        raise InvalidInput(f"config file {path}: [scheduler] sweep_minutes must be a number "
                           "of minutes from 1 to 1440")
    settings.sweep_minutes = minutes
    settings.overdue_listing = _weekly(scheduler.get("overdue_listing", "monday 07:30"),
                                       f"config file {path}: [scheduler] overdue_listing")
    settings.void_within_days = _days(data.get("corrections", {}).get(
        "void_within_days", VOID_WITHIN_DAYS), f"config file {path}: [corrections] "
        "void_within_days")
    return settings


def _keys(table: dict[str, Any], prefix: str = "") -> list[str]:
    """Every setting in the file by its dotted name (`email.smtp.host`)."""
    keys = []
    for key, value in table.items():
        keys.append(prefix + key)
        if isinstance(value, dict):
            keys += _keys(value, f"{prefix}{key}.")
    return keys


def _days(value: Any, where: str) -> int:
    """A whole number of days from 1 to 3650 (ten years), written as a TOML number."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
        raise InvalidInput(f"{where} must be a whole number of days from 1 to 3650, "
                           f"e.g. void_within_days = 60 (not {value!r})")
    return value


def _kinds(policy: Policy, where: str) -> None:
    """A kind of deadline (`action`) or a workflow's (`scr.audit`) that some workflow has."""
    from workflows import registry

    for kind in policy.kinds:
        workflow, _, deadline = kind.rpartition(".")
        workflows = [workflow] if workflow else list(registry.processes())
        if not any(workflow in registry.processes() and deadline in deadline_names(workflow)
                   for workflow in workflows):
            raise InvalidInput(f"{where}: no kind of deadline {kind!r} (e.g. imr, action, "
                               "scr.audit)")


def _tuning(table: Any, path: Path | None) -> Tuning:
    where = f"config file {path}: [database]"
    if not isinstance(table, dict):
        raise InvalidInput(f"{where} must be a table")
    known = {f.name for f in fields(Tuning)}
    unknown = set(table) - known - {"url"}
    if unknown:
        raise InvalidInput(f"{where}: unknown setting {sorted(unknown)[0]!r} (known: url, "
                           f"{', '.join(f.name for f in fields(Tuning))})")
    values: dict[str, Any] = {}
    for name in known & set(table):
        value = table[name]
        whole = name == "pool_size"
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) \
                or value < (1 if whole else 0):
            raise InvalidInput(f"{where} {name} must be "
                               + ("a whole number from 1" if whole else "a number of seconds "
                                  "(0 for no limit)") + f", not {value!r}")
        values[name] = value
    return Tuning(**values)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekly(value: Any, where: str) -> tuple[int, int, int] | None:
    """`monday 07:30` as (0, 7, 30); `off` as None."""
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if text == "off":
        return None
    day, _, time = text.partition(" ")
    hour, _, minute = time.strip().partition(":")
    if day in WEEKDAYS and hour.isdigit() and minute.isdigit() and int(hour) < 24 \
            and int(minute) < 60 and len(minute) == 2:
        return WEEKDAYS.index(day), int(hour), int(minute)
    raise InvalidInput(f"{where} must be a day and a time, e.g. \"monday 07:30\", or \"off\"")


def _switches(value: Any, where: str) -> dict[tuple[str, str], dt.date]:
    """`[regimes.scr] "2010.1" = 2010-01-04`: a board's own start for a version."""
    from workflows import registry

    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be a table of [regimes.WORKFLOW] tables")
    switches: dict[tuple[str, str], dt.date] = {}
    for key, table in value.items():
        if key not in registry.processes():
            raise InvalidInput(f"{where}: no workflow {key!r} (known: "
                               f"{', '.join(registry.processes())})")
        if not isinstance(table, dict):
            raise InvalidInput(f"{where}: regimes.{key} must be a table of \"VERSION\" = DATE")
        for number, day in table.items():
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise InvalidInput(f"{where}.{key} \"{number}\": give a date, e.g. 2010-01-04 "
                                   f"(not {day!r})")
            switches[key, str(number)] = day
    problem = registry.check_switches(switches)
    if problem:
        raise InvalidInput(f"{where}: {problem}")
    return switches


def _timescales(value: Any, path: Path | None) -> dict[str, dict[str, Any]]:
    """One table per workflow; what is in each table is checked against the workflow when a
    case opens (casework.timescales.effective_rules)."""
    from workflows import registry

    if not isinstance(value, dict):
        raise InvalidInput(f"config file {path}: [timescales] must be a table")
    for key, table in value.items():
        if key not in registry.processes():
            raise InvalidInput(f"config file {path}: [timescales.{key}]: no workflow {key!r} "
                               f"(known: {', '.join(registry.processes())})")
        if not isinstance(table, dict):
            raise InvalidInput(f"config file {path}: timescales.{key} must be a table of "
                               f"deadlines, e.g. [timescales.{key}] then decision = \"1 month\"")
        known = deadline_names(key)
        for name in table:
            if name not in known:
                raise InvalidInput(f"config file {path}: [timescales.{key}] {name}: no such "
                                   f"deadline (known: {', '.join(known)})")
    return value


def deadline_names(workflow: str) -> list[str]:
    """A workflow's deadlines under any of its versions, in the order they come."""
    from workflows import registry

    names: dict[str, None] = {}
    for version in registry.versions(workflow):
        names.update(dict.fromkeys(d.key for d in version.deadlines))
    return list(names)


def _read_config(given: str | None, env: Mapping[str, str]) -> tuple[Path | None, dict]:
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise InvalidInput(f"config file {path} does not exist")
    else:
        path = default_config_path(env)
        if not path.is_file():
            return None, {}
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"config file {path} is not valid TOML: {exc}") from None


def _closed_days(values: Any, path: Path | None) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    if not isinstance(values, dict | list):
        raise InvalidInput(f"config file {path}: closed_days must be a list of dates "
                           '(["2008-12-29", ...]) or a table of date = "reason"')
    entries = values.items() if isinstance(values, dict) else ((v, "closed") for v in values)
    for value, name in entries:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(
                f"config file {path}: closed day {value!r} is not a date (YYYY-MM-DD)") from None
        days[day] = str(name)
    return days
