"""What every command shares: settings, the database session, the actor, error handling."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from casework.errors import CaseworkError

if TYPE_CHECKING:
    from casework.clock import Clock
    from casework.config import Settings
    from casework.service import CaseService
    from notifications.notifier import Notifier


class App:
    """Built by the root command; tests may pass their own (with a fixed clock) as `obj`."""

    def __init__(self, db: str | None = None, config: str | None = None,
                 clock: Clock | None = None) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self._settings: Settings | None = None
        self.notifier: Notifier | None = None
        self.warned = False  # about damaged cases, once a command
        self.set_aside = False  # scan for damaged cases first (after a read failed on one)
        self.verbosity = 0  # -q: -1, -v: 1, -vv: 2 (cli.logs)
        self.wide = False  # tables drawn whole, whatever the width (--wide)
        self.pager = True  # long output through a pager on a terminal (--no-pager)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from casework.config import load_settings

            self._settings = load_settings(self.db, self.config)
        return self._settings

    @contextlib.contextmanager
    def service(self) -> Iterator[CaseService]:
        """The case service, with the notifier that queues agencies' emails as cases move
        (`self.notifier.queued` lists what this command queued)."""
        from casework.db import open_engine, session_scope
        from casework.quarantine import looks_damaged, quarantine
        from casework.service import CaseService
        from notifications.notifier import Notifier

        engine = open_engine(self.settings.database_url, self.settings.database)
        self.notifier = Notifier(self.settings)
        try:
            with session_scope(engine) as session:
                damaged = (quarantine(session) if self.set_aside or looks_damaged(session)
                           else [])
                session.commit()  # the scan's read ends here: a claim opens its own
                self.warn(damaged)  # before the output, and even when the command fails
                service = CaseService(session, self.settings, self.clock,
                                      listeners=[self.notifier])
                yield service
                for warning in service.warnings:  # the command succeeded: what it accepted
                    click.echo(f"Warning: {warning}", err=True)
        finally:
            engine.dispose()

    def warn(self, damaged: list[Any]) -> None:
        """Name the damaged cases a command set aside, on stderr, once a command."""
        if damaged and not self.warned:
            self.warned = True
            click.echo(f"Warning: {len(damaged)} damaged case{'s' if len(damaged) > 1 else ''}"
                       " skipped (`casework doctor` lists them all):", err=True)
            for damage in damaged[:10]:
                click.echo(f"  {damage.line()}", err=True)

    def transport(self) -> Any:
        """The mail transport the settings name; a relay that cannot be used (no password)
        is exit code 9, with nothing sent."""
        from casework.errors import DeliveryFailed
        from notifications.transports import ServerUnavailable, transport_for

        try:
            return transport_for(self.settings)
        except ServerUnavailable as exc:
            raise DeliveryFailed(f"{exc}: nothing sent, the emails wait in the outbox") from None

    def queued_note(self) -> str | None:
        """"2 emails queued ..." after a command that queued some."""
        count = len(self.notifier.queued) if self.notifier else 0
        if not count:
            return None
        return (f"{count} email{'s' if count > 1 else ''} queued for the agencies "
                "(`casework outbox list`; `casework outbox send` delivers them)")

    def today(self) -> Any:
        from casework.clock import SystemClock, today

        return today(self.clock or SystemClock())


class UserError(click.ClickException):
    """A CaseworkError on its way out: `Error: ...` on stderr, and the error's exit code."""

    def __init__(self, error: CaseworkError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class CaseworkGroup(click.Group):
    """The root group: turns what a user can fix into a message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        # click consumes the command's arguments; kept to run it once more (click 8.2 names
        # them _protected_args, the public name being deprecated)
        args = (list(ctx._protected_args), list(ctx.args))
        try:
            return super().invoke(ctx)
        except CaseworkError as error:
            if _damage_explains(ctx, error):
                ctx._protected_args, ctx.args = args
                return self.invoke(ctx)  # once more, the damaged cases set aside
            raise UserError(error) from None
        except click.exceptions.Exit:  # --help, --version: nothing to explain (nor to import)
            raise
        except OSError as error:  # a path too long, a folder not there, not allowed
            if isinstance(error, ConnectionError | TimeoutError):
                raise
            from cli.guard import shown

            where = f" {shown(str(error.filename))}" if error.filename else ""
            failure = click.ClickException(f"cannot use{where}: {error.strerror or error}")
            failure.exit_code = 2
            raise failure from None
        except Exception as error:
            if _damage_explains(ctx, error):
                ctx._protected_args, ctx.args = args
                return self.invoke(ctx)
            if type(error).__module__.startswith("sqlalchemy"):
                message = str(getattr(error, "orig", None) or error).splitlines()[0]
                failure = click.ClickException(f"database error: {message}")
                failure.exit_code = 8
                raise failure from None
            raise


def _damage_explains(ctx: click.Context, error: Exception) -> bool:
    """Whether a failed read is explained by damaged cases (then the command runs once more
    with them set aside): only the first time, and only when the scan finds some."""
    from casework.quarantine import UNREADABLE

    app = ctx.obj
    if not isinstance(app, App) or app.set_aside or not isinstance(error, UNREADABLE):
        return False
    from casework.db import open_engine, session_scope
    from casework.quarantine import scan

    try:
        engine = open_engine(app.settings.database_url, app.settings.database)
    except Exception:  # no database to scan: the first error stands
        return False
    try:
        with session_scope(engine) as session:
            app.set_aside = bool(scan(session))
    except Exception:
        return False
    finally:
        engine.dispose()
    return app.set_aside


def actor_option(command: Callable) -> Callable:
    return click.option(
        "--actor", envvar="CASEWORK_ACTOR", default=None, metavar="NAME",
        help="Who is recording this (default: $CASEWORK_ACTOR, else your login name).",
    )(command)


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON for scripts instead of a table.")(command)


def wide_option(command: Callable) -> Callable:
    """`--wide` after a listing's name too, as `casework --wide` before it."""
    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and isinstance(ctx.obj, App):
            ctx.obj.wide = True

    return click.option("--wide", is_flag=True, expose_value=False, callback=remember,
                        help="Draw tables whole, never cut to the terminal's width.")(command)


def on_option(command: Callable) -> Callable:
    return click.option(
        "--on", metavar="DATE", default=None,
        help="When it happened, if earlier than now: YYYY-MM-DD or 'YYYY-MM-DD HH:MM'.",
    )(command)


def child_names_option(command: Callable) -> Callable:
    """`--child-name`, wherever a case of a child opens."""
    return click.option(
        "--child-name", "child_names", metavar="NAME", multiple=True,
        help="The child's real name (repeat for another name), kept only as keyed hashes of "
             "its parts; free text naming the child is then refused. Needs "
             "CASEWORK_IDENTITY_KEY.")(command)


def as_of_option(command: Callable) -> Callable:
    return click.option("--as-of", metavar="DATE", default=None,
                        help="Judge lateness as on this date (default: today).")(command)


def actor_name(given: str | None) -> str:
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still say something true
        return "unknown"


def as_of_date(app: App, given: str | None) -> Any:
    if not given:
        return app.today()
    from casework.dates import parse_date

    return parse_date(given, what="--as-of")


pass_app = click.make_pass_decorator(App)
