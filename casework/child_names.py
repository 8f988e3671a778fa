"""A child's real names, kept only as keyed hashes of each part, so that free text naming the
child can be refused when it is typed, without the names themselves being stored, logged or
printed anywhere (the key lives outside the database, as for the NHS number).

A name and a text are cut into words the same way and each word normalised the same way
(accents and punctuation dropped, case folded: "Zoé", "ZOE" and "Zoe" are one word; "O'Neil"
is "oneil"; "Olivia-Mae" is the two words "olivia" and "mae"; "Mae's" in a text is also
"mae"), then hashed under the board's identity key. A text is refused when one of its words'
hashes is one of the case's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from casework.errors import InvalidInput
from casework.identity import KEY_VARIABLE, identity_key, keyed_hash

STORED_AS = "child_name_hashes"  # the case's data key: a sorted list of keyed hashes
FLAG = "--child-name"
# A word: letters or digits, with apostrophes inside ("O'Neil"); hyphens and the rest part it.
_WORD = re.compile(r"[^\W_](?:[^\W_]|['’](?=[^\W_]))*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
MIN_PART = 2  # an initial alone is not kept: it would refuse every "a" and "I"
MAX_LENGTH = 100  # one name as a person writes it: forenames and surname
# Besides letters (and the accents combined with them) and spaces: what names are written with.
_BETWEEN = frozenset(" -'’‘ʼ.,\u2010\u2011")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


def words(text: str) -> Iterator[Word]:
    for match in _WORD.finditer(text):
        yield Word(match.group(), match.start(), match.end())


def normalised(word: str) -> str:
    """The word without accents, apostrophes or case."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", word)
                       if not unicodedata.combining(c) and c.isalnum())
    return stripped.casefold()


def _hash(part: str, key: bytes) -> str:
    return keyed_hash("child-name:" + part, key)  # its own domain: never an NHS number's


def problem(name: str) -> str | None:
    """Why `name` cannot be a name as typed, saying where without repeating it, or None."""
    if len(name) > MAX_LENGTH:
        return f"is at most {MAX_LENGTH} characters (this one has {len(name)})"
    for at, char in enumerate(name, start=1):
        kind = unicodedata.category(char)
        if kind == "Cs" or char == "\ufffd":  # bytes that were not text (surrogate-escaped)
            return f"holds bytes that are not text (character {at})"
        if kind.startswith("C") or char in "\u2028\u2029":
            return f"holds a control character (character {at}): a name is one line of letters"
        if not (kind.startswith(("L", "M")) or kind == "Zs" or char in _BETWEEN):
            shown = "a digit" if kind.startswith("N") else repr(char)
            return (f"holds {shown} (character {at}): a name is letters, with spaces, hyphens, "
                    "apostrophes and full stops between them")
    return None


def hashes(names: Sequence[str] | None, flag: str = FLAG) -> list[str]:
    """The keyed hashes of every part of the names given with --child-name (repeatable:
    forenames and surname in one, a former or other name in another); `flag`: what the
    person typed them as, for the errors."""
    if not names:
        return []
    for name in names:
        wrong = problem(name or "")
        if wrong:
            raise InvalidInput(f"{flag} {wrong}")
    try:
        key = identity_key()
    except InvalidInput as exc:
        raise InvalidInput(f"{flag} is kept only as keyed hashes, and {exc} (names are never "
                           f"stored in clear; see {KEY_VARIABLE} in the README)") from None
    parts: set[str] = set()
    for name in names:
        found = [normalised(w.text) for w in words(name or "")]
        found = [p for p in found if len(p) >= MIN_PART]
        if not found:
            raise InvalidInput(f"{flag} needs a name of at least {MIN_PART} letters")
        parts.update(found)
    return sorted(_hash(part, key) for part in parts)


def found_in(text: str, kept: Collection[str]) -> Word | None:
    """The first word of `text` that is one of the child's names, or None."""
    if not kept:
        return None
    try:
        key = identity_key()
    except InvalidInput as exc:
        raise InvalidInput(f"this case holds the child's names as keyed hashes, and text about "
                           f"it cannot be checked against them: {exc}") from None
    for word in words(text):
        bare = _POSSESSIVE.sub("", word.text)  # "Mae's" is Mae
        for part in {normalised(word.text), normalised(bare)}:
            if len(part) >= MIN_PART and _hash(part, key) in kept:
                return word
    return None


def of(data: object) -> list[str]:
    """The keyed hashes a case holds (its `data`), or none."""
    kept = data.get(STORED_AS) if isinstance(data, dict) else None
    return list(kept) if isinstance(kept, list) else []

