"""The board's email settings (`[email]` and `[email.smtp]` in its config file), and the
path checks every section shares. The SMTP password is never read from the file: only the
name of the environment variable that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casework.errors import InvalidInput

SECURITY_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password_env: str = "CASEWORK_SMTP_PASSWORD"
    timeout: float = 30.0  # connecting, the greeting, EHLO, STARTTLS, the login
    # each reply once a message is under way, above all the final reply to DATA, which RFC
    # 5321 (4.5.3.2.6) lets a relay take ten minutes over: giving up sooner sends it twice
    data_timeout: float = 600.0
    ca_file: Path | None = None


@dataclass
class EmailSettings:
    folder: Path  # the folder transport's, used when there is no SMTP relay
    sender: str | None = None  # None: the board mailbox
    templates: Path | None = None  # the board's overrides, searched before the built-in ones
    smtp: SmtpSettings | None = None


def email_settings(table: Any, path: Path | None, default_folder: Path) -> EmailSettings:
    where = f"config file {path}: [email]"
    if not isinstance(table, dict):
        raise InvalidInput(f"{where} must be a table")
    unknown = set(table) - {"from", "templates", "folder", "smtp"}
    if unknown:
        raise InvalidInput(f"{where}: unknown setting {sorted(unknown)[0]!r} "
                           "(known: from, templates, folder, smtp)")
    folder = path_setting(table.get("folder"), f"{where} folder") or default_folder
    templates = folder_setting(table.get("templates"), f"{where} templates")
    sender = table.get("from")
    if sender is not None and not isinstance(sender, str):
        raise InvalidInput(f"{where} from: {sender!r} is not an email address")
    if sender is not None:
        from casework.addresses import checked_sender
        from casework.options import one_line

        one_line(sender, f"{where} from")
        sender = checked_sender(sender, f"{where} from:")
    smtp = table.get("smtp")
    return EmailSettings(folder=folder, sender=sender, templates=templates,
                         smtp=_smtp(smtp, f"config file {path}: [email.smtp]")
                         if smtp is not None else None)


def _smtp(table: Any, where: str) -> SmtpSettings:
    if not isinstance(table, dict):
        raise InvalidInput(f"{where} must be a table")
    if "password" in table:
        raise InvalidInput(f"{where}: never put the SMTP password in a file; name the "
                           "environment variable that holds it with password_env "
                           "(default CASEWORK_SMTP_PASSWORD)")
    known = {"host", "port", "security", "username", "password_env", "timeout", "data_timeout",
             "ca_file"}
    unknown = set(table) - known
    if unknown:
        raise InvalidInput(f"{where}: unknown setting {sorted(unknown)[0]!r} "
                           f"(known: {', '.join(sorted(known))})")
    host = table.get("host")
    if not isinstance(host, str) or not host.strip():
        raise InvalidInput(f"{where}: host is needed (the SMTP relay's name)")
    security = table.get("security", "starttls")
    if security not in SECURITY_PORTS:
        raise InvalidInput(f"{where}: security must be one of starttls, tls, none")
    port = table.get("port", SECURITY_PORTS[security])
    if not isinstance(port, int) or not 0 < port < 65536:
        raise InvalidInput(f"{where}: port must be a number from 1 to 65535")
    timeout = table.get("timeout", 30)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        raise InvalidInput(f"{where}: timeout must be a number of seconds")
    data_timeout = table.get("data_timeout", 600)
    if not isinstance(data_timeout, int | float) or isinstance(data_timeout, bool) \
            or data_timeout <= 0:
        raise InvalidInput(f"{where}: data_timeout must be a number of seconds")
    username = table.get("username")
    password_env = table.get("password_env", "CASEWORK_SMTP_PASSWORD")
    if not isinstance(password_env, str) or not password_env:
        raise InvalidInput(f"{where}: password_env must name an environment variable")
    ca_file = path_setting(table.get("ca_file"), f"{where} ca_file")
    if ca_file is not None and not ca_file.is_file():
        raise InvalidInput(f"{where} ca_file: {ca_file} does not exist")
    return SmtpSettings(host=host.strip(), port=port, security=security,
                        username=str(username) if username else None,
                        password_env=password_env, timeout=float(timeout),
                        data_timeout=float(data_timeout), ca_file=ca_file)


def folder_setting(value: Any, what: str) -> Path | None:
    folder = path_setting(value, what)
    if folder is not None and not folder.is_dir():
        raise InvalidInput(f"{what}: {folder} is not a folder")
    return folder


def path_setting(value: Any, what: str) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} must be a path")
    return Path(value).expanduser()
