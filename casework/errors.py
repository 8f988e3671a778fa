"""What can go wrong that a user can fix, and nothing else.

    CaseworkError                 exit code 1 (never raised itself)
     ├── InvalidInput             2  a value that does not parse or is out of range
     ├── NotFound                 3
     │    ├── UnknownCase
     │    ├── UnknownAgency
     │    ├── UnknownDeadline
     │    └── UnknownWorkflow
     ├── StepNotAllowed           4  the step does not exist in the case's current stage
     ├── StepRefused              5  a guard refused the step, with the board's reason
     ├── AnotherScheduler         5  another `scheduler run` already works this SQLite file
     ├── Conflict                 6  someone else changed the case meanwhile
     ├── DatabaseNotReady         7  no database, or its schema is behind the code
     └── DeliveryFailed           9  the mail server could not be reached or refused the login

(8 is the command line's: a database error that is none of the above.)

The command line prints `Error: <message>` and exits with the class's code; the codes are part
of the interface (scripts test them) and do not change.
"""

from __future__ import annotations


class CaseworkError(Exception):
    exit_code = 1


class InvalidInput(CaseworkError):
    exit_code = 2


class NotFound(CaseworkError):
    exit_code = 3


class UnknownCase(NotFound):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no case with reference {reference!r}")
        self.reference = reference


class UnknownAgency(NotFound):
    def __init__(self, code: str, known: list[str] | None = None) -> None:
        message = f"no agency with code {code!r}"
        if known:
            message += f" (known: {', '.join(known)})"
        elif known is not None:
            message += " (no agencies yet: add one with `casework agency add`)"
        super().__init__(message)
        self.code = code


class UnknownDeadline(NotFound):
    pass


class UnknownWorkflow(NotFound):
    pass


class StepNotAllowed(CaseworkError):
    exit_code = 4

    def __init__(self, reference: str, step: str | None, stage: str, allowed: list[str]) -> None:
        listed = ", ".join(allowed) if allowed else "none: the case is closed"
        if step is None:
            message = f"{reference} is at stage {stage!r}: name a step (allowed: {listed})"
        else:
            message = (f"{reference} is at stage {stage!r}; step {step!r} is not allowed here "
                       f"(allowed: {listed})")
            import difflib

            close = difflib.get_close_matches(step.strip().lower().replace("-", "_"), allowed, 1)
            if close:
                message += f"; did you mean {close[0]}?"
        super().__init__(message)
        self.allowed = allowed


class StepRefused(CaseworkError):
    exit_code = 5


class AnotherScheduler(CaseworkError):
    """A second scheduler service on one SQLite database, refused (exit code 5 too)."""

    exit_code = 5


class Conflict(CaseworkError):
    exit_code = 6


class DatabaseNotReady(CaseworkError):
    exit_code = 7


class DeliveryFailed(CaseworkError):
    """Nothing was lost: the emails stay queued for the next delivery."""

    exit_code = 9
