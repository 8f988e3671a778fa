"""Where the database is and what a board has changed from the defaults.

The board's config file is TOML, found at `--config`, else `$CASEWORK_CONFIG`, else
`<user config dir>/casework/casework.toml` if it exists. Everything in it is optional:

    [board]
    name = "Kent Safeguarding Children Board"
    areas = ["Kent"]            # a death of a child living elsewhere goes to that area's panel

    [database]
    url = "sqlite:////srv/casework/casework.db"     # --db and $CASEWORK_DATABASE_URL win

    [calendar]
    closed_days = ["2008-12-29", "2008-12-30", "2008-12-31"]

    [timescales.scr]                                 # per workflow, per deadline
    imr = "8 weeks"                                  # a duration ...
    panel = { duration = "15 working days", anchor = "decision" }   # ... or both parts

Secrets (the SMTP password, later) never live here: they come from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casework.errors import InvalidInput


@dataclass
class Settings:
    database_url: str
    database_source: str  # how the URL was chosen, for `casework init` to say
    config_path: Path | None = None
    board_name: str = "Local Safeguarding Children Board"
    areas: list[str] = field(default_factory=list)  # where the panel's children live
    closed_days: dict[dt.date, str] = field(default_factory=dict)
    timescales: dict[str, dict[str, Any]] = field(default_factory=dict)


def _user_dir(env: Mapping[str, str], xdg: str, fallback: str, windows: str) -> Path:
    if sys.platform == "win32" and env.get(windows):
        return Path(env[windows]) / "casework"
    base = env.get(xdg)
    return (Path(base) if base else Path.home() / fallback) / "casework"


def default_database_path(env: Mapping[str, str] = os.environ) -> Path:
    """The per-user default: `$XDG_DATA_HOME/casework/casework.db` (~/.local/share/...)."""
    return _user_dir(env, "XDG_DATA_HOME", ".local/share", "LOCALAPPDATA") / "casework.db"


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    return _user_dir(env, "XDG_CONFIG_HOME", ".config", "APPDATA") / "casework.toml"


def database_url(value: str) -> str:
    """A URL as given, or a file path turned into an SQLite URL."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def load_settings(db: str | None = None, config: str | None = None,
                  env: Mapping[str, str] = os.environ) -> Settings:
    path, data = _read_config(config or env.get("CASEWORK_CONFIG"), env)
    if db:
        url, source = database_url(db), "--db"
    elif env.get("CASEWORK_DATABASE_URL"):
        url, source = database_url(env["CASEWORK_DATABASE_URL"]), "CASEWORK_DATABASE_URL"
    elif data.get("database", {}).get("url"):
        url, source = database_url(str(data["database"]["url"])), f"config file {path}"
    else:
        url, source = database_url(str(default_database_path(env))), "the per-user default"
    settings = Settings(database_url=url, database_source=source, config_path=path)
    board = data.get("board", {})
    settings.board_name = str(board.get("name") or settings.board_name)
    areas = board.get("areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        raise InvalidInput(f"config file {path}: [board] areas must be a list of area names")
    settings.areas = [a.strip() for a in areas if a.strip()]
    settings.closed_days = _closed_days(data.get("calendar", {}).get("closed_days", []), path)
    settings.timescales = _timescales(data.get("timescales", {}), path)
    return settings


def _timescales(value: Any, path: Path | None) -> dict[str, dict[str, Any]]:
    """One table per workflow; what is in each table is checked against the workflow when a
    case opens (casework.timescales.effective_rules)."""
    from workflows import registry

    if not isinstance(value, dict):
        raise InvalidInput(f"config file {path}: [timescales] must be a table")
    for key, table in value.items():
        if key not in registry.WORKFLOWS:
            raise InvalidInput(f"config file {path}: [timescales.{key}]: no workflow {key!r} "
                               f"(known: {', '.join(registry.WORKFLOWS)})")
        if not isinstance(table, dict):
            raise InvalidInput(f"config file {path}: timescales.{key} must be a table of "
                               f"deadlines, e.g. [timescales.{key}] then decision = \"1 month\"")
    return value


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
