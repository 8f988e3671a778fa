"""How an email leaves: over SMTP, or as an .eml file in a folder.

A transport opens a `Connection` for a batch of emails (one SMTP session, reused for every
message: the relay's handshake and login are the slow part) and sorts what can go wrong:

    DeliveryError
     ├── TemporaryFailure   try again later: 4xx replies, a dropped connection, a timeout
     │    └── ServerUnavailable  the server could not be reached or refused the login:
     │                           nothing in this batch can go, the rest of the queue waits
     └── PermanentFailure   5xx: this message will never go as it is (the reply says why)
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

from casework.config import SmtpSettings


class DeliveryError(Exception):
    pass


class TemporaryFailure(DeliveryError):
    pass


class ServerUnavailable(TemporaryFailure):
    pass


class PermanentFailure(DeliveryError):
    pass


class Connection(Protocol):
    def send(self, message: bytes, name: str, sender: str, to: list[str]) -> list[str]:
        """Deliver one message, its final bytes, from `sender` to the addresses `to`; returns
        the recipients the server refused (the rest got it). `name` is a file-safe name for
        it, unique to what caused it."""


class Transport(Protocol):
    def describe(self) -> str: ...

    def connect(self) -> contextlib.AbstractContextManager[Connection]: ...


# -- SMTP ---------------------------------------------------------------------------------


class SmtpTransport:
    def __init__(self, settings: SmtpSettings, env: Mapping[str, str] = os.environ) -> None:
        self.settings = settings
        self.password = env.get(settings.password_env) if settings.username else None
        if settings.username and not self.password:
            raise ServerUnavailable(f"SMTP login as {settings.username} needs a password: set "
                                    f"${settings.password_env}")

    def describe(self) -> str:
        s = self.settings
        login = f", login {s.username}" if s.username else ""
        return f"SMTP {s.host}:{s.port} ({s.security}{login})"

    @contextlib.contextmanager
    def connect(self) -> Iterator[SmtpConnection]:
        connection = SmtpConnection(self)
        connection.open()
        try:
            yield connection
        finally:
            connection.close()

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.settings.ca_file:
            context.load_verify_locations(cafile=str(self.settings.ca_file))
        return context

    def open_session(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.port}"
        client: smtplib.SMTP | None = None
        try:
            if s.security == "tls":
                client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                          context=self._tls())
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            client.ehlo()
            if s.security == "starttls":
                client.starttls(context=self._tls())
                client.ehlo()
            if s.username:
                client.login(s.username, self.password or "")
            return client
        except (OSError, smtplib.SMTPException) as exc:  # SSLError is an OSError too
            _quit(client)
            raise ServerUnavailable(self._why(exc, where)) from None

    def _why(self, exc: OSError | smtplib.SMTPException, where: str) -> str:
        """What stopped a session opening, as the coordinator should read it."""
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return (f"{where} refused the login as {self.settings.username}: "
                    f"{_reply(exc.smtp_code, exc.smtp_error)}")
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return f"{where}: {exc}"
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}"
        if isinstance(exc, ssl.SSLError):
            return f"{where}: TLS failed: {exc.reason or exc}"
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return f"could not reach {where}: {reason or type(exc).__name__}"


class SmtpConnection:
    """One SMTP session, reopened once when the server drops it between messages."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.client: smtplib.SMTP | None = None

    def open(self) -> None:
        self.client = self.transport.open_session()
        if self.client.sock is not None:  # from here on each reply may take data_timeout
            self.client.sock.settimeout(self.transport.settings.data_timeout)

    def close(self) -> None:
        _quit(self.client)
        self.client = None

    def send(self, message: bytes, name: str, sender: str, to: list[str]) -> list[str]:
        if self.client is None:
            self.open()
        assert self.client is not None
        international = not all(address.isascii() for address in (sender, *to))
        try:
            refused = self.client.sendmail(sender, to, message,
                                           ["SMTPUTF8"] if international else [])
        except smtplib.SMTPRecipientsRefused as exc:
            replies = {to: _reply(code, text) for to, (code, text) in exc.recipients.items()}
            listed = "; ".join(f"{to}: {reply}" for to, reply in replies.items())
            if any(400 <= code < 500 for code, _ in exc.recipients.values()):
                raise TemporaryFailure(f"recipients refused for now: {listed}") from None
            raise PermanentFailure(f"recipients refused: {listed}") from None
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise TemporaryFailure(f"the server dropped the connection: {exc}") from None
        except smtplib.SMTPResponseException as exc:
            reply = _reply(exc.smtp_code, exc.smtp_error)
            if exc.smtp_code >= 500:
                raise PermanentFailure(reply) from None
            if exc.smtp_code == 421:  # the server is closing this session
                self.close()
            raise TemporaryFailure(reply) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(f"connection lost: {exc or type(exc).__name__}") from None
        return [f"{to}: {_reply(code, text)}" for to, (code, text) in refused.items()]


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _quit(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        with contextlib.suppress(OSError):
            client.close()


# -- a folder of .eml files ---------------------------------------------------------------


class FolderTransport:
    """Writes each email as an .eml file (opens in any mail program). The file is named by
    what caused the email, so delivering it again replaces it rather than adding a copy."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def describe(self) -> str:
        return f"the folder {self.folder}"

    @contextlib.contextmanager
    def connect(self) -> Iterator[FolderTransport]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ServerUnavailable(f"cannot create {self.folder}: {exc.strerror}") from None
        yield self

    def send(self, message: bytes, name: str, sender: str, to: list[str]) -> list[str]:
        path = self.folder / (re.sub(r"[^A-Za-z0-9.-]+", "_", name).strip("_") + ".eml")
        partial = path.with_suffix(".eml.part")
        try:
            partial.write_bytes(message)
            os.replace(partial, path)
        except OSError as exc:
            raise TemporaryFailure(f"cannot write {path}: {exc.strerror}") from None
        return []


def transport_for(settings) -> Transport:
    """SMTP when the config file names a relay, else the folder of .eml files."""
    mail = settings.mail
    if mail.smtp is not None:
        return SmtpTransport(mail.smtp)
    return FolderTransport(mail.folder)
