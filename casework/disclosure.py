"""The disclosure check: free text a person types may be printed in an email, a report or an
export that leaves the building, so a date of birth, an NHS number, a postcode or a phone
number in it is refused when it is entered, not found afterwards.

The error names the option, what was found and where, with its digits and letters masked:
the person who typed it can remove it, and the error itself repeats nothing identifying.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from casework.errors import InvalidInput
from workflows.children import nhs_number_problem

_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
           r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = (r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"          # 14/02/2005, 14-2-05
         r"|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}"                      # 2005-02-14
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{2,4}}"  # 14 Feb 2005
         rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")  # February 14, 2005
_BIRTH = r"(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|\bborn\b|\bb\.)"
# A date next to a word for birth, either way round ("DOB 14/02/2005", "14/02/2005 (DOB)").
_DOB = re.compile(rf"{_BIRTH}[^.;\n\d]{{0,24}}?{_DATE}|{_DATE}[\s,()\-]{{0,4}}{_BIRTH}",
                  re.IGNORECASE)
# Ten digits, in the 3-3-4 groups an NHS number is written in or run together.
_TEN_DIGITS = re.compile(r"(?<![\d/\-])(?<!\d\.)\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d/\-]|\.\d)")
# A UK postcode: outward code (area letters, district) and inward code (sector, unit).
_POSTCODE = re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b",
                       re.IGNORECASE)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)
# A UK phone number: 0 or +44 (with an optional "(0)"), then nine or ten digits, which may
# be grouped by spaces, hyphens or a bracketed area code.
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)(?:[\s\-)]{0,2}\d){9,10}(?!\d)")


@dataclass(frozen=True)
class Disclosure:
    """What was found, and where in the text (0-based start, end exclusive)."""

    what: str
    start: int
    end: int


def _postcode(match: re.Match[str]) -> bool:
    """Whether a postcode-shaped match is one: written in one case ("ME14 2QT", "me14 2qt")
    and not an ordinal after a code ("B2 1st")."""
    text = match.group()
    letters = [c for c in text if c.isalpha()]
    one_case = all(c.isupper() for c in letters) or all(c.islower() for c in letters)
    return one_case and not (text.islower() and _ORDINAL.search(text))


def find(text: str) -> Disclosure | None:
    """The first identifying detail in `text`, or None."""
    found: list[Disclosure] = []
    found += [Disclosure("a date of birth", m.start(), m.end()) for m in _DOB.finditer(text)]
    found += [Disclosure("an NHS number", m.start(), m.end()) for m in _TEN_DIGITS.finditer(text)
              if nhs_number_problem(re.sub(r"\D", "", m.group())) is None]
    found += [Disclosure("a postcode", m.start(), m.end()) for m in _POSTCODE.finditer(text)
              if _postcode(m)]
    found += [Disclosure("a phone number", m.start(), m.end()) for m in _PHONE.finditer(text)]
    return min(found, key=lambda d: (d.start, -d.end)) if found else None


def masked(text: str) -> str:
    """The part found, with its digits and its letters but the words' shapes hidden."""
    return re.sub(r"[^\W\d_]", "x", re.sub(r"\d", "#", text))  # any letter, accented too


def check(text: str | None, flag: str, names: Collection[str] = ()) -> str | None:
    """`text` unchanged, or InvalidInput naming the option and the part to remove. `names`:
    the keyed hashes of the child's names the case holds (casework.child_names)."""
    if not text:
        return text
    found = find(text)
    if found is None:
        from casework.child_names import found_in

        named = found_in(text, names)
        if named is not None:
            found = Disclosure("one of the child's names", named.start, named.end)
    if found is None:
        return text
    raise InvalidInput(
        f"{flag} holds what looks like {found.what} (characters {found.start + 1}-{found.end}: "
        f"{masked(text[found.start:found.end])!r}): remove it. This text can leave the board "
        "in emails, reports and exports, where a child is known only by case reference and "
        "pseudonym")
