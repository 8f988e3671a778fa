"""Requests to agencies, one deadline row per agency (an SCR's IMRs, a death's Form B).

Each agency is asked once; each answer is received, or formally waived with a reason, one by
one; the next stage waits until none is awaited. The guards and effects here serve every
workflow that asks agencies for something.
"""

from __future__ import annotations

from workflows.definition import CaseLike, Effect, Guard, Options, open_deadlines


def awaited(case: CaseLike, kind: str) -> list[str]:
    """The agencies whose answer is still awaited, by code."""
    return sorted(d.agency_code for d in open_deadlines(case, kind))


def asked_once(kind: str, already: str) -> Guard:
    """Refuses asking an agency again: `already` reads "an IMR has already been commissioned"."""
    def guard(case: CaseLike, opts: Options) -> str | None:
        codes = [code for code, _ in opts["agency"]]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            return f"{', '.join(twice)} is named more than once: give each agency once"
        asked = {d.agency_code for d in case.deadlines(kind)}
        repeated = sorted(set(codes) & asked)
        return f"{already} from {', '.join(repeated)}" if repeated else None
    return guard


def answer_awaited(kind: str, what: str) -> Guard:
    """Refuses recording an answer nobody is waiting for (`what`: "IMR", "Form B")."""
    def guard(case: CaseLike, opts: Options) -> str | None:
        waiting = awaited(case, kind)
        if opts["agency"] in waiting:
            return None
        return (f"no {what} is awaited from {opts['agency']} "
                f"(awaited: {', '.join(waiting) or 'none'})")
    return guard


def all_answered(kind: str, reason: str) -> Guard:
    """Refuses moving on while any answer is awaited, giving the board's `reason`."""
    def guard(case: CaseLike, opts: Options) -> str | None:
        waiting = awaited(case, kind)
        return f"{reason} (still awaited: {', '.join(waiting)})" if waiting else None
    return guard


def ask(kind: str) -> Effect:
    """Opens one deadline per agency in `--agency CODE[=DUE]`."""
    def effect(case: CaseLike, opts: Options) -> None:
        for code, due in opts["agency"]:
            case.open_deadline(kind, agency=code, due=due)
    return effect


def receive(kind: str) -> Effect:
    def effect(case: CaseLike, opts: Options) -> None:
        case.close_deadline(kind, agency=opts["agency"], status="met", note=opts.get("note"))
    return effect


def waive(kind: str) -> Effect:
    def effect(case: CaseLike, opts: Options) -> None:
        case.close_deadline(kind, agency=opts["agency"], status="waived", note=opts["reason"])
    return effect
