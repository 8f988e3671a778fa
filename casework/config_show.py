"""The configuration in force, each value with where it came from (`casework config show`).

A value comes from a command-line option, an environment variable, the board's config file,
or casework's own default. Secrets are never shown: of the SMTP password only whether it is
set and in which environment variable; a database URL without its password.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from casework.config import Settings, Tuning

DEFAULT = "built-in default"


@dataclass(frozen=True)
class Setting:
    name: str  # dotted, as in the file: "email.smtp.host"
    value: str
    source: str  # "built-in default", "config file PATH", "$NAME", "--db"


def effective(settings: Settings, env: Mapping[str, str] = os.environ) -> list[Setting]:
    """Every setting casework uses, in the order of the config file's sections."""
    from casework.db import describe

    file = f"config file {settings.config_path}"

    def row(name: str, value: Any, default: str = DEFAULT) -> Setting:
        return Setting(name, _text(value), file if name in settings.from_file else default)

    config_from = {"--config": "--config", "CASEWORK_CONFIG": "$CASEWORK_CONFIG",
                   "the per-user location": "the per-user location"}
    rows = [Setting("config file", str(settings.config_path or "(none)"),
                    config_from.get(settings.config_source, DEFAULT))]
    database_from = {"--db": "--db", "CASEWORK_DATABASE_URL": "$CASEWORK_DATABASE_URL",
                     "the per-user default": DEFAULT}
    rows.append(Setting("database.url", describe(settings.database_url),
                        database_from.get(settings.database_source, settings.database_source)))
    rows += [row(f"database.{f.name}", getattr(settings.database, f.name))
             for f in fields(Tuning)]
    rows += [row("board.name", settings.board_name), row("board.areas", settings.areas),
             row("board.templates", settings.templates), row("board.marking", settings.marking),
             row("board.logo", settings.logo)]
    rows.append(row("calendar.closed_days", [f"{day.isoformat()} {why}".strip()
                                             for day, why in sorted(settings.closed_days.items())]))
    for workflow, table in sorted(settings.timescales.items()):
        rows += [row(f"timescales.{workflow}.{key}", value) for key, value in table.items()]
    rows += [row(f"regimes.{workflow}.{version}", day.isoformat())
             for (workflow, version), day in sorted(settings.switches.items())]
    rows += [Setting(f"overlays.{n}", f"{o.describe()}: {', '.join(o.timescales)}", file)
             for n, o in enumerate(settings.overlays, 1)]
    rows += _email(settings, env, row)
    policy = settings.reminders
    rows += [row("reminders.default", [str(level) for level in policy.default]),
             row("reminders.hours", [str(level) for level in policy.hours])]
    rows += [row(f"reminders.kinds.{kind}", [str(level) for level in levels])
             for kind, levels in sorted(policy.kinds.items())]
    rows += [row("scheduler.sweep_minutes", settings.sweep_minutes),
             row("scheduler.overdue_listing", _weekly(settings.overdue_listing)),
             row("corrections.void_within_days", settings.void_within_days)]
    rows += [Setting(name, "(set: read by the figures paper)", file)
             for name in sorted(settings.from_file) if name.startswith("targets.")]
    return rows


def _email(settings: Settings, env: Mapping[str, str], row: Any) -> list[Setting]:
    mail = settings.mail
    folder = row("email.folder", mail.folder)
    if folder.source == DEFAULT:
        where = ("beside the database" if settings.database_url.startswith("sqlite:///")
                 else "in the per-user data folder")  # as default_outbox_folder chooses
        folder = Setting(folder.name, folder.value, f"{DEFAULT}: {where}")
    templates = row("email.templates", mail.templates)
    if "email.templates" not in settings.from_file and "board.templates" in settings.from_file:
        templates = Setting(templates.name, templates.value, "board.templates")
    rows = [row("email.from", mail.sender or "(the board mailbox)"), folder, templates]
    smtp = mail.smtp
    if smtp is None:
        return [*rows, row("email.smtp", "(none: emails are written to the folder)")]
    rows += [row(f"email.smtp.{name}", getattr(smtp, name))
             for name in ("host", "port", "security", "username", "timeout", "data_timeout",
                          "ca_file", "password_env")]
    variable = smtp.password_env
    rows.append(Setting("email.smtp.password",
                        "set" if env.get(variable) else "not set", f"${variable}"))
    return rows


def _weekly(value: tuple[int, int, int] | None) -> str:
    from casework.config import WEEKDAYS

    if value is None:
        return "off"
    day, hour, minute = value
    return f"{WEEKDAYS[day]} {hour:02d}:{minute:02d}"


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
