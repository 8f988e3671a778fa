"""Turning what a coordinator typed after a step's name into the values the step expects."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from casework import disclosure
from casework.dates import parse_date, parse_moment
from casework.errors import InvalidInput
from casework.identity import keyed_hash
from workflows.definition import Moment, Option, Step

_TIME_GIVEN = re.compile(r"[ T]\d{1,2}:\d{2}$")
AgencyCheck = Callable[[str], str]  # returns the canonical code or raises UnknownAgency


def required(value: str | None, flag: str) -> str:
    """The stripped text of an option that must not be empty."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{flag} must not be empty")
    return text


# Line breaks Python's email package would refuse in a header (CR, LF and the Unicode ones).
_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def one_line(value: str, flag: str) -> str:
    """Text that reaches an email header (a name, a pseudonym, the sender): a line break
    would end the header there and start another, so it is refused when it is entered."""
    if _BREAKS.search(value):
        raise InvalidInput(f"{flag} must be one line: it holds a line break, which an email "
                           "header cannot carry")
    return value


def option_names(step: Step) -> str:
    return ", ".join(o.flag for o in step.options) or "none"


def parse_options(step: Step, raw: Mapping[str, Any], agency: AgencyCheck,
                  asked_agency: AgencyCheck | None = None, *,
                  subject: str | None = None, names: Collection[str] = ()) -> dict[str, Any]:
    """Check every option against the step's definition and convert it to its type.

    `agency` accepts agencies that may be asked for something new (active ones);
    `asked_agency` any agency already asked, so that an agency made inactive since can still
    have its answer received or waived. `subject` is what the errors name (default: the
    step). `names`: the keyed hashes of the child's names, which no text may hold."""
    subject = subject or f"step {step.name}"
    checks = {"agency": agency, "asked_agency": asked_agency or agency}
    given = {name.replace("-", "_").lstrip("_"): value for name, value in raw.items()}
    parsed: dict[str, Any] = {}
    for name, value in given.items():
        option = step.option(name)
        if option is None:
            raise InvalidInput(
                f"{subject} has no option --{name.replace('_', '-')} "
                f"(its options: {option_names(step)})")
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > 1 and not option.multiple:
            raise InvalidInput(f"{option.flag} may be given only once for {subject}")
        converted = [_convert(option, v, checks, names) for v in values]
        if option.multiple:  # a value given twice counts once
            converted = list(dict.fromkeys(converted))
        parsed[name] = converted if option.multiple else converted[0]
    missing = [o.flag for o in step.options if o.required and not _given(parsed.get(o.name))]
    if missing:
        raise InvalidInput(f"{subject} needs {', '.join(missing)}")
    for option in step.options:
        if option.multiple:
            parsed.setdefault(option.name, [])
        elif option.kind == "flag":
            parsed.setdefault(option.name, False)
        else:
            parsed.setdefault(option.name, None)
    return parsed


def typed_dues(step: Step, opts: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The due dates typed for a step's options (`--due`, `--agency CODE=DATE`), with the
    option each came from, for a weekend or a bank holiday to be warned of."""
    found = []
    for option in step.options:
        values = opts.get(option.name)
        values = values if isinstance(values, list) else [values]
        if option.kind == "agency_due":
            found += [(f"{option.flag} {code}", due) for code, due in values if due]
        elif option.due:
            found += [(option.flag, day) for day in values if day]
    return found


def _given(value: Any) -> bool:
    """Whether an option has a value: 0 is one (action A0 is then named as unknown)."""
    return value is not None and value is not False and value != "" and value != []


def _convert(option: Option, value: Any, checks: Mapping[str, AgencyCheck],
             names: Collection[str] = ()) -> Any:
    if option.kind == "flag":
        if value in (True, "true", "yes", "1", ""):
            return True
        raise InvalidInput(f"{option.flag} is a flag and takes no value")
    if value is True or value is None:
        raise InvalidInput(f"{option.flag} needs a value")
    text = str(value).strip()
    if not text:
        raise InvalidInput(f"{option.flag} needs a value")
    if option.kind == "choice":
        choice = text.lower().replace("-", "_")
        if choice not in option.choices:  # choices written with hyphens: age bands, 1-4y
            choice = text.lower()
        if choice not in option.choices:
            raise InvalidInput(f"{option.flag} must be one of: {', '.join(option.choices)} "
                               f"(not {text!r})")
        return choice
    if option.kind == "date":
        return parse_date(text, what=option.flag)
    if option.kind == "moment":
        return Moment(parse_moment(text, what=option.flag), bool(_TIME_GIVEN.search(text)))
    if option.kind == "identity":  # never echoed: the error names the option, not the value
        digits = re.sub(r"[\s-]", "", text)
        problem = option.check(digits) if option.check else None
        if problem:
            raise InvalidInput(f"{option.flag}: {problem}")
        return keyed_hash(digits)
    if option.kind == "number":
        digits = text.upper().removeprefix("A")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
            raise InvalidInput(f"{option.flag} must be a number such as 3 or A3 (not {text!r})")
        return int(digits)
    if option.kind in checks:
        return checks[option.kind](text)
    if option.kind == "agency_due":
        code, sep, due = text.replace(":", "=", 1).partition("=")
        return (checks["agency"](code), parse_date(due, what=f"due date for {code.upper()}")
                if sep else None)
    if option.kind == "text" and option.disclosure:
        disclosure.check(text, option.flag, names)
    return text
